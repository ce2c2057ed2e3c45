"""Multi-slice series built from one real DICOM file for the stage tests: positions along the normal, fresh UIDs."""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pydicom
from pydicom import Dataset
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

Vector = tuple[float, float, float]
Matrix = tuple[Vector, Vector, Vector]

AXIAL: tuple[Vector, Vector] = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
CORONAL: tuple[Vector, Vector] = ((1.0, 0.0, 0.0), (0.0, 0.0, -1.0))
SAGITTAL: tuple[Vector, Vector] = ((0.0, 1.0, 0.0), (0.0, 0.0, -1.0))
UID_ROOT = "1.2.826.0.1.3680043.10.1441."  # test-only UIDs derived from fixed entropy


def testdata(name: str) -> Path:
    path = get_testdata_file(name)
    assert path is not None, f"{name} not found in pydicom / pydicom-data"
    return Path(path)


@cache
def _template(name: str) -> Dataset:
    return pydicom.dcmread(testdata(name))


def read(name: str) -> Dataset:
    """A fresh copy of a real test file."""
    return copy.deepcopy(_template(name))


def rotation(axis: int, degrees: float) -> Matrix:
    """Rotation about patient axis 0 (x), 1 (y) or 2 (z)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    i, j = [k for k in range(3) if k != axis]
    m = [[1.0 if r == k else 0.0 for k in range(3)] for r in range(3)]
    m[i][i], m[i][j], m[j][i], m[j][j] = c, -s, s, c
    return (tuple(m[0]), tuple(m[1]), tuple(m[2]))  # type: ignore[return-value]


def rotate(m: Matrix, v: Vector) -> Vector:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


OBLIQUE: tuple[Vector, Vector] = (
    rotate(rotation(0, 30), rotate(rotation(2, 20), AXIAL[0])),
    rotate(rotation(0, 30), rotate(rotation(2, 20), AXIAL[1])),
)
ORIENTATIONS = {"axial": AXIAL, "coronal": CORONAL, "sagittal": SAGITTAL, "oblique": OBLIQUE}


PIXEL_TAGS = (0x7FE00008, 0x7FE00009, 0x7FE00010)  # Float, Double Float and Pixel Data


def header_only(ds: Dataset) -> Dataset:
    """What the service sees: the DICOM JSON model of the instance, without pixel data."""
    header = Dataset({elem.tag: elem for elem in ds if elem.tag not in PIXEL_TAGS})
    return Dataset.from_json(header.to_json_dict())


def build_series(
    template: str = "CT_small.dcm",
    *,
    count: int = 12,
    spacing: float = 2.5,
    orientation: tuple[Vector, Vector] = AXIAL,
    origin: Vector = (-80.0, -90.0, 10.0),
    order: str = "ascending",
    headers: bool = False,
    tilt: float = 0.0,
    volumes: Sequence[Mapping[str, Any]] = (),
) -> list[Dataset]:
    """`count` slices of `template` stepping `spacing` mm along the normal (row x column).

    `order`: ascending (InstanceNumber follows the normal), reversed, or shuffled (InstanceNumbers and
    list order random, seeded). `headers`: return header-only datasets (JSON round trip, no PixelData).
    `tilt`: a gantry tilt (degrees, about the patient x axis): the orientation is tilted but the slices still
    step along the untilted normal (the table axis), as a tilted CT acquisition is reconstructed.
    `volumes`: several volumes at the same positions (echoes, phases, b-values), each given by the
    attributes that single it out, e.g. [{"EchoNumbers": 1}, {"EchoNumbers": 2}].

    Every slice shares one new FrameOfReferenceUID, and a template marked PatientIdentityRemoved without a
    method gets one, so that series of templates lacking them (693_UNCR.dcm) are valid IODs.
    """
    row, column = orientation
    step = cross(row, column)
    if tilt:
        m = rotation(0, tilt)
        row, column = rotate(m, row), rotate(m, column)
    series_uid = generate_uid(
        prefix=UID_ROOT, entropy_srcs=[template, str(orientation), str(spacing)] + ([str(tilt)] if tilt else [])
    )
    frame_uid = generate_uid(prefix=UID_ROOT, entropy_srcs=[series_uid, "frame"])
    slices = []
    for v, attributes in enumerate(volumes or [{}]):
        for k in range(count):
            ds = read(template)
            position = tuple(o + k * spacing * n for o, n in zip(origin, step, strict=True))
            ds.ImagePositionPatient = [round(p, 6) for p in position]
            ds.ImageOrientationPatient = [round(c, 8) for c in (*row, *column)]
            ds.SliceLocation = round(k * spacing, 6)
            ds.SeriesInstanceUID = series_uid
            ds.FrameOfReferenceUID = frame_uid
            ds.SOPInstanceUID = generate_uid(
                prefix=UID_ROOT, entropy_srcs=[series_uid, str(k)] + ([str(v)] if volumes else [])
            )
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            if ds.get("PatientIdentityRemoved") == "YES" and "DeidentificationMethod" not in ds:
                ds.DeidentificationMethod = "test series builder"
            if tilt and ds.Modality == "CT":
                ds.GantryDetectorTilt = round(tilt, 4)
            for keyword, value in attributes.items():
                setattr(ds, keyword, value)
            slices.append(ds)
    total = len(slices)
    numbers = list(range(1, total + 1))
    if order == "reversed":
        numbers.reverse()
    elif order == "shuffled":
        random.Random(total).shuffle(numbers)
        random.Random(total + 1).shuffle(slices)
    elif order != "ascending":
        raise ValueError(order)
    for ds, number in zip(slices, numbers, strict=True):
        ds.InstanceNumber = number
    return [header_only(ds) for ds in slices] if headers else slices


def localizers(slices: Sequence[Dataset], count: int = 2) -> list[Dataset]:
    """`count` scout images made from the first slice (coronal, then sagittal...), fresh SOPInstanceUIDs."""
    out = []
    for k in range(count):
        scout = copy.deepcopy(slices[0])
        scout.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
        row, column = (CORONAL, SAGITTAL)[k % 2]
        scout.ImageOrientationPatient = [*row, *column]
        scout.ImagePositionPatient = [-250.0 + 7 * k, 0.0, 200.0]
        scout.InstanceNumber = 900 + k
        scout.SOPInstanceUID = generate_uid(
            prefix=UID_ROOT, entropy_srcs=[str(slices[0].SOPInstanceUID), "scout", str(k)]
        )
        if getattr(scout, "file_meta", None) is not None:
            scout.file_meta.MediaStorageSOPInstanceUID = scout.SOPInstanceUID
        out.append(scout)
    return out


def renumber(slices: Sequence[Dataset]) -> list[Dataset]:
    """Give a copy of each slice a fresh SOPInstanceUID (for duplicates)."""
    out = []
    for ds in slices:
        twin = copy.deepcopy(ds)
        twin.SOPInstanceUID = generate_uid(prefix=UID_ROOT, entropy_srcs=[str(ds.SOPInstanceUID), "twin"])
        out.append(twin)
    return out


def write(slices: Sequence[Dataset], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, ds in enumerate(slices):
        path = directory / f"slice{i:03d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths
