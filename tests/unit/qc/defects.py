"""Defects injected into real multi-slice series, and clean variants that must pass: shared by the qc tests and
bench/qc_eval.py. Each case knows the exact reasons (FAIL / ERROR codes) the checks must give, and the PASS
findings they must recognise.

Series are built from real files (tests/unit/series.py); a case is judged as the service judges it:
header-only datasets for every instance, full datasets (pixel data) for the sampled ones.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from pydicom import Dataset
from pydicom.uid import generate_uid

from contracts import QCFinding, SeriesQC, StudyQC, Verdict
from services.qc.checks import check_series, check_study, study_verdict
from services.qc.codes import Code
from services.qc.pixels import choose_samples
from services.qc.rules import QCRules
from tests.unit.series import (
    AXIAL,
    CORONAL,
    SAGITTAL,
    UID_ROOT,
    Vector,
    build_series,
    cross,
    header_only,
    localizers,
    renumber,
    rotate,
    rotation,
)

CT_TEMPLATES = ["CT_small.dcm", "693_UNCR.dcm"]
MR_TEMPLATES = ["MR_small.dcm", "MR2_UNCR.dcm"]
TEMPLATES = CT_TEMPLATES + MR_TEMPLATES
STUDY_UID = "2.25.1000"
PATIENT = "PSEUDO-0001"


@dataclass
class Case:
    """One series (full datasets, pixels included) and what the checks must say about it."""

    kind: str
    slices: list[Dataset]
    codes: frozenset[str] = frozenset()  # exact FAIL / ERROR codes
    verdict: Verdict = Verdict.PASS
    recognised: frozenset[str] = frozenset()  # PASS codes that must be there
    study_level: bool = False
    notes: dict[str, object] = field(default_factory=dict)


def judge(case: Case, rules: QCRules) -> tuple[SeriesQC, StudyQC]:
    """The series and study QC as the handler computes them (headers of all, pixels of the samples)."""
    headers = [header_only(ds) for ds in case.slices]
    samples = [case.slices[i] for i in choose_samples(headers, rules.pixel_samples_per_series)]
    qc = check_series(headers, rules, samples=samples)
    study = study_verdict(
        {"2.25.2000": qc}, check_study({"2.25.2000": headers}, study_uid=STUDY_UID, patient_id=PATIENT, rules=rules)
    )
    return qc, study


def problems(findings: Sequence[QCFinding]) -> set[str]:
    return {f.code for f in findings if f.verdict is not Verdict.PASS}


def passes(findings: Sequence[QCFinding]) -> set[str]:
    return {f.code for f in findings if f.verdict is Verdict.PASS}


def correct(case: Case, qc: SeriesQC, study: StudyQC) -> bool:
    """The checks gave exactly the expected reasons and verdict, and recognised what they should."""
    return (
        problems(study.findings) == set(case.codes)
        and study.verdict is case.verdict
        and case.recognised <= passes(qc.findings)
    )


# ---------------------------------------------------------------- building


@dataclass(frozen=True)
class Shape:
    """A random but valid series: template, orientation, spacing, count, order."""

    template: str
    orientation: tuple[Vector, Vector]
    spacing: float
    count: int
    order: str
    origin: Vector


def random_shape(rng: random.Random, templates: Sequence[str] = TEMPLATES, min_count: int = 8) -> Shape:
    base = rng.choice([AXIAL, CORONAL, SAGITTAL, AXIAL])
    if rng.random() < 0.3:  # oblique
        m = rotation(rng.randrange(3), rng.uniform(-40, 40))
        base = (rotate(m, base[0]), rotate(m, base[1]))
    return Shape(
        template=rng.choice(list(templates)),
        orientation=base,
        spacing=round(rng.uniform(0.6, 5.0), 3),
        count=rng.randint(min_count, 24),
        order=rng.choice(["ascending", "reversed", "shuffled"]),
        origin=(round(rng.uniform(-200, 0), 2), round(rng.uniform(-200, 0), 2), round(rng.uniform(-100, 100), 2)),
    )


def build(shape: Shape, **kwargs: object) -> list[Dataset]:
    slices = build_series(
        shape.template, count=shape.count, spacing=shape.spacing, orientation=shape.orientation,
        origin=shape.origin, order=shape.order, **kwargs,  # type: ignore[arg-type]
    )
    for ds in slices:
        ds.StudyInstanceUID = STUDY_UID
        ds.PatientID = PATIENT
    return slices


def by_position(slices: Sequence[Dataset]) -> list[int]:
    """Indices of `slices` ordered along their stacking direction (first to last)."""
    first = [float(v) for v in slices[0].ImagePositionPatient]
    c = [float(v) for v in slices[0].ImageOrientationPatient]
    normal = cross((c[0], c[1], c[2]), (c[3], c[4], c[5]))
    return sorted(range(len(slices)), key=lambda i: sum(
        (float(slices[i].ImagePositionPatient[k]) - first[k]) * normal[k] for k in range(3)))


def stack_direction(slices: Sequence[Dataset]) -> Vector:
    order = by_position(slices)
    a = [float(v) for v in slices[order[0]].ImagePositionPatient]
    b = [float(v) for v in slices[order[-1]].ImagePositionPatient]
    length = math.dist(a, b)
    return (b[0] - a[0]) / length, (b[1] - a[1]) / length, (b[2] - a[2]) / length


def sampled(slices: Sequence[Dataset], rules: QCRules) -> list[int]:
    return choose_samples([header_only(ds) for ds in slices], rules.pixel_samples_per_series)


def _volume(s: Sequence[Dataset]) -> list[Dataset]:
    """The slices that form the volume (localizers left out)."""
    return [ds for ds in s if "LOCALIZER" not in [str(v).upper() for v in ds.get("ImageType", [])]]


def _uid(*parts: object) -> str:
    return generate_uid(prefix=UID_ROOT, entropy_srcs=[str(p) for p in parts])


def _set_pixels(ds: Dataset, arr: np.ndarray[Any, Any]) -> None:
    ds.PixelData = arr.astype(ds.pixel_array.dtype).tobytes()


# ---------------------------------------------------------------- defects (mutate a series in place)

Inject = Callable[[list[Dataset], random.Random, QCRules], None]


def remove_slice(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    vol = _volume(s)
    victim = vol[by_position(vol)[rng.randrange(1, len(vol) - 1)]]
    s.remove(victim)


def duplicate_slice(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    s.append(renumber([rng.choice(_volume(s))])[0])


def reacquire_slice(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    """A slice acquired again: same position, another AcquisitionNumber."""
    twin = renumber([rng.choice(_volume(s))])[0]
    twin.AcquisitionNumber = 100 + rng.randrange(100)
    s.append(twin)


def perturb_position(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    """Move one interior slice along the stacking direction by 20-40 % of the spacing."""
    vol = _volume(s)
    order = by_position(vol)
    c = [float(v) for v in vol[0].ImageOrientationPatient]
    normal = cross((c[0], c[1], c[2]), (c[3], c[4], c[5]))
    positions = {round(sum(float(p) * n for p, n in zip(ds.ImagePositionPatient, normal, strict=True)), 2)
                 for ds in vol}
    along = {id(ds): round(sum(float(p) * n for p, n in zip(ds.ImagePositionPatient, normal, strict=True)), 2)
             for ds in vol}
    interior = [ds for ds in vol if min(positions) < along[id(ds)] < max(positions)]  # inside every volume
    ds = rng.choice(interior)
    spacing = math.dist([float(v) for v in vol[order[0]].ImagePositionPatient],
                        [float(v) for v in vol[order[-1]].ImagePositionPatient]) / (len(positions) - 1)
    shift = rng.choice([-1, 1]) * rng.uniform(0.2, 0.4) * spacing
    ds.ImagePositionPatient = [
        round(float(p) + shift * d, 6) for p, d in zip(ds.ImagePositionPatient, stack_direction(vol), strict=True)
    ]


def misalign_slice(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    """Shift one slice 2-6 mm within its own plane (along its rows)."""
    ds = rng.choice(_volume(s))
    c = [float(v) for v in ds.ImageOrientationPatient]
    shift = rng.choice([-1, 1]) * rng.uniform(2, 6)
    ds.ImagePositionPatient = [round(float(p) + shift * c[k], 6) for k, p in enumerate(ds.ImagePositionPatient)]


def rotate_orientation(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    ds = rng.choice(_volume(s))
    m = rotation(rng.randrange(3), rng.choice([-1, 1]) * rng.uniform(2, 15))
    c = [float(v) for v in ds.ImageOrientationPatient]
    row, column = rotate(m, (c[0], c[1], c[2])), rotate(m, (c[3], c[4], c[5]))
    ds.ImageOrientationPatient = [round(v, 8) for v in (*row, *column)]


def change_rows(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    """One instance cropped to fewer rows (pixel data kept consistent)."""
    ds = rng.choice(_volume(s))
    rows = int(ds.Rows) // rng.choice([2, 4])
    arr = ds.pixel_array[:rows]
    ds.Rows = rows
    ds.PixelData = np.ascontiguousarray(arr).tobytes()


def mixed_frame_of_reference(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    other = _uid(s[0].FrameOfReferenceUID, rng.random())
    vol = _volume(s)
    for ds in rng.sample(vol, rng.randint(1, max(1, len(vol) // 3))):
        ds.FrameOfReferenceUID = other


MISSABLE = {
    "any": ["PatientName", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime", "ReferringPhysicianName",
            "StudyID", "AccessionNumber", "SeriesNumber", "FrameOfReferenceUID", "PositionReferenceIndicator",
            "Manufacturer", "InstanceNumber", "SliceThickness", "ImageType", ],
    "CT": ["KVP", "AcquisitionNumber"],
    "MR": ["ScanningSequence", "SequenceVariant", "ScanOptions", "MRAcquisitionType", "EchoTime",
           "EchoTrainLength"],
}


def missing_required_attribute(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    keyword = rng.choice(MISSABLE["any"] + MISSABLE[str(s[0].Modality)])
    vol = _volume(s)
    targets = vol if rng.random() < 0.5 else [rng.choice(vol)]
    for ds in targets:
        if keyword in ds:
            del ds[keyword]




def _sampled_one(s: list[Dataset], rng: random.Random, rules: QCRules) -> Dataset:
    return s[rng.choice(sampled(s, rules))]


def truncate_pixels(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    ds = _sampled_one(s, rng, rules)
    ds.PixelData = ds.PixelData[: int(len(ds.PixelData) * rng.uniform(0.1, 0.9)) // 2 * 2]


def constant_pixels(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    ds = _sampled_one(s, rng, rules)
    arr = ds.pixel_array
    _set_pixels(ds, np.full_like(arr, int(arr.flat[rng.randrange(arr.size)])))


def nan_pixels(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    """Every instance stored as 32-bit float pixels; one sampled image gets NaN (or infinite) values."""
    target = _sampled_one(s, rng, rules)
    for ds in s:
        arr = ds.pixel_array.astype(np.float32)
        if ds is target:
            flat = arr.reshape(-1)
            flat[rng.sample(range(flat.size), rng.randint(1, 20))] = rng.choice([np.nan, np.inf, -np.inf])
        del ds.PixelData
        ds.FloatPixelData = arr.tobytes()
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 32, 32, 31


def exceed_bits_stored(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    """Declare fewer Bits Stored than the values of one sampled image use."""
    ds = _sampled_one(s, rng, rules)
    arr = ds.pixel_array
    bits = max(2, int(np.abs(arr).max()).bit_length() - rng.randint(1, 3))
    ds.BitsStored, ds.HighBit = bits, bits - 1


def wrong_rescale(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    """A CT image whose Rescale Intercept / Slope put it outside any plausible HU range."""
    ds = _sampled_one(s, rng, rules)
    if rng.random() < 0.5:
        ds.RescaleIntercept = rng.choice([3000, 6000, -5000])
    else:
        ds.RescaleSlope = rng.choice([25, 100])


def mixed_modality(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    s[rng.randrange(len(s))].Modality = rng.choice(["OT", "PT", "MR" if s[0].Modality == "CT" else "CT"])


def other_study(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    for ds in rng.sample(s, rng.randint(1, len(s))):
        ds.StudyInstanceUID = "2.25.3000"


def other_patient(s: list[Dataset], rng: random.Random, rules: QCRules) -> None:
    for ds in rng.sample(s, rng.randint(1, len(s))):
        ds.PatientID = "PSEUDO-0002"


@dataclass(frozen=True)
class Defect:
    inject: Inject
    code: str
    verdict: Verdict = Verdict.FAIL
    templates: tuple[str, ...] = tuple(TEMPLATES)
    stops_volume_checks: bool = False  # nothing past it is recognised (tilt, several volumes)


DEFECTS: dict[str, Defect] = {
    "remove_slice": Defect(remove_slice, Code.MISSING_SLICE),
    "duplicate_slice": Defect(duplicate_slice, Code.DUPLICATE_POSITION),
    "reacquire_slice": Defect(reacquire_slice, Code.DUPLICATE_POSITION),
    "perturb_position": Defect(perturb_position, Code.INCONSISTENT_SPACING),
    "misalign_slice": Defect(misalign_slice, Code.MISALIGNED_SLICE),
    "rotate_orientation": Defect(rotate_orientation, Code.MIXED_ORIENTATION, stops_volume_checks=True),
    "change_rows": Defect(change_rows, Code.MIXED_DIMENSIONS),
    "mixed_frame_of_reference": Defect(mixed_frame_of_reference, Code.MIXED_FRAME_OF_REFERENCE),
    "missing_required_attribute": Defect(missing_required_attribute, Code.MISSING_REQUIRED_ATTRIBUTE),
    "mixed_modality": Defect(mixed_modality, Code.MIXED_MODALITY),
    "truncate_pixels": Defect(truncate_pixels, Code.UNDECODABLE_PIXEL_DATA),
    "constant_pixels": Defect(constant_pixels, Code.CONSTANT_PIXEL_DATA),
    "nan_pixels": Defect(nan_pixels, Code.NON_FINITE_PIXELS),
    "exceed_bits_stored": Defect(exceed_bits_stored, Code.BIT_DEPTH_INCONSISTENT),
    "wrong_rescale": Defect(wrong_rescale, Code.HU_OUT_OF_RANGE, templates=tuple(CT_TEMPLATES)),
    "other_study": Defect(other_study, Code.MIXED_STUDY),
    "other_patient": Defect(other_patient, Code.MIXED_PATIENT),
}


# ---------------------------------------------------------------- variants (clean, and the special series)


def _plain(shape: Shape, rng: random.Random) -> list[Dataset]:
    return build(shape)


def _tilted(shape: Shape, rng: random.Random) -> list[Dataset]:
    return build(replace(shape, orientation=AXIAL), tilt=rng.choice([-1, 1]) * rng.uniform(5, 30))


def _multi_echo(shape: Shape, rng: random.Random) -> list[Dataset]:
    echoes = rng.randint(2, 4)
    return build(shape, volumes=[{"EchoNumbers": e + 1, "EchoTime": 5.0 + 10 * e} for e in range(echoes)])


def _diffusion(shape: Shape, rng: random.Random) -> list[Dataset]:
    directions = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]
    volumes: list[dict[str, object]] = [{"DiffusionBValue": 0.0, "DiffusionGradientOrientation": [0.0, 0.0, 0.0]}]
    volumes += [{"DiffusionBValue": b, "DiffusionGradientOrientation": list(d)}
                for b in (500.0, 1000.0) for d in directions]
    return build(shape, volumes=volumes)


def _multi_phase(shape: Shape, rng: random.Random) -> list[Dataset]:
    key = rng.choice(["TemporalPositionIdentifier", "AcquisitionNumber"])
    return build(shape, volumes=[{key: p + 1} for p in range(rng.randint(2, 4))])


def _sequential_ct(shape: Shape, rng: random.Random) -> list[Dataset]:
    """Axial (step-and-shoot) CT: each rotation its own AcquisitionNumber, no position repeated."""
    slices = build(shape)
    per = rng.choice([2, 4, 8])
    for rank, i in enumerate(by_position(slices)):
        slices[i].AcquisitionNumber = 1 + rank // per
    return slices


def _with_localizers(shape: Shape, rng: random.Random) -> list[Dataset]:
    slices = build(shape)
    return slices + localizers(slices, rng.randint(1, 3))


def _derived_projection(shape: Shape, rng: random.Random) -> list[Dataset]:
    """A rotating MIP: DERIVED images at a new angle each, same position: not a volume."""
    slices = build(shape)
    for k, ds in enumerate(slices):
        m = rotation(2, 360.0 * k / len(slices))
        c = [float(v) for v in ds.ImageOrientationPatient]
        row, column = rotate(m, (c[0], c[1], c[2])), rotate(m, (c[3], c[4], c[5]))
        ds.ImageOrientationPatient = [round(v, 8) for v in (*row, *column)]
        ds.ImagePositionPatient = list(slices[0].ImagePositionPatient)
        ds.ImageType = ["DERIVED", "SECONDARY", "MIP"]
    return slices


def _jittered(shape: Shape, rng: random.Random) -> list[Dataset]:
    """Positions as scanners write them: up to 1 % of the spacing along the stack and 0.05 mm in-plane off."""
    slices = build(shape)
    c = [float(v) for v in slices[0].ImageOrientationPatient]
    normal = cross((c[0], c[1], c[2]), (c[3], c[4], c[5]))
    for ds in slices:
        along, row = rng.uniform(-0.01, 0.01) * shape.spacing, rng.uniform(-0.05, 0.05)
        ds.ImagePositionPatient = [round(float(p) + along * normal[k] + row * c[k], 4)
                                   for k, p in enumerate(ds.ImagePositionPatient)]
    return slices


def _derived_reformat(shape: Shape, rng: random.Random) -> list[Dataset]:
    slices = build(shape)
    for ds in slices:
        ds.ImageType = ["DERIVED", "SECONDARY", "MPR"]
    return slices


@dataclass(frozen=True)
class Variant:
    make: Callable[[Shape, random.Random], list[Dataset]]
    recognised: frozenset[str] = frozenset()
    templates: tuple[str, ...] = tuple(TEMPLATES)
    volume: bool = True  # a stack the geometric defects apply to


VARIANTS: dict[str, Variant] = {
    "plain": Variant(_plain),
    "jittered": Variant(_jittered),
    "tilted_ct": Variant(_tilted, frozenset({Code.GANTRY_TILT}), tuple(CT_TEMPLATES)),
    "multi_echo": Variant(_multi_echo, frozenset({Code.MULTI_VOLUME}), tuple(MR_TEMPLATES)),
    "diffusion": Variant(_diffusion, frozenset({Code.MULTI_VOLUME}), tuple(MR_TEMPLATES)),
    "multi_phase": Variant(_multi_phase, frozenset({Code.MULTI_VOLUME}), tuple(CT_TEMPLATES)),
    "sequential_ct": Variant(_sequential_ct, templates=tuple(CT_TEMPLATES)),
    "with_localizers": Variant(_with_localizers),
    "derived_reformat": Variant(_derived_reformat),
    "derived_projection": Variant(_derived_projection, volume=False),
}
GEOMETRIC = {"remove_slice", "duplicate_slice", "reacquire_slice", "perturb_position", "misalign_slice",
             "rotate_orientation", "change_rows", "mixed_frame_of_reference"}


def compatible(defect: str, variant: str) -> bool:
    v, d = VARIANTS[variant], DEFECTS[defect]
    return bool(set(v.templates) & set(d.templates)) and (v.volume or defect not in GEOMETRIC)


def clean_case(variant: str, rng: random.Random) -> Case:
    v = VARIANTS[variant]
    return Case(kind=variant, slices=v.make(random_shape(rng, v.templates), rng), recognised=v.recognised)


def defect_case(defect: str, rng: random.Random, rules: QCRules, variant: str = "plain") -> Case:
    if not compatible(defect, variant):
        raise ValueError(f"{defect} does not apply to {variant}")
    spec, v = DEFECTS[defect], VARIANTS[variant]
    slices = v.make(random_shape(rng, [t for t in v.templates if t in spec.templates]), rng)
    spec.inject(slices, rng, rules)
    return Case(kind=defect, slices=slices, codes=frozenset({spec.code}), verdict=spec.verdict,
                recognised=frozenset() if spec.stops_volume_checks else v.recognised, notes={"variant": variant})


def skewed_mr_case(rng: random.Random) -> Case:
    """An MR series whose positions advance at an angle to the normal (no gantry to explain it), moving the
    last slice 1-10 mm in-plane from the first (below the 0.5 mm alignment tolerance a skew is not judged)."""
    shape = replace(random_shape(rng, MR_TEMPLATES), orientation=AXIAL)
    extent = (shape.count - 1) * shape.spacing
    angle = min(40.0, max(2.0, math.degrees(math.atan(rng.uniform(1.0, 10.0) / extent))))
    slices = build(shape, tilt=rng.choice([-1, 1]) * angle)
    return Case(kind="skewed_stack", slices=slices, codes=frozenset({Code.SKEWED_STACK}), verdict=Verdict.FAIL)


def copy_case(case: Case) -> Case:
    return Case(case.kind, copy.deepcopy(case.slices), case.codes, case.verdict, case.recognised,
                case.study_level, dict(case.notes))
