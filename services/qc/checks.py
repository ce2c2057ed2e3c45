"""QC of one series from its instances' headers, and the study verdict over its series.

Each problem becomes a `QCFinding` with a stable code and the values that triggered it (positions along
the slice normal, counts, InstanceNumbers; never names, dates or UIDs). FAIL judges the data; ERROR
means a check could not run. This stage orders slices itself (it does not import harmonize).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from pydicom import Dataset

from contracts import QCFinding, SeriesQC, StudyQC, Verdict
from services.qc.rules import QCRules

T = TypeVar("T")
Vector = tuple[float, float, float]


class Code(StrEnum):
    """Finding codes. The volumetric ones double as the check names recorded in `SeriesQC.checks`."""

    NO_INSTANCES = "no_instances"
    NO_SERIES = "no_series"
    MALFORMED_ATTRIBUTE = "malformed_attribute"
    MISSING_GEOMETRY = "missing_geometry"
    MIXED_DIMENSIONS = "mixed_dimensions"
    MIXED_ORIENTATION = "mixed_orientation"
    DUPLICATE_POSITION = "duplicate_position"
    MISSING_SLICE = "missing_slice"
    INCONSISTENT_SPACING = "inconsistent_spacing"


# Entries of `SeriesQC.checks` besides the check names: whether the volumetric checks applied.
APPLICABILITY = "applicability"
NOT_VOLUMETRIC = "not_volumetric"
LOCALIZERS_EXCLUDED = "localizers_excluded"


class _Malformed(Exception):
    def __init__(self, attribute: str, problem: str) -> None:
        super().__init__(f"{attribute}: {problem}")
        self.attribute = attribute
        self.problem = problem


@dataclass(frozen=True)
class _Slice:
    number: int | None  # InstanceNumber, quoted in evidence
    rows: int | None
    columns: int | None
    pixel_spacing: tuple[float, float] | None
    row: Vector
    column: Vector
    position: Vector


@dataclass
class _Result:
    rules: QCRules
    findings: list[QCFinding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def add(self, code: Code, verdict: Verdict, message: str, **evidence: Any) -> None:
        self.findings.append(QCFinding(code=code.value, verdict=verdict, message=message, evidence=evidence))

    def ran(self, *checks: str) -> None:
        self.checks.extend(str(c) for c in checks)

    def cap(self, items: Sequence[T]) -> list[T]:
        return list(items[: self.rules.max_evidence_items])

    def series_qc(self) -> SeriesQC:
        return SeriesQC(verdict=_worst(f.verdict for f in self.findings), findings=self.findings, checks=self.checks)


def _worst(verdicts: Iterable[Verdict]) -> Verdict:
    seen = set(verdicts)
    return next((v for v in (Verdict.ERROR, Verdict.FAIL) if v in seen), Verdict.PASS)


# ---------------------------------------------------------------- reading attributes


def _get(ds: Dataset, keyword: str) -> Any:
    try:
        return ds.get(keyword)
    except (ValueError, TypeError, OverflowError) as exc:  # strict pydicom refuses a bad value on access
        raise _Malformed(keyword, "undecodable") from exc


def _present(ds: Dataset, keyword: str) -> bool:
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError, OverflowError):
        return True  # there, but bad: reported as malformed
    return value is not None and value != "" and not (isinstance(value, Sequence) and len(value) == 0)


def _numbers(ds: Dataset, keyword: str, count: int) -> tuple[float, ...] | None:
    value = _get(ds, keyword)
    if value is None or value == "":
        return None
    items = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    if len(items) != count:
        raise _Malformed(keyword, f"expected {count} values, got {len(items)}")
    try:
        numbers = tuple(float(v) for v in items)
    except (ValueError, TypeError) as exc:
        raise _Malformed(keyword, "not numeric") from exc
    if not all(math.isfinite(v) for v in numbers):
        raise _Malformed(keyword, "not finite")
    return numbers


def _integer(ds: Dataset, keyword: str) -> int | None:
    value = _get(ds, keyword)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (ValueError, TypeError) as exc:
        raise _Malformed(keyword, "not an integer") from exc


def _unit(v: Sequence[float], keyword: str) -> Vector:
    norm = math.sqrt(sum(c * c for c in v))
    if norm < 1e-6:
        raise _Malformed(keyword, "zero direction vector")
    return (v[0] / norm, v[1] / norm, v[2] / norm)


def _read_slice(ds: Dataset) -> _Slice:
    spacing = _numbers(ds, "PixelSpacing", 2)
    if spacing is not None and min(spacing) <= 0:
        raise _Malformed("PixelSpacing", "not positive")
    cosines = _numbers(ds, "ImageOrientationPatient", 6)
    position = _numbers(ds, "ImagePositionPatient", 3)
    if cosines is None or position is None:  # excluded by the missing_geometry check before
        raise _Malformed("ImageOrientationPatient" if cosines is None else "ImagePositionPatient", "absent")
    row, column = _unit(cosines[:3], "ImageOrientationPatient"), _unit(cosines[3:], "ImageOrientationPatient")
    if abs(_dot(row, column)) > 1e-2:
        raise _Malformed("ImageOrientationPatient", "row and column not orthogonal")
    return _Slice(
        number=_instance_number(ds),
        rows=_integer(ds, "Rows"),
        columns=_integer(ds, "Columns"),
        pixel_spacing=None if spacing is None else (spacing[0], spacing[1]),
        row=row,
        column=column,
        position=(position[0], position[1], position[2]),
    )


def _instance_number(ds: Dataset) -> int | None:
    try:
        return _integer(ds, "InstanceNumber")
    except _Malformed:
        return None


def _is_localizer(ds: Dataset) -> bool:
    try:
        image_type = ds.get("ImageType") or []
    except (ValueError, TypeError):
        return False
    values = [image_type] if isinstance(image_type, str) else list(image_type)
    return any(str(v).strip().upper() == "LOCALIZER" for v in values)


# ---------------------------------------------------------------- geometry helpers


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _angle_deg(a: Vector, b: Vector) -> float:
    return math.degrees(math.acos(max(-1.0, min(1.0, _dot(a, b)))))


def _clusters(items: Sequence[T], same: Callable[[T, T], bool]) -> list[list[int]]:
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


def _counts(values: Sequence[Hashable]) -> dict[str, int]:
    return {("absent" if v is None else str(v)): n for v, n in Counter(values).most_common()}


def _spacing_label(spacing: tuple[float, float] | None) -> str | None:
    return None if spacing is None else f"{spacing[0]:g}\\{spacing[1]:g}"


def _mm(value: float) -> float:
    return round(value, 3)


# ---------------------------------------------------------------- checks


def _applicability(datasets: Sequence[Dataset], result: _Result) -> list[Dataset] | None:
    """The instances to check as a volume, or None when the volumetric checks do not apply.

    Either way `checks` records it: `not_volumetric:<reason>` (modality, multi_frame, localizer,
    single_instance) or `localizers_excluded` when a volume also holds localizer images.
    """
    result.ran(APPLICABILITY)
    modality = str(datasets[0].get("Modality") or "").strip().upper()
    reason: str | None = None
    volume: list[Dataset] = []
    if modality not in result.rules.volumetric_modalities:
        reason = "modality"
    elif any((_integer(ds, "NumberOfFrames") or 1) > 1 for ds in datasets):
        reason = "multi_frame"  # enhanced multi-frame: per-frame functional groups not checked yet
    else:
        volume = [ds for ds in datasets if not _is_localizer(ds)]
        if not volume:
            reason = "localizer"
        elif len(volume) == 1:
            reason = "single_instance"
        elif len(volume) < len(datasets):
            result.ran(LOCALIZERS_EXCLUDED)
    if reason is None:
        return volume
    result.ran(f"{NOT_VOLUMETRIC}:{reason}")
    return None


def _missing_geometry(volume: Sequence[Dataset], result: _Result) -> bool:
    result.ran(Code.MISSING_GEOMETRY)
    lacking = {
        keyword: sum(not _present(ds, keyword) for ds in volume)
        for keyword in ("ImagePositionPatient", "ImageOrientationPatient")
    }
    lacking = {k: n for k, n in lacking.items() if n}
    if lacking:
        result.add(
            Code.MISSING_GEOMETRY,
            Verdict.FAIL,
            "Cross-sectional images without patient position or orientation cannot form a volume.",
            instances_lacking=lacking,
            instance_count=len(volume),
        )
    return bool(lacking)


def _read(volume: Sequence[Dataset], result: _Result) -> list[_Slice] | None:
    result.ran(Code.MALFORMED_ATTRIBUTE)
    slices: list[_Slice] = []
    bad: dict[tuple[str, str], list[int | None]] = {}
    for ds in volume:
        try:
            slices.append(_read_slice(ds))
        except _Malformed as exc:
            bad.setdefault((exc.attribute, exc.problem), []).append(_instance_number(ds))
    for (attribute, problem), numbers in bad.items():
        result.add(
            Code.MALFORMED_ATTRIBUTE,
            Verdict.ERROR,
            f"{attribute} cannot be read as geometry ({problem}).",
            attribute=attribute,
            problem=problem,
            instance_count=len(numbers),
            instance_numbers=result.cap(numbers),
        )
    return None if bad else slices


def _mixed_dimensions(slices: Sequence[_Slice], result: _Result) -> None:
    result.ran(Code.MIXED_DIMENSIONS)
    tolerance = result.rules.pixel_spacing_tolerance_mm

    def same_spacing(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
        if a is None or b is None:
            return a is b
        return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= tolerance

    varying: dict[str, dict[str, int]] = {}
    for keyword, values in (("Rows", [s.rows for s in slices]), ("Columns", [s.columns for s in slices])):
        if len(set(values)) > 1:
            varying[keyword] = _counts(values)
    spacings = [s.pixel_spacing for s in slices]
    groups = _clusters(spacings, same_spacing)
    if len(groups) > 1:
        labels = [_spacing_label(spacings[group[0]]) for group in groups for _ in group]
        varying["PixelSpacing"] = _counts(labels)
    if varying:
        result.add(
            Code.MIXED_DIMENSIONS,
            Verdict.FAIL,
            "Instances differ in " + ", ".join(varying) + ".",
            values=varying,
        )


def _reference_orientation(slices: Sequence[_Slice], result: _Result) -> tuple[Vector, Vector] | None:
    """Row and column of the most common orientation, or None when orientations are mixed."""
    result.ran(Code.MIXED_ORIENTATION)
    tolerance = result.rules.orientation_tolerance_deg

    def angle(a: _Slice, b: _Slice) -> float:
        return max(_angle_deg(a.row, b.row), _angle_deg(a.column, b.column))

    groups = sorted(_clusters(slices, lambda a, b: angle(a, b) <= tolerance), key=len, reverse=True)
    reference = slices[groups[0][0]]
    if len(groups) == 1:
        return reference.row, reference.column
    deviating = [i for group in groups[1:] for i in group]
    result.add(
        Code.MIXED_ORIENTATION,
        Verdict.FAIL,
        "ImageOrientationPatient differs between instances.",
        orientation_count=len(groups),
        deviating_instances=len(deviating),
        instance_numbers=result.cap([slices[i].number for i in deviating]),
        max_angle_deg=round(max(angle(reference, slices[g[0]]) for g in groups[1:]), 3),
    )
    return None


def _positions(slices: Sequence[_Slice], normal: Vector, result: _Result) -> list[float]:
    """Distinct slice positions along `normal`, ascending; reports instances sharing one."""
    result.ran(Code.DUPLICATE_POSITION)
    along = sorted(_dot(s.position, normal) for s in slices)
    groups: list[list[float]] = [[along[0]]]
    for d in along[1:]:
        if d - groups[-1][-1] <= result.rules.position_tolerance_mm:
            groups[-1].append(d)
        else:
            groups.append([d])
    repeated = [g for g in groups if len(g) > 1]
    if repeated:
        result.add(
            Code.DUPLICATE_POSITION,
            Verdict.FAIL,
            "Several instances share one slice position.",
            positions=result.cap([{"position_mm": _mm(g[0]), "count": len(g)} for g in repeated]),
            duplicate_count=sum(len(g) - 1 for g in repeated),
            distinct_positions=len(groups),
        )
    return [g[0] for g in groups]


def _spacing(positions: Sequence[float], result: _Result) -> None:
    """missing_slice and inconsistent_spacing on the intervals between distinct positions."""
    if len(positions) < 3:  # one interval has no median to compare with
        return
    result.ran(Code.MISSING_SLICE, Code.INCONSISTENT_SPACING)
    rules = result.rules
    steps = [(a, b - a) for a, b in itertools.pairwise(positions)]
    expected = statistics.median(step for _, step in steps)
    tolerance = max(rules.spacing_tolerance * expected, rules.spacing_tolerance_mm)
    gaps = [(at, step) for at, step in steps if step > rules.gap_tolerance * expected]
    uneven = [
        (at, step) for at, step in steps if step <= rules.gap_tolerance * expected and abs(step - expected) > tolerance
    ]
    if gaps:
        missing = [max(1, round(step / expected) - 1) for _, step in gaps]
        result.add(
            Code.MISSING_SLICE,
            Verdict.FAIL,
            f"{len(gaps)} gap(s) between slices; about {sum(missing)} slice(s) missing.",
            expected_spacing_mm=_mm(expected),
            gaps=result.cap(
                [
                    {"after_position_mm": _mm(at), "size_mm": _mm(step), "missing": n}
                    for (at, step), n in zip(gaps, missing, strict=True)
                ]
            ),
            gap_count=len(gaps),
            estimated_missing=sum(missing),
        )
    if uneven:
        result.add(
            Code.INCONSISTENT_SPACING,
            Verdict.FAIL,
            "Slice spacing varies beyond tolerance.",
            expected_spacing_mm=_mm(expected),
            tolerance_mm=_mm(tolerance),
            min_spacing_mm=_mm(min(step for _, step in steps)),
            max_spacing_mm=_mm(max(step for _, step in steps)),
            intervals=result.cap([{"after_position_mm": _mm(at), "size_mm": _mm(step)} for at, step in uneven]),
            interval_count=len(uneven),
        )


def check_series(datasets: Sequence[Dataset], rules: QCRules) -> SeriesQC:
    """Run the checks on one series' instances (headers suffice) and give its verdict."""
    result = _Result(rules)
    if not datasets:
        result.add(Code.NO_INSTANCES, Verdict.ERROR, "The series has no instances to check.")
        return result.series_qc()
    try:
        volume = _applicability(datasets, result)
    except _Malformed as exc:
        result.add(
            Code.MALFORMED_ATTRIBUTE,
            Verdict.ERROR,
            f"{exc.attribute} cannot be read ({exc.problem}).",
            attribute=exc.attribute,
            problem=exc.problem,
        )
        return result.series_qc()
    if volume is None or _missing_geometry(volume, result):
        return result.series_qc()
    slices = _read(volume, result)
    if slices is None:
        return result.series_qc()
    _mixed_dimensions(slices, result)
    reference = _reference_orientation(slices, result)
    if reference is not None:
        normal = _cross(*reference)
        _spacing(_positions(slices, normal, result), result)
    return result.series_qc()


def study_verdict(series: Mapping[str, SeriesQC]) -> StudyQC:
    """ERROR if any series is ERROR, else FAIL if any FAILs, else PASS; findings tagged with series_uid."""
    if not series:
        finding = QCFinding(
            code=Code.NO_SERIES.value, verdict=Verdict.ERROR, message="The study has no series to check."
        )
        return StudyQC(verdict=Verdict.ERROR, findings=[finding])
    findings = [f.model_copy(update={"series_uid": uid}) for uid, qc in series.items() for f in qc.findings]
    return StudyQC(verdict=_worst(qc.verdict for qc in series.values()), findings=findings)
