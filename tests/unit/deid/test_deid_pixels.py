"""Corrupt pixel data is refused at the de-identification gate; intact files of every kind pass."""

from __future__ import annotations

import io

import pydicom
import pytest

from contracts import DataRejected
from services.deid.deidentify import Deidentifier
from services.deid.pixels import expected_pixel_bytes
from tests.unit.deid.helpers import encode, read_bytes, sample_path


def truncated(name: str, keep: int) -> bytes:
    ds = pydicom.dcmread(sample_path(name))
    ds.PixelData = ds.PixelData[:keep]
    return encode(ds)


@pytest.mark.parametrize(
    "name",
    ["CT_small.dcm", "MR_small.dcm", "emri_small.dcm", "SC_rgb.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm",
     "rtdose.dcm", "liver.dcm"],
)
def test_intact_pixel_data_passes(basic: Deidentifier, name: str) -> None:
    raw = read_bytes(name)
    output, _ = Deidentifier(basic.profile.model_copy(update={"allow_burned_in": True}),
                             basic.pseudonymizer).deidentify_file(raw)
    assert pydicom.dcmread(sample_path(name)).PixelData == pydicom.dcmread(io.BytesIO(output)).PixelData


@pytest.mark.parametrize(("name", "keep"), [("CT_small.dcm", 1000), ("emri_small.dcm", 8192 * 9)])
def test_short_native_pixel_data_is_refused(basic: Deidentifier, name: str, keep: int) -> None:
    with pytest.raises(DataRejected) as caught:
        basic.deidentify_file(truncated(name, keep))
    assert caught.value.reason == "pixel_data_truncated"
    assert str(keep) in caught.value.detail


@pytest.mark.parametrize(
    ("dims", "needed"),
    [((512, 512, 1, 16, 1), 524288), ((64, 64, 3, 8, 2), 24576), ((10, 10, 1, 1, 1), 13)],
)
def test_expected_bytes_follow_ps3_5(dims: tuple[int, int, int, int, int], needed: int) -> None:
    assert expected_pixel_bytes(*dims) == needed
