"""De-identification benchmark: our engine against dicom-anonymizer, dicognito and pydicom-deid, same files.

Generates N CT instances (512 x 512, 16-bit) with planted PHI: names, IDs, birth and study dates,
addresses, institution, free-text descriptions naming the patient, nested sequences (Other Patient IDs,
Request Attributes), a private block, and references between slices (each slice's Referenced Image
Sequence points at the previous slice). Every tool de-identifies the same bytes in memory, in one process,
and is scored on:

- instances per second (best of 3 passes, the tools taking turns within each pass so that a change of
  machine load hits all of them; a pass over 10 s is not repeated), and ours / theirs;
- residual PHI: planted strings (identifiers, names, dates, addresses, original UIDs) found anywhere in the
  output bytes, as distinct strings over all files;
- references: each slice's reference still names the previous slice's new SOP Instance UID;
- series: the slices of each original series share one new Series Instance UID, distinct per series.

The plain pydicom read + write of the same files is the baseline for speed. Peers are imported only when
installed: run ``bench/setup_bench_env.sh`` then ``.venv-bench/bin/python bench/deid_bench.py [N]``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID

from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer

SLICES_PER_SERIES = 20
SERIES_PER_STUDY = 2
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
KEY = b"benchmark-key-not-secret-0123456"
Tool = Callable[[bytes], bytes]


@dataclass
class Corpus:
    files: list[bytes]
    series_of: list[int]  # series index of each file
    previous: list[int | None]  # index of the slice each file references
    planted: dict[str, str] = field(default_factory=dict)  # planted string -> what it is


def _item(**values: object) -> Dataset:
    ds = Dataset()
    for keyword, value in values.items():
        setattr(ds, keyword, value)
    return ds


def make_corpus(count: int, rows: int = 512) -> Corpus:
    """`count` CT slices: 20 per series, 2 series per study, one study per patient, PHI planted."""
    template = pydicom.dcmread(str(get_testdata_file("CT_small.dcm")))
    for keyword in ("OtherPatientIDsSequence", "RequestAttributesSequence"):
        if keyword in template:
            del template[keyword]
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 2000, size=(rows, rows), dtype=np.int16)
    corpus = Corpus([], [], [], {})
    uid_root = "1.2.826.0.1.3680043.10.1000"
    sop_of: dict[int, str] = {}
    for index in range(count):
        series = index // SLICES_PER_SERIES
        patient = series // SERIES_PER_STUDY
        first_of_series = index % SLICES_PER_SERIES == 0
        name = f"PLANTEDNAME{patient:03d}"
        phi = {
            "PatientName": f"{name}^ALICIA^Q",
            "PatientID": f"MRN-{700000 + patient}",
            "PatientBirthDate": f"1951{(patient % 12) + 1:02d}17",
            "PatientAddress": f"{patient + 12} Plantedwood Lane, Springfield",
            "OtherPatientIDs": f"OLDMRN-{300000 + patient}",
            "AccessionNumber": f"ACCN{900000 + patient}",
            "InstitutionName": "Planted General Hospital",
            "InstitutionAddress": "1 Infirmary Plantedway",
            "ReferringPhysicianName": f"REFPLANTED{patient:03d}^BORIS",
            "PerformingPhysicianName": "PERFPLANTED^CAROL",
            "OperatorsName": "TECHPLANTED^DMITRI",
            "StudyID": f"SID{patient:05d}",
            "StudyDate": f"2021{(patient % 12) + 1:02d}23",
            "StudyInstanceUID": f"{uid_root}.1.{patient}",
            "SeriesInstanceUID": f"{uid_root}.2.{series}",
            "FrameOfReferenceUID": f"{uid_root}.3.{series}",
            "SOPInstanceUID": f"{uid_root}.4.{index}",
        }
        ds = template.copy()
        ds.file_meta = FileMetaDataset(template.file_meta)
        for keyword, value in phi.items():
            setattr(ds, keyword, value)
        ds.StudyDescription = f"CT CHEST {name} ALICIA"
        ds.SeriesDescription = f"AXIAL for MRN-{700000 + patient}"
        ds.ImageComments = f"patient {name} called from 555-0{patient:03d}"
        ds.StationName = "CTSTATION01"  # device identity, not patient PHI: research keeps it (its option)
        ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = phi["StudyDate"]
        ds.OtherPatientIDsSequence = [_item(PatientID=f"NESTEDID-{patient:05d}", IssuerOfPatientID="PLANTED REGISTRY")]
        ds.RequestAttributesSequence = [
            _item(RequestedProcedureID=f"RPID{patient:05d}", ScheduledProcedureStepID=f"SPSID{patient:05d}",
                  RequestedProcedureDescription=f"chest ct for {name}")
        ]
        block = ds.private_block(0x0009, "PLANTED PRIVATE", create=True)
        block.add_new(0x10, "LO", f"private note {name}")
        ds.SeriesNumber = series % SERIES_PER_STUDY + 1
        ds.InstanceNumber = index % SLICES_PER_SERIES + 1
        ds.ImagePositionPatient = [0.0, 0.0, float(index % SLICES_PER_SERIES) * 2.5]
        ds.Rows = ds.Columns = rows
        ds.PixelData = pixels.tobytes()
        ds.file_meta.MediaStorageSOPInstanceUID = UID(phi["SOPInstanceUID"])
        previous = None if first_of_series else index - 1
        if previous is not None:
            ds.ReferencedImageSequence = [
                _item(ReferencedSOPClassUID=CT_IMAGE, ReferencedSOPInstanceUID=sop_of[previous])
            ]
        sop_of[index] = phi["SOPInstanceUID"]
        buffer = io.BytesIO()
        ds.save_as(buffer, enforce_file_format=True)
        corpus.files.append(buffer.getvalue())
        corpus.series_of.append(series)
        corpus.previous.append(previous)
        for keyword, value in phi.items():
            corpus.planted[value] = keyword
        for part in phi["PatientName"].split("^") + phi["ReferringPhysicianName"].split("^"):
            if len(part) >= 5:
                corpus.planted[part] = "PatientName/ReferringPhysicianName component"
        for value, what in ((f"NESTEDID-{patient:05d}", "nested PatientID"),
                            (f"RPID{patient:05d}", "nested RequestedProcedureID"),
                            (f"SPSID{patient:05d}", "nested ScheduledProcedureStepID"),
                            (f"private note {name}", "private tag"),
                            (f"555-0{patient:03d}", "phone number in ImageComments")):
            corpus.planted[value] = what
    return corpus


# ---------------------------------------------------------------------------------------------- tools


def _write(ds: Dataset) -> bytes:
    buffer = io.BytesIO()
    ds.save_as(buffer)
    return buffer.getvalue()


def pydicom_roundtrip(raw: bytes) -> bytes:
    return _write(pydicom.dcmread(io.BytesIO(raw)))


def ours(profile: str) -> Tool:
    engine = Deidentifier(builtin_profile(profile), Pseudonymizer(KEY, "bench"))
    return lambda raw: engine.deidentify_file(raw)[0]


def dicom_anonymizer() -> Tool | None:
    try:
        from dicomanonymizer import anonymize_dataset  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None

    def run(raw: bytes) -> bytes:
        ds = pydicom.dcmread(io.BytesIO(raw))
        anonymize_dataset(ds)  # default rules, private tags deleted
        return _write(ds)

    return run


def dicognito() -> Tool | None:
    try:
        from dicognito.anonymizer import Anonymizer  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    anonymizer = Anonymizer()  # one instance: consistent replacements across files

    def run(raw: bytes) -> bytes:
        ds = pydicom.dcmread(io.BytesIO(raw))
        anonymizer.anonymize(ds)
        return _write(ds)

    return run


def pydicom_deid() -> Tool | None:
    os.environ.setdefault("MESSAGELEVEL", "0")  # deid prints a warning per file otherwise
    try:
        from deid.config import DeidRecipe  # type: ignore[import-not-found, unused-ignore]
        from deid.dicom import replace_identifiers  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    recipe = DeidRecipe()  # the default recipe shipped with deid

    def run(raw: bytes) -> bytes:
        ds = pydicom.dcmread(io.BytesIO(raw))
        (clean,) = replace_identifiers(dicom_files=[ds], deid=recipe, save=False, remove_private=True)
        return _write(clean)

    return run


# ---------------------------------------------------------------------------------------------- scoring


@dataclass
class Result:
    name: str
    rate: float
    outputs: list[bytes]
    residual: dict[str, str] = field(default_factory=dict)
    refs_intact: int = 0
    refs_total: int = 0
    series_intact: int = 0
    series_total: int = 0


def measure(tools: Sequence[tuple[str, Tool]], files: Sequence[bytes], passes: int = 3) -> list[Result]:
    """Best of `passes` passes per tool, the tools taking turns in each pass, so that a machine whose load
    changes during the run slows every tool alike; a pass over 10 s is not repeated for that tool."""
    results = []
    for name, tool in tools:
        tool(files[0])  # warm caches and lazy imports
        results.append(Result(name, 0.0, []))
    slow: set[str] = set()
    for _ in range(passes):
        for (name, tool), result in zip(tools, results, strict=True):
            if name in slow:
                continue
            start = time.perf_counter()
            outputs = [tool(raw) for raw in files]
            elapsed = time.perf_counter() - start
            result.rate = max(result.rate, len(files) / elapsed)
            result.outputs = outputs
            if elapsed > 10:
                slow.add(name)
    return results


def score(result: Result, corpus: Corpus) -> None:
    for value, what in corpus.planted.items():
        needle = value.encode("ascii")
        if any(needle in out for out in result.outputs):
            result.residual[value] = what
    datasets = [pydicom.dcmread(io.BytesIO(out), force=True) for out in result.outputs]
    for index, previous in enumerate(corpus.previous):
        if previous is None:
            continue
        result.refs_total += 1
        refs = datasets[index].get("ReferencedImageSequence") or []
        target = str(datasets[previous].get("SOPInstanceUID", "")) or None
        if refs and target and str(refs[0].get("ReferencedSOPInstanceUID", "")) == target:
            result.refs_intact += 1
    by_series: dict[int, set[str]] = {}
    for index, series in enumerate(corpus.series_of):
        by_series.setdefault(series, set()).add(str(datasets[index].get("SeriesInstanceUID", "")))
    result.series_total = len(by_series)
    seen: set[str] = set()
    for uids in by_series.values():
        (uid,) = uids if len(uids) == 1 else ("",)
        if uid and uid not in seen:
            result.series_intact += 1
            seen.add(uid)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=200, help="CT instances (default 200)")
    args = parser.parse_args(argv)
    corpus = make_corpus(args.count)
    files = corpus.files
    size = sum(map(len, files)) / len(files) / 1024
    print(f"{len(files)} CT instances of {size:.0f} KiB ({len(corpus.planted)} planted PHI strings), "
          f"Python {sys.version.split()[0]}, pydicom {pydicom.__version__}, {os.cpu_count()} CPU(s)")

    tools: list[tuple[str, Tool]] = [("pydicom read+write (no de-id)", pydicom_roundtrip),
                                     ("radcurate basic", ours("basic")), ("radcurate research", ours("research"))]
    peers = [("dicom-anonymizer", "dicom-anonymizer", dicom_anonymizer()), ("dicognito", "dicognito", dicognito()),
             ("pydicom-deid", "deid", pydicom_deid())]
    for name, package, tool in peers:
        if tool is None:
            print(f"{name}: not installed (bench/setup_bench_env.sh)")
            continue
        tools.append((f"{name} {_version(package)}", tool))
    results = measure(tools, files)
    for result in results:
        score(result, corpus)

    basic, research = results[1].rate, results[2].rate
    header = (f"{'tool':34s} {'inst/s':>7s} {'basic/x':>8s} {'research/x':>11s} {'residual PHI':>13s} "
              f"{'refs intact':>12s} {'series':>7s}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.name:34s} {r.rate:7.0f} {basic / r.rate:7.1f}x {research / r.rate:10.1f}x {len(r.residual):13d} "
              f"{r.refs_intact:>6d}/{r.refs_total:<5d} {r.series_intact:>3d}/{r.series_total:<3d}")
    for r in results[1:]:
        if r.residual:
            kinds = sorted(set(r.residual.values()))
            print(f"  {r.name} leaves values planted as: {', '.join(kinds)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
