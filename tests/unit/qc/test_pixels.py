"""Pixel sanity on real files: decodes under its transfer syntax, not constant, finite, within Bits Stored,
plausible Hounsfield units; and the choice of instances to sample."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from pydicom import Dataset
from pydicom.pixels.decoders.base import get_decoder
from pydicom.uid import UID

from contracts import Verdict
from services.qc.codes import Code
from services.qc.pixels import (
    Sample,
    SampleFailure,
    UnreadableInstance,
    check_pixels,
    choose_samples,
    inspect_pixels,
    read_instance,
)
from services.qc.rules import QCRules
from tests.unit.series import build_series, header_only, localizers, read

CLEAN = [
    "CT_small.dcm", "MR_small.dcm", "693_UNCR.dcm", "MR2_UNCR.dcm",  # native
    "693_J2KR.dcm", "MR2_J2KR.dcm", "MR_small_jp2klossless.dcm",  # JPEG 2000
    "MR_small_RLE.dcm", "emri_small_RLE.dcm",  # RLE (single and multi-frame)
    "MR_small_jpeg_ls_lossless.dcm",  # JPEG-LS
    "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "SC_rgb.dcm", "US1_UNCR.dcm",
]


pytestmark = pytest.mark.usefixtures("strict_pydicom")


def _codes(ds: Dataset, rules: QCRules) -> set[str]:
    return {p.code for p in inspect_pixels(ds, rules)}


def _decodable(name: str) -> bool:
    return bool(get_decoder(read(name).file_meta.TransferSyntaxUID).is_available)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_files_have_sane_pixels(name: str, rules: QCRules) -> None:
    if not _decodable(name):
        pytest.skip("no decoder installed for this transfer syntax")
    assert inspect_pixels(read(name), rules) == []


# ---------------------------------------------------------------- decoding


@pytest.mark.parametrize("name", ["CT_small.dcm", "693_UNCR.dcm", "MR_small_RLE.dcm", "693_J2KR.dcm"])
def test_truncated_pixel_data_does_not_decode(name: str, rules: QCRules) -> None:
    ds = read(name)
    ds.PixelData = ds.PixelData[: len(ds.PixelData) // 3 * 2 // 2 * 2]
    (problem,) = inspect_pixels(ds, rules)
    assert (problem.code, problem.verdict) == (Code.UNDECODABLE_PIXEL_DATA, Verdict.FAIL)
    assert problem.detail["transfer_syntax"] == str(ds.file_meta.TransferSyntaxUID)
    assert problem.detail["error"] in {"ValueError", "RuntimeError"}


def test_unknown_transfer_syntax_is_an_error_not_a_verdict(rules: QCRules) -> None:
    ds = read("CT_small.dcm")
    ds.file_meta.TransferSyntaxUID = UID("1.2.826.0.1.3680043.10.1441.99")  # no decoder anywhere
    (problem,) = inspect_pixels(ds, rules)
    assert (problem.code, problem.verdict) == (Code.PIXEL_DECODER_UNAVAILABLE, Verdict.ERROR)
    assert problem.detail == {"transfer_syntax": "1.2.826.0.1.3680043.10.1441.99"}


def test_jpeg_lossless_without_its_plugin_is_an_error(rules: QCRules) -> None:
    ds = read("bad_sequence.dcm")  # JPEG Lossless SV1: needs gdcm or pylibjpeg-libjpeg
    if get_decoder(ds.file_meta.TransferSyntaxUID).is_available:
        pytest.skip("a JPEG Lossless decoder is installed here")
    assert _codes(ds, rules) == {Code.PIXEL_DECODER_UNAVAILABLE}


def test_header_only_dataset_has_no_pixel_data(rules: QCRules) -> None:
    assert _codes(header_only(read("CT_small.dcm")), rules) == {Code.MISSING_PIXEL_DATA}


def test_dataset_without_transfer_syntax(rules: QCRules) -> None:
    ds = read("CT_small.dcm")
    del ds.file_meta.TransferSyntaxUID
    (problem,) = inspect_pixels(ds, rules)
    assert (problem.code, problem.detail) == (Code.UNDECODABLE_PIXEL_DATA, {"problem": "no_transfer_syntax"})


# ---------------------------------------------------------------- values


@pytest.mark.parametrize("name", ["CT_small.dcm", "MR2_UNCR.dcm", "MR_small_RLE.dcm"])
def test_constant_image(name: str, rules: QCRules) -> None:
    ds = read(name)
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        ds.decompress()
    ds.PixelData = np.full_like(ds.pixel_array, 7).tobytes()
    (problem,) = inspect_pixels(ds, rules)
    assert (problem.code, problem.detail) == (Code.CONSTANT_PIXEL_DATA, {"value": 7.0})


def _as_float(ds: Dataset, *, double: bool = False) -> np.ndarray[Any, Any]:
    arr = ds.pixel_array.astype(np.float64 if double else np.float32)
    del ds.PixelData
    if double:
        ds.DoubleFloatPixelData = arr.tobytes()
        ds.BitsAllocated = 64
    else:
        ds.FloatPixelData = arr.tobytes()
        ds.BitsAllocated = 32
    return arr


@pytest.mark.parametrize("double", [False, True])
def test_float_image_with_nan_and_infinity(double: bool, rules: QCRules) -> None:
    ds = read("MR_small.dcm")
    arr = _as_float(ds, double=double)
    assert inspect_pixels(ds, rules) == []
    arr[3, 3], arr[4, 4], arr[5, 5] = np.nan, np.nan, -np.inf
    setattr(ds, "DoubleFloatPixelData" if double else "FloatPixelData", arr.tobytes())
    (problem,) = inspect_pixels(ds, rules)
    assert (problem.code, problem.detail) == (Code.NON_FINITE_PIXELS, {"nan_count": 2, "inf_count": 1})


def test_values_beyond_bits_stored(rules: QCRules) -> None:
    ds = read("MR2_UNCR.dcm")  # unsigned, 12 of 16 bits
    arr = ds.pixel_array.copy()
    arr[0, :5] = 5000
    ds.PixelData = arr.tobytes()
    (problem,) = inspect_pixels(ds, rules)
    assert (problem.code, problem.verdict) == (Code.BIT_DEPTH_INCONSISTENT, Verdict.FAIL)
    assert problem.detail == {"problem": "values", "bits_allocated": 16, "bits_stored": 12, "pixels_outside": 5}


def test_signed_values_sign_extended_or_zero_padded_are_within_bits_stored(rules: QCRules) -> None:
    ds = read("693_UNCR.dcm")  # signed, 14 of 16 bits, -2000 padding sign-extended
    assert inspect_pixels(ds, rules) == []
    raw = ds.pixel_array.view(np.uint16) & 0x3FFF  # the same values without sign extension
    ds.PixelData = raw.tobytes()
    assert Code.BIT_DEPTH_INCONSISTENT not in _codes(ds, rules)


def test_bits_stored_too_small_for_the_values(rules: QCRules) -> None:
    ds = read("CT_small.dcm")  # values up to 2191
    ds.BitsStored, ds.HighBit = 10, 9
    assert _codes(ds, rules) == {Code.BIT_DEPTH_INCONSISTENT}


def test_high_bit_disagreeing_with_bits_stored(rules: QCRules) -> None:
    ds = read("MR2_UNCR.dcm")
    ds.HighBit = 15
    (problem,) = inspect_pixels(ds, rules)
    assert problem.detail == {"problem": "attributes", "bits_allocated": 16, "bits_stored": 12, "high_bit": 15}


@pytest.mark.parametrize(
    ("attribute", "value"), [("RescaleIntercept", 3000), ("RescaleIntercept", -5000), ("RescaleSlope", 25)]
)
def test_implausible_hounsfield_units(attribute: str, value: float, rules: QCRules) -> None:
    ds = read("CT_small.dcm")
    setattr(ds, attribute, value)
    (problem,) = inspect_pixels(ds, rules)
    assert (problem.code, problem.verdict) == (Code.HU_OUT_OF_RANGE, Verdict.FAIL)
    assert problem.detail["fraction_outside"] > rules.ct_hu_max_outside_fraction
    assert problem.detail["range_hu"] == list(rules.ct_hu_range)


def test_padding_outside_the_reconstruction_circle_is_left_out(rules: QCRules) -> None:
    ds = read("693_UNCR.dcm")  # -2000 stored (-3024 HU) outside the circle, declared as Pixel Padding Value
    hu = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert (hu < rules.ct_hu_range[0]).mean() > 0.1
    assert inspect_pixels(ds, rules) == []
    del ds.PixelPaddingValue  # undeclared: the lowest value below the range is still taken as padding
    assert inspect_pixels(ds, rules) == []


def test_mr_values_are_not_hounsfield_units(rules: QCRules) -> None:
    ds = read("MR2_UNCR.dcm")
    ds.RescaleIntercept = 5000
    assert inspect_pixels(ds, rules) == []


# ---------------------------------------------------------------- a series' samples


def test_check_pixels_groups_problems_by_code(rules: QCRules) -> None:
    slices = build_series(count=6)
    for ds in slices[1:3]:
        ds.PixelData = ds.PixelData[:100]
    samples: list[Sample] = [*slices, SampleFailure("unavailable", 41), SampleFailure("unreadable", 42)]
    findings = {f.code: f for f in check_pixels(samples, rules)}
    assert set(findings) == {Code.UNDECODABLE_PIXEL_DATA, Code.PIXEL_DATA_UNAVAILABLE, Code.UNREADABLE_INSTANCE}
    undecodable = findings[Code.UNDECODABLE_PIXEL_DATA]
    assert undecodable.verdict is Verdict.FAIL
    assert undecodable.evidence["instance_count"] == 2
    assert undecodable.evidence["sampled"] == 8
    assert [i["instance_number"] for i in undecodable.evidence["instances"]] == [2, 3]
    assert findings[Code.PIXEL_DATA_UNAVAILABLE].verdict is Verdict.ERROR
    assert findings[Code.PIXEL_DATA_UNAVAILABLE].evidence["instances"] == [{"instance_number": 41}]
    assert findings[Code.UNREADABLE_INSTANCE].verdict is Verdict.FAIL


def test_read_instance(rules: QCRules) -> None:
    buffer = io.BytesIO()
    read("CT_small.dcm").save_as(buffer, enforce_file_format=True)
    assert inspect_pixels(read_instance(buffer.getvalue()), rules) == []
    with pytest.raises(UnreadableInstance):
        read_instance(b"\x00" * 10)


@pytest.mark.parametrize("order", ["ascending", "reversed", "shuffled"])
def test_samples_are_first_middle_and_last_by_position(order: str) -> None:
    slices = build_series(count=9, spacing=2.0, origin=(0.0, 0.0, 0.0), order=order, headers=True)
    picked = [float(slices[i].ImagePositionPatient[2]) for i in choose_samples(slices, 3)]
    assert picked == [0.0, 8.0, 16.0]


def test_more_samples_are_evenly_spaced() -> None:
    slices = build_series(count=21, spacing=1.0, origin=(0.0, 0.0, 0.0), order="shuffled", headers=True)
    picked = [float(slices[i].ImagePositionPatient[2]) for i in choose_samples(slices, 5)]
    assert picked == [0.0, 7.0, 10.0, 13.0, 20.0]


def test_sampling_edge_cases() -> None:
    slices = build_series(count=4, headers=True)
    assert choose_samples(slices, 0) == []
    assert sorted(choose_samples(slices, 5)) == [0, 1, 2, 3]
    with_scouts = [*localizers(slices), *slices]
    assert all(i >= 2 for i in choose_samples(with_scouts, 3))  # localizers left out
    for ds in slices:
        del ds.ImagePositionPatient
    by_number = choose_samples(slices, 3)
    assert sorted(int(slices[i].InstanceNumber) for i in by_number) == [1, 2, 4]
