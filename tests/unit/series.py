"""Multi-slice series built from one real DICOM file for the stage tests: positions along the normal, fresh UIDs."""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Sequence
from functools import cache
from pathlib import Path

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


def header_only(ds: Dataset) -> Dataset:
    """What the service sees: the DICOM JSON model of the instance, without Pixel Data."""
    data = ds.to_json_dict()
    data.pop("7FE00010", None)
    return Dataset.from_json(data)


def build_series(
    template: str = "CT_small.dcm",
    *,
    count: int = 12,
    spacing: float = 2.5,
    orientation: tuple[Vector, Vector] = AXIAL,
    origin: Vector = (-80.0, -90.0, 10.0),
    order: str = "ascending",
    headers: bool = False,
) -> list[Dataset]:
    """`count` slices of `template` stepping `spacing` mm along the normal (row x column).

    `order`: ascending (InstanceNumber follows the normal), reversed, or shuffled (InstanceNumbers and
    list order random, seeded). `headers`: return header-only datasets (JSON round trip, no PixelData).
    """
    row, column = orientation
    normal = cross(row, column)
    series_uid = generate_uid(prefix=UID_ROOT, entropy_srcs=[template, str(orientation), str(spacing)])
    slices = []
    for k in range(count):
        ds = read(template)
        position = tuple(o + k * spacing * n for o, n in zip(origin, normal, strict=True))
        ds.ImagePositionPatient = [round(v, 6) for v in position]
        ds.ImageOrientationPatient = [round(v, 8) for v in (*row, *column)]
        ds.SliceLocation = round(k * spacing, 6)
        ds.SeriesInstanceUID = series_uid
        ds.SOPInstanceUID = generate_uid(prefix=UID_ROOT, entropy_srcs=[series_uid, str(k)])
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        slices.append(ds)
    numbers = list(range(1, count + 1))
    if order == "reversed":
        numbers.reverse()
    elif order == "shuffled":
        random.Random(count).shuffle(numbers)
        random.Random(count + 1).shuffle(slices)
    elif order != "ascending":
        raise ValueError(order)
    for ds, number in zip(slices, numbers, strict=True):
        ds.InstanceNumber = number
    return [header_only(ds) for ds in slices] if headers else slices


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
