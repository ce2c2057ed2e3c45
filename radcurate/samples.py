"""Sample studies for the demo and the tests, built from real DICOM files shipped with pydicom.

A series is made from one real instance (pixel data and header kept) by giving each slice its own
SOP Instance UID, instance number and position along the slice normal. Every sample carries planted
PHI (names, IDs, dates, address, private tags) so that de-identification can be checked end to end.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydicom import Dataset, dcmread
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

# Fake identities, as a hospital would send them (never real people).
PLANTED_PHI = {
    "PatientName": "Zhang^Wei^^^",
    "PatientID": "HOSP-4711-0042",
    "PatientBirthDate": "19610314",
    "PatientAddress": "88 Renmin Road, Xicheng District",
    "InstitutionName": "Sample Provincial Hospital",
    "ReferringPhysicianName": "Li^Na",
    "AccessionNumber": "ACC20240917001",
    "OtherPatientIDs": "MRN-998877",
}
PRIVATE_CREATOR = "RADCURATE SAMPLE"
PRIVATE_VALUE = "ward 7 bed 12 zhang wei"


@dataclass
class SampleSeries:
    """A written sample series: its folder, files and the original identifiers planted in it."""

    directory: Path
    files: list[Path]
    study_uid: str
    series_uid: str
    sop_uids: list[str]
    patient_id: str
    planted: dict[str, str] = field(default_factory=dict)


def _source(name: str) -> Dataset:
    path = get_testdata_file(name)
    if path is None:
        raise FileNotFoundError(f"pydicom test file {name} is not installed")
    return dcmread(str(path))


def _normal(ds: Dataset) -> np.ndarray:
    iop = np.array([float(v) for v in ds.ImageOrientationPatient])
    return np.cross(iop[:3], iop[3:])


def make_series(
    directory: Path,
    *,
    source: str = "CT_small.dcm",
    slices: int = 12,
    spacing: float = 2.5,
    drop: Iterable[int] = (),
    study_uid: str | None = None,
    patient_id: str | None = None,
    series_number: int = 1,
    description: str = "CT CHEST W/O CONTRAST",
    body_part: str = "CHEST",
    calling_site_note: str | None = None,
    phi: dict[str, str] | None = None,
    attributes: dict[str, object] | None = None,
) -> SampleSeries:
    """Write a `slices`-slice series (minus the indices in `drop`) to `directory`; returns what was planted."""
    base = _source(source)
    directory.mkdir(parents=True, exist_ok=True)
    planted = {**PLANTED_PHI, **(phi or {})}
    if patient_id:
        planted["PatientID"] = patient_id
    study_uid = study_uid or generate_uid()
    series_uid = generate_uid()
    frame_uid = generate_uid()
    normal = _normal(base)
    origin = np.array([float(v) for v in base.ImagePositionPatient])
    skipped = set(drop)
    files: list[Path] = []
    sop_uids: list[str] = []
    previous_sop: str | None = None
    for index in range(slices):
        if index in skipped:
            continue
        ds = copy.deepcopy(base)
        for keyword, value in planted.items():
            setattr(ds, keyword, value)
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = frame_uid
        sop_uid = generate_uid()
        ds.SOPInstanceUID = sop_uid
        ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
        ds.SeriesNumber = series_number
        ds.InstanceNumber = index + 1
        ds.StudyDescription = description
        ds.SeriesDescription = f"{description} {planted['PatientName'].split('^')[0]}"
        ds.BodyPartExamined = body_part
        ds.StudyDate = ds.SeriesDate = ds.ContentDate = "20240917"
        position = origin + normal * spacing * index
        ds.ImagePositionPatient = [round(float(v), 4) for v in position]
        ds.SliceLocation = round(float(np.dot(position, normal)), 4)
        ds.SliceThickness = spacing
        if calling_site_note:
            ds.ImageComments = calling_site_note
        for keyword, attribute in (attributes or {}).items():
            setattr(ds, keyword, attribute)
        block = ds.private_block(0x0099, PRIVATE_CREATOR, create=True)
        block.add_new(0x10, "LO", PRIVATE_VALUE)
        if previous_sop is not None:
            ref = Dataset()
            ref.ReferencedSOPClassUID = ds.SOPClassUID
            ref.ReferencedSOPInstanceUID = previous_sop
            ds.ReferencedImageSequence = [ref]
        previous_sop = sop_uid
        path = directory / f"slice_{index:04d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        files.append(path)
        sop_uids.append(sop_uid)
    return SampleSeries(directory, files, study_uid, series_uid, sop_uids, planted["PatientID"], planted)


def demo_studies(root: Path) -> list[SampleSeries]:
    """The demo's studies: a CT chest and an MR head that pass QC, and a CT with a missing slice."""
    chest = make_series(root / "ct_chest", slices=24, spacing=2.0, description="CT CHEST W/O CONTRAST")
    head = make_series(root / "mr_head", source="MR_small.dcm", slices=16, spacing=3.0, body_part="HEAD",
                       description="MR BRAIN T2", patient_id="HOSP-4711-0077",
                       phi={"PatientName": "Wang^Fang^^^"})
    gap = make_series(root / "ct_abdomen_gap", slices=20, spacing=2.5, drop=[9], description="CT ABD PLAIN",
                      body_part="ABDOMEN", patient_id="HOSP-4711-0099", phi={"PatientName": "Liu^Yang^^^"})
    (root / "README.txt").write_text("not a DICOM file: the push command reports and skips it\n")
    return [chest, head, gap]


def planted_strings(series: Sequence[SampleSeries]) -> set[str]:
    """Every identifying string planted in the samples (values that must not survive de-identification)."""
    values: set[str] = {PRIVATE_VALUE}
    for s in series:
        values.update(v for v in s.planted.values() if len(v) >= 4)
        values.update(p for p in s.planted["PatientName"].split("^") if len(p) >= 3)
        values.add(s.study_uid)
        values.add(s.series_uid)
        values.update(s.sop_uids)
    return values


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".stack/samples")
    for s in demo_studies(target):
        print(f"{s.directory}: {len(s.files)} instances")
