"""Slice geometry read from headers, and the stack the slices form. Pure functions, shared by the checks,
the pixel sampling and the profile facts.

Instance numbers are never used for order: slices are ordered by their position along the slice normal
(row x column direction cosines of ImageOrientationPatient).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydicom import Dataset

T = TypeVar("T")
Vector = tuple[float, float, float]


class Malformed(Exception):
    """An attribute is present but cannot be read as what the check needs."""

    def __init__(self, attribute: str, problem: str) -> None:
        super().__init__(f"{attribute}: {problem}")
        self.attribute = attribute
        self.problem = problem


# ---------------------------------------------------------------- reading attributes


def get(ds: Dataset, keyword: str) -> Any:
    try:
        return ds.get(keyword)
    except (ValueError, TypeError, OverflowError) as exc:  # strict pydicom refuses a bad value on access
        raise Malformed(keyword, "undecodable") from exc


def present(ds: Dataset, keyword: str) -> bool:
    """The attribute is there with a value (an undecodable value counts as there: it is reported as malformed)."""
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError, OverflowError):
        return True
    return value is not None and value != "" and not (isinstance(value, Sequence) and len(value) == 0)


def numbers(ds: Dataset, keyword: str, count: int) -> tuple[float, ...] | None:
    value = get(ds, keyword)
    if value is None or value == "":
        return None
    items = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    if len(items) != count:
        raise Malformed(keyword, f"expected {count} values, got {len(items)}")
    try:
        result = tuple(float(v) for v in items)
    except (ValueError, TypeError) as exc:
        raise Malformed(keyword, "not numeric") from exc
    if not all(math.isfinite(v) for v in result):
        raise Malformed(keyword, "not finite")
    return result


def integer(ds: Dataset, keyword: str) -> int | None:
    value = get(ds, keyword)
    if value is None or value == "":
        return None
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if len(value) else None
        if value is None:
            return None
    try:
        return int(value)
    except (ValueError, TypeError) as exc:
        raise Malformed(keyword, "not an integer") from exc


def lenient_number(ds: Dataset, keyword: str) -> float | None:
    """First value of a numeric attribute, or None when absent or unreadable (for facts, never for verdicts)."""
    try:
        value = ds.get(keyword)
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = value[0] if len(value) else None
        number = None if value is None or value == "" else float(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def texts(ds: Dataset, keyword: str) -> list[str]:
    """Values of a string attribute, stripped and upper-cased; [] when absent or unreadable."""
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError, OverflowError):
        return []
    if value is None:
        return []
    items = [value] if isinstance(value, str) or not isinstance(value, Sequence) else list(value)
    return [str(v).strip().upper() for v in items]


def text(ds: Dataset, keyword: str) -> str:
    return " ".join(texts(ds, keyword))


def instance_number(ds: Dataset) -> int | None:
    try:
        return integer(ds, "InstanceNumber")
    except Malformed:
        return None


# ---------------------------------------------------------------- vectors


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def norm(v: Sequence[float]) -> float:
    return math.sqrt(sum(c * c for c in v))


def unit(v: Sequence[float], keyword: str = "vector") -> Vector:
    length = norm(v)
    if length < 1e-6:
        raise Malformed(keyword, "zero direction vector")
    return (v[0] / length, v[1] / length, v[2] / length)


def angle_deg(a: Vector, b: Vector) -> float:
    return math.degrees(math.acos(max(-1.0, min(1.0, dot(a, b)))))


def plane(normal: Vector, tolerance_deg: float) -> str:
    """AXIAL, CORONAL or SAGITTAL when the normal is within `tolerance_deg` of a patient axis, else OBLIQUE."""
    for axis, name in ((2, "AXIAL"), (1, "CORONAL"), (0, "SAGITTAL")):
        if math.degrees(math.acos(min(1.0, abs(normal[axis])))) <= tolerance_deg:
            return name
    return "OBLIQUE"


# ---------------------------------------------------------------- slices


@dataclass(frozen=True)
class Slice:
    number: int | None  # InstanceNumber, quoted in evidence only
    rows: int | None
    columns: int | None
    pixel_spacing: tuple[float, float] | None
    row: Vector
    column: Vector
    position: Vector

    @property
    def normal(self) -> Vector:
        return cross(self.row, self.column)


def read_slice(ds: Dataset) -> Slice:
    """The geometry of one image; raises Malformed on a value that cannot be geometry."""
    spacing = numbers(ds, "PixelSpacing", 2)
    if spacing is not None and min(spacing) <= 0:
        raise Malformed("PixelSpacing", "not positive")
    cosines = numbers(ds, "ImageOrientationPatient", 6)
    position = numbers(ds, "ImagePositionPatient", 3)
    if cosines is None or position is None:
        raise Malformed("ImageOrientationPatient" if cosines is None else "ImagePositionPatient", "absent")
    row, column = unit(cosines[:3], "ImageOrientationPatient"), unit(cosines[3:], "ImageOrientationPatient")
    if abs(dot(row, column)) > 1e-2:
        raise Malformed("ImageOrientationPatient", "row and column not orthogonal")
    return Slice(
        number=instance_number(ds),
        rows=integer(ds, "Rows"),
        columns=integer(ds, "Columns"),
        pixel_spacing=None if spacing is None else (spacing[0], spacing[1]),
        row=row,
        column=column,
        position=(position[0], position[1], position[2]),
    )


def clusters(items: Sequence[T], same: Callable[[T, T], bool]) -> list[list[int]]:
    """Indices of `items` grouped with the first item of a group they are `same` as."""
    groups: list[list[int]] = []
    for i, item in enumerate(items):
        for group in groups:
            if same(items[group[0]], item):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def position_clusters(along: Sequence[float], tolerance: float) -> list[list[int]]:
    """Indices of `along` sorted by value and grouped where neighbours are within `tolerance`."""
    order = sorted(range(len(along)), key=lambda i: along[i])
    groups: list[list[int]] = []
    for i in order:
        if groups and along[i] - along[groups[-1][-1]] <= tolerance:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


# ---------------------------------------------------------------- the stack


@dataclass(frozen=True)
class StackFit:
    """How the slice positions advance: `step` is the displacement per mm along the normal.

    For slices stacked along their normal `step` equals the normal; a gantry-tilted CT steps along the table
    axis instead, at `tilt_deg` from the normal. `offsets` is each slice's distance (mm) from the robust line;
    `significant` tells whether the tilt stands out of the scatter of the positions (4 standard errors), and
    `drift_mm` is how far in-plane the tilt moves the last slice from the first.
    """

    step: Vector
    tilt_deg: float
    offsets: list[float]
    significant: bool
    drift_mm: float


def _median_vector(vectors: Sequence[Sequence[float]]) -> Vector:
    return (
        statistics.median(v[0] for v in vectors),
        statistics.median(v[1] for v in vectors),
        statistics.median(v[2] for v in vectors),
    )


def fit_stack(
    positions: Sequence[Vector], along: Sequence[float], normal: Vector, outlier_mm: float
) -> StackFit | None:
    """The line the positions follow, or None with fewer than two distinct positions.

    Robust first: the median direction over pairs of slices half the stack apart (one misplaced slice moves
    few pairs, noise is divided by a long baseline) and the median origin give each slice's offset. Then a
    least-squares fit on the slices within `outlier_mm` of that line measures the tilt and its standard error.
    """
    order = sorted(range(len(positions)), key=lambda i: along[i])
    half = max(1, len(order) // 2)
    steps = []
    for a, b in zip(order, order[half:], strict=False):
        delta = along[b] - along[a]
        if delta > 1e-6:
            pa, pb = positions[a], positions[b]
            steps.append(((pb[0] - pa[0]) / delta, (pb[1] - pa[1]) / delta, (pb[2] - pa[2]) / delta))
    if not steps:
        return None
    robust = _median_vector(steps)
    starts = [tuple(p[k] - d * robust[k] for k in range(3)) for p, d in zip(positions, along, strict=True)]
    origin = _median_vector(starts)
    offsets = [norm([s[k] - origin[k] for k in range(3)]) for s in starts]
    inliers = [i for i, o in enumerate(offsets) if o <= outlier_mm]
    if len({round(along[i], 6) for i in inliers}) < 2:
        inliers = list(range(len(positions)))
    mean_d = statistics.fmean(along[i] for i in inliers)
    mean_p = [statistics.fmean(positions[i][k] for i in inliers) for k in range(3)]
    sdd = sum((along[i] - mean_d) ** 2 for i in inliers)
    step: Vector = (
        sum((along[i] - mean_d) * (positions[i][0] - mean_p[0]) for i in inliers) / sdd,
        sum((along[i] - mean_d) * (positions[i][1] - mean_p[1]) for i in inliers) / sdd,
        sum((along[i] - mean_d) * (positions[i][2] - mean_p[2]) for i in inliers) / sdd,
    )
    residual = sum(
        norm([positions[i][k] - mean_p[k] - (along[i] - mean_d) * step[k] for k in range(3)]) ** 2 for i in inliers
    )
    scatter = math.sqrt(residual / (2 * (len(inliers) - 2))) if len(inliers) > 2 else 0.0
    drift = norm([step[k] - normal[k] * dot(step, normal) for k in range(3)])  # in-plane mm per mm along
    extent = max(along[i] for i in inliers) - min(along[i] for i in inliers)
    return StackFit(
        step=step,
        tilt_deg=angle_deg(unit(step), normal),
        offsets=offsets,
        significant=drift > 4 * scatter / math.sqrt(sdd),
        drift_mm=drift * extent,
    )


# ---------------------------------------------------------------- enhanced multi-frame

#: Where a frame of an enhanced multi-frame instance keeps what a single-frame image has at its top level:
#: functional group macro (PS3.3 C.7.6.16, per-frame first, then shared) -> (attribute in it, single-frame
#: keyword it stands for). Position, orientation and measures place the frame; the others tell apart the
#: volumes that share positions (echoes, phases, b-values) and feed the profile facts.
FRAME_ATTRIBUTES: dict[str, tuple[tuple[str, str], ...]] = {
    "PlanePositionSequence": (("ImagePositionPatient", "ImagePositionPatient"),),
    "PlaneOrientationSequence": (("ImageOrientationPatient", "ImageOrientationPatient"),),
    "PixelMeasuresSequence": (("PixelSpacing", "PixelSpacing"), ("SliceThickness", "SliceThickness")),
    "FrameContentSequence": (("TemporalPositionIndex", "TemporalPositionIdentifier"),),
    "MREchoSequence": (("EffectiveEchoTime", "EchoTime"),),
    "MRDiffusionSequence": (("DiffusionBValue", "DiffusionBValue"),),
    "CardiacSynchronizationSequence": (("NominalCardiacTriggerDelayTime", "TriggerTime"),),
    "CTImageFrameTypeSequence": (("FrameType", "ImageType"),),
    "MRImageFrameTypeSequence": (("FrameType", "ImageType"),),
    "CTReconstructionSequence": (("ConvolutionKernel", "ConvolutionKernel"),),
}
#: Instance-level attributes every frame keeps.
INSTANCE_ATTRIBUTES = ("Modality", "SOPClassUID", "SOPInstanceUID", "FrameOfReferenceUID", "Rows", "Columns",
                       "ImageType", "ConvolutionKernel", "BodyPartExamined", "SeriesDescription",
                       "ContrastBolusAgent", "Manufacturer")


def is_multi_frame(ds: Dataset) -> bool:
    """NumberOfFrames above 1; raises Malformed when it cannot be read."""
    return (integer(ds, "NumberOfFrames") or 1) > 1


def _macro(item: Dataset | None, keyword: str) -> Dataset | None:
    group = get(item, keyword) if item is not None else None
    return group[0] if group else None


def frame_headers(ds: Dataset) -> list[Dataset] | None:
    """One single-frame-like header per frame of an enhanced multi-frame instance (InstanceNumber: the source
    image's for a legacy converted instance, else the frame number), or None when the instance has no
    per-frame functional groups (cine, NM, RT dose...). Raises Malformed when the groups do not match
    NumberOfFrames."""
    frames = integer(ds, "NumberOfFrames") or 1
    per_frame = get(ds, "PerFrameFunctionalGroupsSequence")
    if not per_frame:
        return None
    if len(per_frame) != frames:
        raise Malformed("PerFrameFunctionalGroupsSequence", f"{len(per_frame)} items for {frames} frames")
    shared = _macro(ds, "SharedFunctionalGroupsSequence")
    headers = []
    for number, item in enumerate(per_frame, start=1):
        frame = Dataset()
        for keyword in INSTANCE_ATTRIBUTES:
            if keyword in ds:
                frame[keyword] = ds[keyword]
        # a legacy converted instance (PS3.3 C.7.6.16.2.25) keeps the source images' other attributes as they were
        for unassigned in (_macro(shared, "UnassignedSharedConvertedAttributesSequence"),
                           _macro(item, "UnassignedPerFrameConvertedAttributesSequence")):
            for element in unassigned or ():
                frame[element.tag] = element
        for group, attributes in FRAME_ATTRIBUTES.items():
            macro = _macro(item, group) or _macro(shared, group)
            for source, target in attributes:
                value = get(macro, source) if macro is not None else None
                if value is not None and value != "":
                    setattr(frame, target, value)
        if "InstanceNumber" not in frame:
            frame.InstanceNumber = number
        headers.append(frame)
    return headers
