"""QC of one series from its instances' headers (and sampled pixel data), and of the study over its series.

Each problem becomes a `QCFinding` with a stable code and the values that triggered it (positions along
the slice normal, counts, InstanceNumbers, codes; never names, dates or original UIDs). FAIL judges the
data; ERROR means a check could not run; PASS findings record what was recognised without being a defect
(gantry tilt, several volumes in one series, instance numbers out of position order). This stage orders
slices by position itself (it does not import harmonize).
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

from pydicom import Dataset

from contracts import QCFinding, SeriesQC, StudyQC, Verdict
from services.qc.codes import Code
from services.qc.geometry import (
    Malformed,
    Slice,
    Vector,
    angle_deg,
    clusters,
    cross,
    dot,
    fit_stack,
    frame_headers,
    instance_number,
    is_multi_frame,
    lenient_number,
    position_clusters,
    present,
    read_slice,
    text,
    texts,
)
from services.qc.iod import IODTable, default_iod_table, missing_attributes
from services.qc.pixels import Sample, check_pixels
from services.qc.rules import QCRules

__all__ = [
    "APPLICABILITY", "LOCALIZERS_EXCLUDED", "NOT_CHECKED", "NOT_VOLUMETRIC", "PIXEL_DATA", "Code", "SeriesKind",
    "check_series", "check_study", "classify", "study_verdict",
]

T = TypeVar("T")

# Entries of `SeriesQC.checks` besides the check names: whether the volumetric checks applied, and what
# could not be checked.
APPLICABILITY = "applicability"
NOT_VOLUMETRIC = "not_volumetric"
LOCALIZERS_EXCLUDED = "localizers_excluded"
NOT_CHECKED = "not_checked"
PIXEL_DATA = "pixel_data"
GEOMETRY_KEYWORDS = frozenset({"ImagePositionPatient", "ImageOrientationPatient"})  # missing_geometry's


class SeriesKind(StrEnum):
    """What a series is, which decides the rules it is judged by."""

    ACQUISITION = "acquisition"  # a stack of ORIGINAL slices: every check
    DERIVED = "derived"  # a stack of DERIVED slices (parallel reformats): checked as a volume
    PROJECTION = "derived_projection"  # MIP, renderings, curved / radial reformats: not a volume
    LOCALIZER = "localizer"  # scouts: not a volume
    SECONDARY_CAPTURE = "secondary_capture"
    MULTI_FRAME = "multi_frame"  # multi-frame without per-frame functional groups (cine, NM, RT dose...)
    NON_VOLUMETRIC = "non_volumetric"  # a modality that is not cross-sectional
    SINGLE_INSTANCE = "single_instance"


_NOT_VOLUMETRIC_REASON = {
    SeriesKind.NON_VOLUMETRIC: "modality",
    SeriesKind.SECONDARY_CAPTURE: "secondary_capture",
    SeriesKind.MULTI_FRAME: "multi_frame",
    SeriesKind.LOCALIZER: "localizer",
    SeriesKind.PROJECTION: "derived_projection",
    SeriesKind.SINGLE_INSTANCE: "single_instance",
}


@dataclass
class _Result:
    rules: QCRules
    findings: list[QCFinding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def add(self, code: Code, verdict: Verdict, message: str, **evidence: Any) -> None:
        self.findings.append(QCFinding(code=code.value, verdict=verdict, message=message, evidence=evidence))

    def ran(self, *checks: str) -> None:
        self.checks.extend(str(c) for c in checks if str(c) not in self.checks)

    def cap(self, items: Sequence[T]) -> list[T]:
        return list(items[: self.rules.max_evidence_items])

    def series_qc(self) -> SeriesQC:
        return SeriesQC(verdict=_worst(f.verdict for f in self.findings), findings=self.findings, checks=self.checks)


def _worst(verdicts: Iterable[Verdict]) -> Verdict:
    seen = set(verdicts)
    return next((v for v in (Verdict.ERROR, Verdict.FAIL) if v in seen), Verdict.PASS)


def _counts(values: Sequence[Hashable]) -> dict[str, int]:
    return {("absent" if v is None else str(v)): n for v, n in Counter(values).most_common()}


def _spacing_label(spacing: tuple[float, float] | None) -> str | None:
    return None if spacing is None else f"{spacing[0]:g}\\{spacing[1]:g}"


def _mm(value: float) -> float:
    return round(value, 3)


def _majority(values: Sequence[str]) -> str:
    return Counter(values).most_common(1)[0][0] if values else ""


# ---------------------------------------------------------------- what the series is


def _is_localizer(ds: Dataset) -> bool:
    return "LOCALIZER" in texts(ds, "ImageType")


def _is_projection(ds: Dataset, rules: QCRules) -> bool:
    values = texts(ds, "ImageType")
    return bool(values) and values[0] == "DERIVED" and any(v in rules.projection_image_types for v in values[2:])


def classify(datasets: Sequence[Dataset], rules: QCRules) -> tuple[SeriesKind, list[Dataset]]:
    """The kind of series and the instances that form its volume (empty unless a volume).

    Raises Malformed when NumberOfFrames cannot be read.
    """
    modality = _majority([text(ds, "Modality") for ds in datasets])
    if modality not in rules.volumetric_modalities:
        return SeriesKind.NON_VOLUMETRIC, []
    if any(text(ds, "SOPClassUID") in rules.secondary_capture_sop_classes for ds in datasets):
        return SeriesKind.SECONDARY_CAPTURE, []
    if any(is_multi_frame(ds) for ds in datasets):  # enhanced multi-frame: judged frame by frame
        frames: list[Dataset] = []
        for ds in datasets:
            headers = frame_headers(ds) if is_multi_frame(ds) else [ds]
            if headers is None:
                return SeriesKind.MULTI_FRAME, []
            frames += headers
        datasets = frames
    volume = [ds for ds in datasets if not _is_localizer(ds)]
    if not volume:
        return SeriesKind.LOCALIZER, []
    if any(_is_projection(ds, rules) for ds in volume):
        return SeriesKind.PROJECTION, []
    if len(volume) == 1:
        return SeriesKind.SINGLE_INSTANCE, []
    derived = _majority([(texts(ds, "ImageType") or [""])[0] for ds in volume]) == "DERIVED"
    return (SeriesKind.DERIVED if derived else SeriesKind.ACQUISITION), volume


# ---------------------------------------------------------------- consistency and required attributes


def _mixed_modality(datasets: Sequence[Dataset], result: _Result) -> None:
    result.ran(Code.MIXED_MODALITY)
    values = [text(ds, "Modality") or None for ds in datasets]
    if len(set(values)) > 1:
        result.add(Code.MIXED_MODALITY, Verdict.FAIL, "Instances of the series differ in Modality.",
                   values=_counts(values))


def _mixed_frame_of_reference(volume: Sequence[Dataset], result: _Result) -> None:
    """One FrameOfReferenceUID for the volume (an absent one is missing_required_attribute's)."""
    result.ran(Code.MIXED_FRAME_OF_REFERENCE)
    values = [text(ds, "FrameOfReferenceUID") for ds in volume]
    frames = Counter(v for v in values if v)
    if len(frames) > 1:
        main = frames.most_common(1)[0][0]
        others = [instance_number(ds) for ds, v in zip(volume, values, strict=True) if v and v != main]
        result.add(
            Code.MIXED_FRAME_OF_REFERENCE,
            Verdict.FAIL,
            "Instances of one volume name different frames of reference.",
            frame_of_reference_count=len(frames),
            instances_per_frame=[n for _, n in frames.most_common()],
            instance_numbers=result.cap(others),
        )


def _required_attributes(
    datasets: Sequence[Dataset], table: IODTable, result: _Result, skip: frozenset[str]
) -> None:
    """Each instance carries the Type 1 / 2 / 1C attributes of its IOD (`skip`: reported by another check)."""
    grouped: dict[tuple[tuple[str, ...], str, str, str], list[int | None]] = {}
    unchecked = 0
    for ds in datasets:
        missing = missing_attributes(ds, table)
        if missing is None:
            unchecked += 1
            continue
        for m in missing:
            if set(m.requirement.attributes) <= skip:
                continue
            key = (m.requirement.attributes, m.requirement.type, m.requirement.module, m.problem)
            grouped.setdefault(key, []).append(instance_number(ds))
    if unchecked < len(datasets):
        result.ran(Code.MISSING_REQUIRED_ATTRIBUTE)
    if unchecked:
        result.ran(f"{NOT_CHECKED}:{Code.MISSING_REQUIRED_ATTRIBUTE}")
    for (attributes, kind, module, problem), numbers in grouped.items():
        result.add(
            Code.MISSING_REQUIRED_ATTRIBUTE,
            Verdict.FAIL,
            f"{' or '.join(attributes)} (Type {kind}, {module} module) is {problem}.",
            attributes=list(attributes),
            type=kind,
            module=module,
            problem=problem,
            instance_count=len(numbers),
            instance_numbers=result.cap(numbers),
        )


# ---------------------------------------------------------------- geometry


def _applicability(kind: SeriesKind, datasets: Sequence[Dataset], volume: Sequence[Dataset], result: _Result) -> bool:
    """Record whether the volumetric checks apply: `not_volumetric:<reason>`, or `localizers_excluded`."""
    result.ran(APPLICABILITY)
    if kind in _NOT_VOLUMETRIC_REASON:
        result.ran(f"{NOT_VOLUMETRIC}:{_NOT_VOLUMETRIC_REASON[kind]}")
        return False
    if len(volume) < len(datasets):
        result.ran(LOCALIZERS_EXCLUDED)
    return True


def _missing_geometry(volume: Sequence[Dataset], result: _Result) -> bool:
    result.ran(Code.MISSING_GEOMETRY)
    lacking = {keyword: sum(not present(ds, keyword) for ds in volume) for keyword in sorted(GEOMETRY_KEYWORDS)}
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


def _read(volume: Sequence[Dataset], result: _Result) -> list[Slice] | None:
    result.ran(Code.MALFORMED_ATTRIBUTE)
    slices: list[Slice] = []
    bad: dict[tuple[str, str], list[int | None]] = {}
    for ds in volume:
        try:
            slices.append(read_slice(ds))
        except Malformed as exc:
            bad.setdefault((exc.attribute, exc.problem), []).append(instance_number(ds))
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


def _mixed_dimensions(slices: Sequence[Slice], result: _Result) -> None:
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
    groups = clusters(spacings, same_spacing)
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


def _reference_orientation(slices: Sequence[Slice], result: _Result) -> tuple[Vector, Vector] | None:
    """Row and column of the most common orientation, or None when orientations are mixed."""
    result.ran(Code.MIXED_ORIENTATION)
    tolerance = result.rules.orientation_tolerance_deg

    def angle(a: Slice, b: Slice) -> float:
        return max(angle_deg(a.row, b.row), angle_deg(a.column, b.column))

    groups = sorted(clusters(slices, lambda a, b: angle(a, b) <= tolerance), key=len, reverse=True)
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


@dataclass(frozen=True)
class _Volume:
    """Instances of one volume of the series (indices into the slices), and the values that single it out."""

    label: dict[str, str]
    members: list[int]


def _key_value(ds: Dataset, keyword: str) -> str:
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError, OverflowError):
        return "undecodable"
    items = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    return "\\".join(
        f"{item:g}" if isinstance(item, float) else ("" if item is None else str(item).strip()) for item in items
    )


def _agreement(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    return sum(x == y for x, y in zip(a, b, strict=True))


def _volumes(volume: Sequence[Dataset], along: Sequence[float], result: _Result) -> list[_Volume]:
    """Split a series whose instances share positions into volumes (echoes, phases, b-values...).

    The first `volume_keys` that tell apart instances at one position label the groups. A group is a volume
    when it covers at least `volume_min_fraction` of the series' positions and shares that fraction of its own
    with the other volumes; instances of other groups (a slice acquired again, one rotation of a sequential
    CT) join the volume that has their position, where they are duplicates. One volume when no position
    repeats or fewer than two groups are volumes.
    """
    rules = result.rules
    clusters = position_clusters(along, rules.position_tolerance_mm)
    repeated = [c for c in clusters if len(c) > 1]
    single = [_Volume({}, list(range(len(volume))))]
    used: dict[str, list[str]] = {}

    def label(i: int) -> tuple[str, ...]:
        return tuple(values[i] for values in used.values())

    for keyword in rules.volume_keys:
        if not repeated:
            break
        values = [_key_value(ds, keyword) for ds in volume]
        if any(len({(label(i), values[i]) for i in g}) > len({label(i) for i in g}) for g in repeated):
            used[keyword] = values
            repeated = [g for g in repeated if len({label(i) for i in g}) < len(g)]
    if not used:
        return single
    cluster_of = {i: c for c, members in enumerate(clusters) for i in members}
    groups: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(volume)):
        groups.setdefault(label(i), []).append(i)
    covered = {key: {cluster_of[i] for i in members} for key, members in groups.items()}
    fraction = rules.volume_min_fraction
    candidates = [key for key in groups if len(covered[key]) >= fraction * len(clusters)]

    def shared(key: tuple[str, ...]) -> int:  # volumes share positions; disjoint groups are parts of one volume
        return len(covered[key] & set().union(*(covered[o] for o in candidates if o != key)))

    main = sorted(key for key in candidates if shared(key) >= fraction * len(covered[key]))
    if len(main) < 2:
        return single
    for key in [k for k in groups if k not in main]:
        for i in groups[key]:
            sharing = [m for m in main if cluster_of[i] in covered[m]] or main
            groups[max(sharing, key=partial(_agreement, key))].append(i)
    names = [name for k, name in enumerate(used) if len({m[k] for m in main}) > 1]
    index = {name: k for k, name in enumerate(used)}
    return [_Volume({name: key[index[name]] for name in names}, sorted(groups[key])) for key in main]


def _duplicates(along: Sequence[float], volume: _Volume, several: bool, result: _Result) -> list[float]:
    """Distinct slice positions of one volume along the normal, ascending; reports instances sharing one."""
    result.ran(Code.DUPLICATE_POSITION)
    values = [along[i] for i in volume.members]
    groups = [[values[i] for i in g] for g in position_clusters(values, result.rules.position_tolerance_mm)]
    repeated = [g for g in groups if len(g) > 1]
    if repeated:
        extra = {"volume": volume.label} if several else {}
        result.add(
            Code.DUPLICATE_POSITION,
            Verdict.FAIL,
            "Several instances share one slice position.",
            positions=result.cap([{"position_mm": _mm(min(g)), "count": len(g)} for g in repeated]),
            duplicate_count=sum(len(g) - 1 for g in repeated),
            distinct_positions=len(groups),
            **extra,
        )
    return [min(g) for g in groups]


def _spacing(positions: Sequence[float], label: dict[str, str] | None, result: _Result) -> None:
    """missing_slice and inconsistent_spacing on the intervals between distinct positions."""
    if len(positions) < 3:  # one interval has no median to compare with
        return
    result.ran(Code.MISSING_SLICE, Code.INCONSISTENT_SPACING)
    rules = result.rules
    extra = {} if label is None else {"volume": label}
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
            **extra,
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
            **extra,
        )


def _coverage(positions: Mapping[int, list[float]], volumes: Sequence[_Volume], result: _Result) -> None:
    """The volumes of one series cover the same positions: one lacking the first or last ones misses slices
    (gaps inside a volume are `_spacing`'s)."""
    tolerance = result.rules.position_tolerance_mm
    union = sorted({p for ps in positions.values() for p in ps})
    for k, volume in enumerate(volumes):
        own = positions[k]
        absent = [p for p in union if (p < own[0] - tolerance or p > own[-1] + tolerance)]
        absent = [p for i, p in enumerate(absent) if i == 0 or p - absent[i - 1] > tolerance]
        if absent:
            result.add(
                Code.MISSING_SLICE,
                Verdict.FAIL,
                f"One volume of the series lacks {len(absent)} position(s) the others have.",
                volume=volume.label,
                absent_positions_mm=result.cap([_mm(p) for p in absent]),
                estimated_missing=len(absent),
            )


def _stack(
    slices: Sequence[Slice], along: Sequence[float], normal: Vector, volumes: Sequence[_Volume],
    modality: str, header_tilt: float | None, result: _Result,
) -> None:
    """Positions lie on one line (misaligned_slice) that runs along the normal, or is recognised as a gantry
    tilt (CT, PASS) or a skewed stack (other modalities, FAIL: only when the skew stands out of the scatter
    and moves the stack in-plane by more than the alignment tolerance)."""
    rules = result.rules
    result.ran(Code.MISALIGNED_SLICE)
    off: list[tuple[int | None, float]] = []
    tilts: list[float] = []  # significant tilts: enough to recognise a gantry tilt
    skews: list[float] = []  # those that also move the stack in-plane by more than the alignment tolerance
    for volume in volumes:
        fit = fit_stack([slices[i].position for i in volume.members], [along[i] for i in volume.members], normal,
                        rules.stack_alignment_tolerance_mm)
        if fit is None:
            continue
        tilts.append(fit.tilt_deg if fit.significant else 0.0)
        skews.append(fit.tilt_deg if fit.significant and fit.drift_mm > rules.stack_alignment_tolerance_mm else 0.0)
        off += [(slices[i].number, o) for i, o in zip(volume.members, fit.offsets, strict=True)
                if o > rules.stack_alignment_tolerance_mm]
    if off:
        result.add(
            Code.MISALIGNED_SLICE,
            Verdict.FAIL,
            "Instances lie off the line the other slice positions follow.",
            instance_count=len(off),
            instance_numbers=result.cap([n for n, _ in off]),
            max_offset_mm=_mm(max(o for _, o in off)),
            tolerance_mm=rules.stack_alignment_tolerance_mm,
        )
    if not tilts:
        return
    tilt, skew = max(tilts), max(skews)
    if modality == "CT":
        result.ran(Code.GANTRY_TILT)
        header_tilted = header_tilt is not None and abs(header_tilt) > rules.tilt_tolerance_deg
        if tilt > rules.tilt_tolerance_deg or header_tilted:
            result.add(
                Code.GANTRY_TILT,
                Verdict.PASS,
                "Gantry-tilted CT: slices step along the table axis, not along their normal.",
                tilt_deg=round(tilt, 3),
                gantry_detector_tilt_deg=header_tilt,
            )
    else:
        result.ran(Code.SKEWED_STACK)
        if skew > rules.tilt_tolerance_deg:
            result.add(
                Code.SKEWED_STACK,
                Verdict.FAIL,
                "Slice positions advance at an angle to the slice normal.",
                angle_deg=round(skew, 3),
                tolerance_deg=rules.tilt_tolerance_deg,
            )


def _instance_order(slices: Sequence[Slice], along: Sequence[float], result: _Result) -> None:
    """Record when InstanceNumbers do not follow the slice positions (tools sorting by them would scramble)."""
    result.ran(Code.INSTANCE_ORDER)
    numbers = [slices[i].number for i in sorted(range(len(slices)), key=lambda i: along[i])]
    if any(n is None for n in numbers):
        return
    ordered = [n for n in numbers if n is not None]
    pairs = list(itertools.pairwise(ordered))
    if all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs):
        return
    result.add(
        Code.INSTANCE_ORDER,
        Verdict.PASS,
        "InstanceNumbers do not follow the slice positions; slices are ordered by position.",
        instance_numbers_by_position=result.cap(ordered),
    )


def _volumetric(volume: Sequence[Dataset], result: _Result) -> None:
    if _missing_geometry(volume, result):
        return
    _mixed_frame_of_reference(volume, result)
    slices = _read(volume, result)
    if slices is None:
        return
    _mixed_dimensions(slices, result)
    reference = _reference_orientation(slices, result)
    if reference is None:
        return
    normal = cross(*reference)
    along = [dot(s.position, normal) for s in slices]
    volumes = _volumes(volume, along, result)
    several = len(volumes) > 1
    if several:
        result.add(
            Code.MULTI_VOLUME,
            Verdict.PASS,
            f"{len(volumes)} volumes share the slice positions of this series.",
            keys=list(volumes[0].label),
            volumes=result.cap([{"values": v.label, "instances": len(v.members)} for v in volumes]),
        )
    positions: dict[int, list[float]] = {}
    for k, v in enumerate(volumes):
        positions[k] = _duplicates(along, v, several, result)
        _spacing(positions[k], v.label if several else None, result)
    if several:
        _coverage(positions, volumes, result)
    modality = _majority([text(ds, "Modality") for ds in volume])
    header_tilt = lenient_number(volume[0], "GantryDetectorTilt")
    _stack(slices, along, normal, volumes, modality, header_tilt, result)
    if not several:
        _instance_order(slices, along, result)


# ---------------------------------------------------------------- series and study


def check_series(
    datasets: Sequence[Dataset],
    rules: QCRules,
    *,
    iod: IODTable | None = None,
    samples: Sequence[Sample] | None = None,
) -> SeriesQC:
    """Run the checks on one series and give its verdict.

    `datasets`: every instance's header (pixel data not needed). `iod`: the required-attribute table (the
    packaged one by default). `samples`: instances with pixel data for the pixel checks (see
    `pixels.choose_samples`), or None to skip them.
    """
    result = _Result(rules)
    if not datasets:
        result.add(Code.NO_INSTANCES, Verdict.ERROR, "The series has no instances to check.")
        return result.series_qc()
    _mixed_modality(datasets, result)
    try:
        kind, volume = classify(datasets, rules)
    except Malformed as exc:
        result.add(
            Code.MALFORMED_ATTRIBUTE,
            Verdict.ERROR,
            f"{exc.attribute} cannot be read ({exc.problem}).",
            attribute=exc.attribute,
            problem=exc.problem,
        )
        kind, volume = None, []
    per_frame = any(is_multi_frame(ds) for ds in datasets) if volume else False  # geometry in functional groups
    _required_attributes(datasets, iod or default_iod_table(), result,
                         GEOMETRY_KEYWORDS if volume and not per_frame else frozenset())
    if samples is not None:
        result.ran(PIXEL_DATA)
        result.findings.extend(check_pixels(samples, rules))
    if kind is not None and _applicability(kind, datasets, volume, result):
        _volumetric(volume, result)
    return result.series_qc()


def check_study(
    series: Mapping[str, Sequence[Dataset]], *, study_uid: str, patient_id: str | None, rules: QCRules
) -> list[QCFinding]:
    """Study-level consistency: every instance of every series names the study's StudyInstanceUID and its one
    (pseudonymised) PatientID. `patient_id` None: the instances only have to agree among themselves."""
    findings: list[QCFinding] = []
    checks = (
        (Code.MIXED_STUDY, "StudyInstanceUID", study_uid.strip().upper(), "belong to another study"),
        (Code.MIXED_PATIENT, "PatientID", None if patient_id is None else patient_id.strip().upper(),
         "name another patient"),
    )
    for code, keyword, expected, what in checks:
        values = {uid: [text(ds, keyword) for ds in headers] for uid, headers in series.items()}
        reference = expected if expected is not None else _majority([v for vs in values.values() for v in vs])
        off = {uid: sum(v != reference for v in vs) for uid, vs in values.items()}
        off = {uid: n for uid, n in off.items() if n}
        if off:
            distinct = {v for vs in values.values() for v in vs}
            findings.append(QCFinding(
                code=code.value,
                verdict=Verdict.FAIL,
                message=f"{sum(off.values())} instance(s) {what} ({keyword}).",
                evidence={
                    "instance_count": sum(off.values()),
                    "distinct_values": len(distinct),
                    "series_uids": sorted(off)[: rules.max_evidence_items],
                },
            ))
    return findings


def study_verdict(series: Mapping[str, SeriesQC], findings: Sequence[QCFinding] = ()) -> StudyQC:
    """ERROR if any series or study finding is ERROR, else FAIL if any FAILs, else PASS; series findings are
    tagged with their series_uid, study findings (from `check_study`) follow them."""
    if not series:
        finding = QCFinding(
            code=Code.NO_SERIES.value, verdict=Verdict.ERROR, message="The study has no series to check."
        )
        return StudyQC(verdict=Verdict.ERROR, findings=[finding, *findings])
    tagged = [f.model_copy(update={"series_uid": uid}) for uid, qc in series.items() for f in qc.findings]
    verdicts = [qc.verdict for qc in series.values()] + [f.verdict for f in findings]
    return StudyQC(verdict=_worst(verdicts), findings=[*tagged, *findings])
