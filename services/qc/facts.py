"""What the protocol profiles look at in a series: a few facts read from its headers and its QC result.

Kernel class and MR weighting are simple classifications of this stage's own (header names and, for MR,
timing parameters); they stand in until harmonize publishes series types.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from pydicom import Dataset

from contracts import SeriesQC, Verdict
from services.qc.checks import SeriesKind, classify
from services.qc.geometry import (
    Malformed,
    dot,
    fit_stack,
    lenient_number,
    plane,
    position_clusters,
    read_slice,
    text,
    texts,
)
from services.qc.rules import QCRules


class KernelClass(StrEnum):
    """Reconstruction kernel of a CT series: lung, sharp (bone / high frequency), standard (soft to medium)."""

    LUNG = "lung"
    SHARP = "sharp"
    STANDARD = "standard"
    UNKNOWN = "unknown"


class MRWeighting(StrEnum):
    T1 = "T1"
    T2 = "T2"
    FLAIR = "FLAIR"
    PD = "PD"
    DWI = "DWI"
    UNKNOWN = "unknown"


class SeriesFacts(BaseModel):
    """One series as the protocol profiles see it (numbers and codes only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    series_uid: str
    modality: str
    kind: SeriesKind | None = None
    body_part: str | None = None  # SNOMED CT code from harmonize (CID 4031), or 'unknown'
    plane: str | None = None
    slice_count: int = 0  # distinct slice positions
    slice_thickness_mm: float | None = None
    slice_spacing_mm: float | None = None
    pixel_spacing_mm: float | None = None  # the coarser of row and column spacing
    extent_mm: float | None = None  # first to last slice position plus one spacing, along the normal
    gantry_tilt_deg: float | None = None
    kernel_class: KernelClass | None = None
    mr_acquisition_type: str | None = None
    mr_weighting: MRWeighting | None = None
    qc_verdict: Verdict = Verdict.PASS
    qc_codes: list[str] = []  # codes of the series' FAIL / ERROR findings


# ---------------------------------------------------------------- CT kernel

_GE = {
    "LUNG": KernelClass.LUNG, "CHEST": KernelClass.SHARP, "BONE": KernelClass.SHARP, "BONEPLUS": KernelClass.SHARP,
    "EDGE": KernelClass.SHARP, "DETAIL": KernelClass.SHARP, "SOFT": KernelClass.STANDARD,
    "STANDARD": KernelClass.STANDARD, "SMOOTH": KernelClass.STANDARD,
}
_PHILIPS_SHARP = {"C", "D", "E", "EB", "EC", "YA", "YB", "YC", "YD", "YE", "YF"}
_PHILIPS_STANDARD = {"A", "B", "UA", "UB", "UC", "SA", "SB"}
_PHILIPS_LUNG = {"L", "LA"}
_CANON = re.compile(r"^F([CL])(\d{2})")
_SIEMENS = re.compile(r"^([A-Z][a-z]?)(\d{2})")


def kernel_class(kernel: str | Sequence[str] | None) -> KernelClass:
    """Class of a ConvolutionKernel value (its first value when multi-valued).

    Siemens (B70f, I70f, Br64, Bl57): Bl.. lung, number >= 50 sharp, else standard. GE (STANDARD, LUNG, BONE,
    HD LUNG...) by name. Philips (A, B, C, L, YA, YB...): L lung, A/B standard, C and up and Y.. sharp.
    Canon / Toshiba (FC13, FC52, FL04): FL and FC5x lung, FC3x and FC8x sharp, else standard.
    """
    if kernel is None:
        return KernelClass.UNKNOWN
    value = kernel if isinstance(kernel, str) else (kernel[0] if len(kernel) else "")
    raw = str(value).strip()
    upper = raw.upper()
    if upper.startswith("HD "):
        upper = upper[3:]
    if upper in _GE:
        return _GE[upper]
    if upper in _PHILIPS_LUNG:
        return KernelClass.LUNG
    if upper in _PHILIPS_SHARP:
        return KernelClass.SHARP
    if upper in _PHILIPS_STANDARD:
        return KernelClass.STANDARD
    canon = _CANON.match(upper)
    if canon:
        letter, number = canon.group(1), int(canon.group(2))
        if letter == "L" or 50 <= number < 60:
            return KernelClass.LUNG
        return KernelClass.SHARP if 30 <= number < 40 or number >= 80 else KernelClass.STANDARD
    siemens = _SIEMENS.match(raw)
    if siemens:
        family, number = siemens.group(1), int(siemens.group(2))
        if family == "Bl":
            return KernelClass.LUNG
        return KernelClass.SHARP if number >= 50 else KernelClass.STANDARD
    return KernelClass.UNKNOWN


# ---------------------------------------------------------------- MR weighting

_WORDS = re.compile(r"[A-Z0-9]+")


def mr_weighting(ds: Dataset) -> MRWeighting:
    """Weighting of an MR image from its descriptions (SeriesDescription, ProtocolName, SequenceName), or
    failing them from TR / TE / TI: FLAIR is a long-TI inversion recovery with long TE."""
    description = " ".join(text(ds, k) for k in ("SeriesDescription", "ProtocolName", "SequenceName"))
    words = set(_WORDS.findall(description.replace("DARK-FLUID", "DARKFLUID").replace("DARK FLUID", "DARKFLUID")))
    t2 = any(re.fullmatch(r"(3D)?T2(W|WI|STAR)?.*", w) for w in words)
    t1 = (
        any(re.fullmatch(r"(3D)?T1(W|WI)?.*", w) for w in words)
        or bool(words & {"MPRAGE", "MP2RAGE", "SPGR", "FSPGR", "BRAVO"})
        or ("MP" in words and "RAGE" in words)
        or ("TFE" in words and not t2)
    )
    if words & {"DWI", "DIFFUSION", "ADC", "TRACEW", "DTI"} or "DIFFUSION" in texts(ds, "ImageType"):
        return MRWeighting.DWI
    if words & {"FLAIR", "DARKFLUID", "TIRM"} or any(w.endswith("FLAIR") for w in words):
        return MRWeighting.T1 if t1 else MRWeighting.FLAIR
    if t1:
        return MRWeighting.T1
    if t2:
        return MRWeighting.T2
    if words & {"PD", "PDW", "PDWI"}:
        return MRWeighting.PD
    tr, te, ti = (lenient_number(ds, k) for k in ("RepetitionTime", "EchoTime", "InversionTime"))
    if ti is not None and ti >= 1500 and te is not None and te >= 60:
        return MRWeighting.FLAIR
    if ti is not None and 600 <= ti <= 1300 and te is not None and te < 15:
        return MRWeighting.T1
    if tr is not None and te is not None:
        if tr < 800 and te < 30:
            return MRWeighting.T1
        if tr >= 1500 and te >= 60:
            return MRWeighting.T2
        if tr >= 1500 and te < 30:
            return MRWeighting.PD
    return MRWeighting.UNKNOWN


# ---------------------------------------------------------------- facts


def series_facts(
    series_uid: str, datasets: Sequence[Dataset], qc: SeriesQC, *, body_part: str | None, rules: QCRules
) -> SeriesFacts:
    """The facts of one series (geometry only for volumes whose geometry reads)."""
    modality = Counter(text(ds, "Modality") for ds in datasets).most_common(1)[0][0] if datasets else ""
    codes = sorted({f.code for f in qc.findings if f.verdict is not Verdict.PASS})
    try:
        kind, volume = classify(datasets, rules) if datasets else (None, [])
    except Malformed:
        kind, volume = None, []
    first = volume[0] if volume else (datasets[0] if datasets else None)
    facts: dict[str, object] = {
        "series_uid": series_uid, "modality": modality, "kind": kind, "body_part": body_part,
        "qc_verdict": qc.verdict, "qc_codes": codes,
    }
    if first is not None:
        if modality == "CT":
            facts["kernel_class"] = kernel_class(_first_value(first, "ConvolutionKernel"))
        if modality == "MR":
            facts["mr_acquisition_type"] = text(first, "MRAcquisitionType") or None
            facts["mr_weighting"] = mr_weighting(first)
    if volume:
        facts.update(_geometry(volume, rules))
    return SeriesFacts.model_validate(facts)


def _first_value(ds: Dataset, keyword: str) -> str | None:
    """First value of an attribute as written (case kept), or None when absent or unreadable."""
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError, OverflowError):
        return None
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if len(value) else None
    return None if value is None else (str(value).strip() or None)


def _geometry(volume: Sequence[Dataset], rules: QCRules) -> dict[str, object]:
    try:
        slices = [read_slice(ds) for ds in volume]
    except Malformed:
        return {}
    normal = slices[0].normal
    along = [dot(s.position, normal) for s in slices]
    distinct = [min(along[i] for i in g) for g in position_clusters(along, rules.position_tolerance_mm)]
    spacing = statistics.median(b - a for a, b in itertools.pairwise(distinct)) if len(distinct) > 1 else None
    thicknesses = [t for t in (lenient_number(ds, "SliceThickness") for ds in volume) if t is not None and t > 0]
    thickness = statistics.median(thicknesses) if thicknesses else None
    fit = fit_stack([s.position for s in slices], along, normal, rules.stack_alignment_tolerance_mm)
    extent = distinct[-1] - distinct[0] + spacing if spacing is not None else thickness
    pixel = slices[0].pixel_spacing
    return {
        "plane": plane(normal, rules.plane_tolerance_deg),
        "slice_count": len(distinct),
        "slice_thickness_mm": thickness,
        "slice_spacing_mm": None if spacing is None else round(spacing, 4),
        "pixel_spacing_mm": None if pixel is None else max(pixel),
        "extent_mm": None if extent is None else round(extent, 3),
        "gantry_tilt_deg": None if fit is None else round(fit.tilt_deg, 3),
    }
