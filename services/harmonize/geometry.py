"""Geometry of one image series from its instances' headers (no pixel data needed).

Slices are ordered by their position projected on the slice normal (row x column cosines), never by
InstanceNumber, and the slice spacing is the median distance between adjacent positions, never
SliceThickness. Directions follow DICOM/ITK LPS conventions.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Literal

import SimpleITK as sitk
from pydicom import Dataset

from contracts import SeriesGeometry

Vector = tuple[float, float, float]
Plane = Literal["AXIAL", "CORONAL", "SAGITTAL", "OBLIQUE"]

# A series is AXIAL/CORONAL/SAGITTAL when its normal is within this angle of the nearest patient axis
# (x: SAGITTAL, y: CORONAL, z: AXIAL), else OBLIQUE.
PLANE_TOLERANCE_DEG = 10.0
# Largest difference between direction cosines of two instances still read as one orientation.
ORIENTATION_TOLERANCE = 1e-3
# Relative difference of PixelSpacing still read as equal.
PIXEL_SPACING_TOLERANCE = 1e-3
# Slices closer than this along the normal are one slice position (multi-echo, repeats).
POSITION_TOLERANCE_MM = 1e-2

_PLANES: tuple[Plane, Plane, Plane] = ("SAGITTAL", "CORONAL", "AXIAL")


class Reason(StrEnum):
    """Why a series has no geometry; becomes `HarmonizedSeries.geometry_note`."""

    NO_INSTANCES = "no_instances"
    NOT_AN_IMAGE = "not_an_image"  # no Rows/Columns: SR, KO, PR, ...
    MULTI_FRAME = "multi_frame"  # multi-frame without per-frame functional groups (cine, NM, RT dose...)
    NO_IMAGE_POSITION = "no_image_position"  # US, SC, CR/DX, ...
    NO_IMAGE_ORIENTATION = "no_image_orientation"
    NO_PIXEL_SPACING = "no_pixel_spacing"
    MALFORMED_ATTRIBUTE = "malformed_attribute"
    MIXED_DIMENSIONS = "mixed_dimensions"
    MIXED_ORIENTATION = "mixed_orientation"


class GeometryUnavailable(Exception):
    """The series has no single-volume geometry; `code` says why (no PHI in `detail`)."""

    def __init__(self, code: Reason, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail


def _floats(ds: Dataset, keyword: str, count: int, missing: Reason) -> tuple[float, ...]:
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError, OverflowError) as exc:  # strict pydicom refuses a bad DS on access
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, f"{keyword} cannot be decoded") from exc
    if value is None or value == "" or (isinstance(value, Sequence) and len(value) == 0):
        raise GeometryUnavailable(missing, f"{keyword} absent")
    items = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    if len(items) != count:
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, f"{keyword} has {len(items)} values, not {count}")
    try:
        numbers = tuple(float(v) for v in items)
    except (ValueError, TypeError) as exc:
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, f"{keyword} is not numeric") from exc
    if not all(math.isfinite(v) for v in numbers):
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, f"{keyword} is not finite")
    return numbers


def _int(ds: Dataset, keyword: str) -> int | None:
    try:
        value = ds.get(keyword)
        return None if value is None or value == "" else int(value)
    except (ValueError, TypeError) as exc:
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, f"{keyword} is not an integer") from exc


def _optional_float(ds: Dataset, keyword: str) -> float | None:
    try:
        value = ds.get(keyword)
        number = None if value is None or value == "" else float(value)
    except (ValueError, TypeError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _unit(v: Sequence[float]) -> Vector:
    norm = math.sqrt(sum(c * c for c in v))
    if norm < 1e-6:
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, "ImageOrientationPatient has a zero vector")
    return (v[0] / norm, v[1] / norm, v[2] / norm)


def _cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def slice_plane(normal: Vector, tolerance_deg: float = PLANE_TOLERANCE_DEG) -> Plane:
    """AXIAL/CORONAL/SAGITTAL when `normal` (unit) is within `tolerance_deg` of z/y/x, else OBLIQUE."""
    axis = max(range(3), key=lambda i: abs(normal[i]))
    angle = math.degrees(math.acos(min(1.0, abs(normal[axis]))))
    return _PLANES[axis] if angle <= tolerance_deg else "OBLIQUE"


def orientation_code(row: Vector, column: Vector, normal: Vector) -> str:
    """Three-letter ITK/DICOM code of the axes' directions (identity -> LPS), from SimpleITK."""
    matrix = [row[0], column[0], normal[0], row[1], column[1], normal[1], row[2], column[2], normal[2]]
    orient: Any = sitk.DICOMOrientImageFilter  # SimpleITK's wrappers are untyped
    return str(orient.GetOrientationFromDirectionCosines(matrix))


#: Functional group macros (PS3.3 C.7.6.16) -> the single-frame attributes they carry.
_FRAME_GROUPS = {
    "PlanePositionSequence": ("ImagePositionPatient",),
    "PlaneOrientationSequence": ("ImageOrientationPatient",),
    "PixelMeasuresSequence": ("PixelSpacing", "SliceThickness"),
}


def _group_item(item: Dataset | None, keyword: str) -> Dataset | None:
    try:
        group = item.get(keyword) if item is not None else None
    except (ValueError, TypeError):
        return None
    return group[0] if group else None


def frames_as_slices(datasets: Sequence[Dataset]) -> list[Dataset]:
    """The series as single-frame slice headers: each frame of an enhanced multi-frame instance becomes one,
    with its position, orientation and pixel measures from the per-frame functional group, else the shared
    one (PS3.3 C.7.6.16); single-frame instances pass unchanged."""
    slices: list[Dataset] = []
    for ds in datasets:
        frames = _int(ds, "NumberOfFrames") or 1
        if frames <= 1:
            slices.append(ds)
            continue
        try:
            per_frame = ds.get("PerFrameFunctionalGroupsSequence")
        except (ValueError, TypeError) as exc:
            raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, "PerFrameFunctionalGroupsSequence") from exc
        if not per_frame:
            raise GeometryUnavailable(Reason.MULTI_FRAME, "NumberOfFrames > 1 without per-frame functional groups")
        if len(per_frame) != frames:
            raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE,
                                      f"{len(per_frame)} per-frame functional groups for {frames} frames")
        shared = _group_item(ds, "SharedFunctionalGroupsSequence")
        for item in per_frame:
            frame = Dataset()
            for keyword in ("Rows", "Columns"):
                if keyword in ds:
                    frame[keyword] = ds[keyword]
            for group, keywords in _FRAME_GROUPS.items():
                macro = _group_item(item, group) or _group_item(shared, group)
                for keyword in keywords:
                    if macro is not None and keyword in macro:
                        frame[keyword] = macro[keyword]
            slices.append(frame)
    return slices


def series_geometry(datasets: Sequence[Dataset], *, plane_tolerance_deg: float = PLANE_TOLERANCE_DEG) -> SeriesGeometry:
    """Describe an image series as one volume; raise GeometryUnavailable when it is not one.

    Enhanced multi-frame instances are read frame by frame (frames_as_slices). `slice_count` counts
    distinct slice positions (repeats at one position, e.g. echoes, count once). A single slice has
    `slice_spacing` None and a through-plane extent of SliceThickness (or 0).
    """
    if not datasets:
        raise GeometryUnavailable(Reason.NO_INSTANCES)
    datasets = frames_as_slices(datasets)

    sizes = {(_int(ds, "Rows"), _int(ds, "Columns")) for ds in datasets}
    if any(r is None or c is None for r, c in sizes):
        raise GeometryUnavailable(Reason.NOT_AN_IMAGE, "Rows/Columns absent")
    if len(sizes) > 1:
        raise GeometryUnavailable(Reason.MIXED_DIMENSIONS, f"{len(sizes)} different Rows/Columns")
    ((rows, columns),) = sizes
    assert rows is not None and columns is not None

    positions = [_floats(ds, "ImagePositionPatient", 3, Reason.NO_IMAGE_POSITION) for ds in datasets]
    cosines = [_floats(ds, "ImageOrientationPatient", 6, Reason.NO_IMAGE_ORIENTATION) for ds in datasets]
    spacings = [_floats(ds, "PixelSpacing", 2, Reason.NO_PIXEL_SPACING) for ds in datasets]

    if any(max(abs(a - b) for a, b in zip(c, cosines[0], strict=True)) > ORIENTATION_TOLERANCE for c in cosines):
        raise GeometryUnavailable(Reason.MIXED_ORIENTATION, "ImageOrientationPatient differs between instances")
    pixel_spacing = (spacings[0][0], spacings[0][1])
    if min(pixel_spacing) <= 0:
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, "PixelSpacing is not positive")
    for s in spacings:
        if any(abs(a - b) > PIXEL_SPACING_TOLERANCE * b for a, b in zip(s, pixel_spacing, strict=True)):
            raise GeometryUnavailable(Reason.MIXED_DIMENSIONS, "PixelSpacing differs between instances")

    row = _unit(cosines[0][:3])
    column = _unit(cosines[0][3:])
    if abs(_dot(row, column)) > 1e-2:
        raise GeometryUnavailable(Reason.MALFORMED_ATTRIBUTE, "ImageOrientationPatient vectors not orthogonal")
    normal = _unit(_cross(row, column))

    ordered = sorted(positions, key=lambda p: _dot(p, normal))
    distances = [_dot(p, normal) for p in ordered]
    distinct = [distances[0]]
    for d in distances[1:]:
        if d - distinct[-1] > POSITION_TOLERANCE_MM:
            distinct.append(d)
    steps = [b - a for a, b in itertools.pairwise(distinct)]
    slice_spacing = statistics.median(steps) if steps else None
    slice_thickness = _optional_float(datasets[0], "SliceThickness")
    depth = distinct[-1] - distinct[0] + slice_spacing if slice_spacing is not None else (slice_thickness or 0.0)

    return SeriesGeometry(
        rows=rows,
        columns=columns,
        slice_count=len(distinct),
        pixel_spacing=pixel_spacing,
        slice_spacing=slice_spacing,
        slice_thickness=slice_thickness,
        orientation=orientation_code(row, column, normal),
        plane=slice_plane(normal, plane_tolerance_deg),
        direction=(*row, *column, *normal),
        origin=(ordered[0][0], ordered[0][1], ordered[0][2]),
        extent_mm=(columns * pixel_spacing[1], rows * pixel_spacing[0], depth),
    )
