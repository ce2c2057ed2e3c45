"""Pixel sanity of a few sampled instances per series. Pure functions on pydicom datasets with pixel data.

Per instance: pixel data present; it decodes under its transfer syntax (a decoder this installation lacks
is an ERROR, not a verdict on the data); not all one value; no NaN or infinity in float images; stored
values within Bits Stored; CT values in a plausible Hounsfield range after Rescale Slope / Intercept.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydicom import Dataset, dcmread
from pydicom.pixels.decoders.base import get_decoder
from pydicom.pixels.utils import pixel_array

from contracts import QCFinding, Verdict
from services.qc.codes import Code
from services.qc.geometry import Malformed, dot, instance_number, integer, lenient_number, read_slice, text, texts
from services.qc.rules import QCRules

PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")

_MESSAGES = {
    Code.MISSING_PIXEL_DATA: "Sampled images carry no pixel data.",
    Code.PIXEL_DECODER_UNAVAILABLE: "No decoder for the transfer syntax is installed; pixels were not checked.",
    Code.UNDECODABLE_PIXEL_DATA: "Pixel data does not decode under its transfer syntax.",
    Code.CONSTANT_PIXEL_DATA: "Every pixel of a sampled image has the same value.",
    Code.NON_FINITE_PIXELS: "A float image holds NaN or infinite values.",
    Code.BIT_DEPTH_INCONSISTENT: "Stored values or bit depth attributes disagree with Bits Stored.",
    Code.HU_OUT_OF_RANGE: "CT values after Rescale Slope / Intercept fall outside the plausible range.",
    Code.UNREADABLE_INSTANCE: "A sampled instance file is not readable DICOM.",
    Code.PIXEL_DATA_UNAVAILABLE: "A sampled instance listed in the series is not in the archive any more.",
}


@dataclass(frozen=True)
class SampleFailure:
    """A sampled instance that could not be inspected: gone from the archive, or not a readable file."""

    reason: Literal["unavailable", "unreadable"]
    instance_number: int | None = None


Sample = Dataset | SampleFailure


@dataclass(frozen=True)
class PixelProblem:
    code: Code
    verdict: Verdict
    detail: dict[str, Any]


class UnreadableInstance(Exception):
    """The bytes are not a DICOM file pydicom can read."""


def read_instance(data: bytes) -> Dataset:
    """A dataset with its pixel data from a downloaded instance file."""
    try:
        return dcmread(io.BytesIO(data))
    except Exception as exc:  # pydicom raises many types on a broken file; only the type name is kept
        raise UnreadableInstance(type(exc).__name__) from None


# ---------------------------------------------------------------- sampling


def choose_samples(datasets: Sequence[Dataset], count: int) -> list[int]:
    """Indices of the instances to download: first, middle and last by slice position (by InstanceNumber
    when positions cannot be read), then evenly spaced ones up to `count`. Localizers are left out of a
    series that has other images. [] when `count` is 0."""
    if count <= 0 or not datasets:
        return []
    candidates = [i for i, ds in enumerate(datasets) if "LOCALIZER" not in texts(ds, "ImageType")]
    candidates = candidates or list(range(len(datasets)))
    ordered = _by_position(datasets, candidates) or sorted(
        candidates, key=lambda i: (instance_number(datasets[i]) is None, instance_number(datasets[i]) or 0, i)
    )
    n = len(ordered)
    if n <= count:
        return ordered
    picks = [0, (n - 1) // 2, n - 1]
    extra = count - len(set(picks))
    picks += [round(k * (n - 1) / (extra + 1)) for k in range(1, extra + 1)]
    chosen = sorted(set(picks))
    k = 1
    while len(chosen) < count:  # rounding collided: fill from the start
        if k not in chosen:
            chosen.append(k)
        k += 1
    return [ordered[p] for p in sorted(chosen)]


def _by_position(datasets: Sequence[Dataset], candidates: Sequence[int]) -> list[int] | None:
    try:
        slices = {i: read_slice(datasets[i]) for i in candidates}
    except Malformed:
        return None
    normal = slices[candidates[0]].normal
    return sorted(candidates, key=lambda i: (dot(slices[i].position, normal), i))


# ---------------------------------------------------------------- one instance


def _transfer_syntax(ds: Dataset) -> str | None:
    meta = getattr(ds, "file_meta", None)
    uid = meta.get("TransferSyntaxUID") if meta is not None else None
    return str(uid) if uid else None


def inspect_pixels(ds: Dataset, rules: QCRules) -> list[PixelProblem]:
    """The problems of one instance's pixel data ([] when sane)."""
    keyword = next((k for k in PIXEL_KEYWORDS if k in ds), None)
    if keyword is None:
        return [PixelProblem(Code.MISSING_PIXEL_DATA, Verdict.FAIL, {})]
    syntax = _transfer_syntax(ds)
    if syntax is None:
        return [PixelProblem(Code.UNDECODABLE_PIXEL_DATA, Verdict.FAIL, {"problem": "no_transfer_syntax"})]
    try:
        available = get_decoder(syntax).is_available
    except NotImplementedError:
        available = False
    if not available:
        return [PixelProblem(Code.PIXEL_DECODER_UNAVAILABLE, Verdict.ERROR, {"transfer_syntax": syntax})]
    problems: list[PixelProblem] = []
    bits = _bits(ds) if keyword == "PixelData" else None
    if bits is not None and (bits[1] > bits[0] or bits[2] != bits[1] - 1):
        problems.append(PixelProblem(Code.BIT_DEPTH_INCONSISTENT, Verdict.FAIL, {
            "problem": "attributes", "bits_allocated": bits[0], "bits_stored": bits[1], "high_bit": bits[2]}))
    try:
        arr = np.asarray(pixel_array(ds, correct_unused_bits=False))
    except Exception as exc:  # decoders raise many types; only the type name is kept (no values)
        problems.append(PixelProblem(Code.UNDECODABLE_PIXEL_DATA, Verdict.FAIL,
                                     {"transfer_syntax": syntax, "error": type(exc).__name__}))
        return problems
    if arr.size == 0:
        problems.append(PixelProblem(Code.UNDECODABLE_PIXEL_DATA, Verdict.FAIL,
                                     {"transfer_syntax": syntax, "problem": "empty"}))
        return problems
    values = arr
    if np.issubdtype(arr.dtype, np.floating):
        nan, inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
        if nan or inf:
            problems.append(PixelProblem(Code.NON_FINITE_PIXELS, Verdict.FAIL, {"nan_count": nan, "inf_count": inf}))
        values = arr[np.isfinite(arr)]
    elif bits is not None and not problems:
        outside = _outside_bits_stored(arr, bits[1], signed=(integer(ds, "PixelRepresentation") or 0) == 1)
        if outside:
            problems.append(PixelProblem(Code.BIT_DEPTH_INCONSISTENT, Verdict.FAIL, {
                "problem": "values", "bits_allocated": bits[0], "bits_stored": bits[1], "pixels_outside": outside}))
    if values.size and values.min() == values.max():
        problems.append(PixelProblem(Code.CONSTANT_PIXEL_DATA, Verdict.FAIL, {"value": float(values.flat[0])}))
    elif text(ds, "Modality") == "CT" and np.issubdtype(arr.dtype, np.integer) and not problems:
        problem = _hounsfield(ds, arr, rules)
        if problem is not None:
            problems.append(problem)
    return problems


def _bits(ds: Dataset) -> tuple[int, int, int] | None:
    try:
        allocated, stored, high = integer(ds, "BitsAllocated"), integer(ds, "BitsStored"), integer(ds, "HighBit")
    except Malformed:
        return None
    if allocated is None or stored is None or high is None:
        return None
    return allocated, stored, high


def _outside_bits_stored(arr: np.ndarray[Any, Any], bits_stored: int, *, signed: bool) -> int:
    """Pixels whose bits above Bits Stored are neither zero nor (signed data) the sign extension."""
    if arr.dtype.itemsize * 8 <= bits_stored:
        return 0
    raw = arr.astype(np.int64)
    if signed:
        low, high = -(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1
        zero_padded = (raw >= 0) & (raw < (1 << bits_stored))  # two's complement without sign extension
        return int((((raw < low) | (raw > high)) & ~zero_padded).sum())
    return int(((raw < 0) | (raw >= (1 << bits_stored))).sum())


def _hounsfield(ds: Dataset, arr: np.ndarray[Any, Any], rules: QCRules) -> PixelProblem | None:
    """CT values after rescale, padding left out: declared Pixel Padding Value (and Range Limit), or else the
    lowest stored value when it maps below the range (the area outside the reconstruction circle)."""
    slope = lenient_number(ds, "RescaleSlope")
    intercept = lenient_number(ds, "RescaleIntercept")
    slope = 1.0 if slope is None else slope
    intercept = 0.0 if intercept is None else intercept
    low, high = rules.ct_hu_range
    stored = arr.ravel().astype(np.float64)
    padding = lenient_number(ds, "PixelPaddingValue")
    if padding is not None:
        limit = lenient_number(ds, "PixelPaddingRangeLimit")
        lo, hi = sorted((padding, padding if limit is None else limit))
        stored = stored[(stored < lo) | (stored > hi)]
    elif stored.size and stored.min() * slope + intercept < low:
        stored = stored[stored != stored.min()]
    if not stored.size:
        return None
    hu = stored * slope + intercept
    fraction = float(((hu < low) | (hu > high)).mean())
    if fraction <= rules.ct_hu_max_outside_fraction:
        return None
    return PixelProblem(Code.HU_OUT_OF_RANGE, Verdict.FAIL, {
        "fraction_outside": round(fraction, 4),
        "range_hu": [low, high],
        "min_hu": round(float(hu.min()), 1),
        "max_hu": round(float(hu.max()), 1),
        "rescale_slope": slope,
        "rescale_intercept": intercept,
    })


# ---------------------------------------------------------------- a series' samples


def check_pixels(samples: Sequence[Sample], rules: QCRules) -> list[QCFinding]:
    """One finding per problem code over the sampled instances, quoting each affected instance's values."""
    grouped: dict[tuple[Code, Verdict], list[dict[str, Any]]] = {}
    for sample in samples:
        if isinstance(sample, SampleFailure):
            code, verdict = (
                (Code.PIXEL_DATA_UNAVAILABLE, Verdict.ERROR) if sample.reason == "unavailable"
                else (Code.UNREADABLE_INSTANCE, Verdict.FAIL)
            )
            grouped.setdefault((code, verdict), []).append({"instance_number": sample.instance_number})
            continue
        for problem in inspect_pixels(sample, rules):
            entry = {"instance_number": instance_number(sample), **problem.detail}
            grouped.setdefault((problem.code, problem.verdict), []).append(entry)
    return [
        QCFinding(
            code=code.value,
            verdict=verdict,
            message=_MESSAGES[code],
            evidence={
                "instance_count": len(entries),
                "sampled": len(samples),
                "instances": entries[: rules.max_evidence_items],
            },
        )
        for (code, verdict), entries in grouped.items()
    ]
