"""Pixel OCR (tesseract): text burned into ultrasound pixels is found, CT pixels are clean; counts only."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from contracts.errors import DataRejected
from services.deid.deidentify import Deidentifier
from services.deid.ocr import OcrMode, OcrStatus, PixelTextDetector, frame_indices
from services.deid.profile import DeidProfile, ProfileError, load_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import DEID_DATA, encode, lenient_read, sample_path, strict_read

ULTRASOUNDS = [
    DEID_DATA / "ultrasounds" / "GREYSCALE_IMAGE.dcm",  # MONOCHROME2, Burned In Annotation YES
    DEID_DATA / "ultrasounds" / "RGB_IMAGE.dcm",
    DEID_DATA / "ultrasounds" / "ultrasound-multiframe.dcm",  # 30 RGB frames
]
# Words tesseract reads on these images: none may reach a report, a message or an exception.
READ_ON_THE_IMAGES = ("DOWNTIME", "CLEVELAND", "CCHS", "DOB", "Breast", "SIEMENS", "bpm")


@pytest.fixture(scope="module")
def detector() -> PixelTextDetector:
    return PixelTextDetector()


def _engine(mode: str, pseudonymizer: Pseudonymizer, detector: PixelTextDetector | None = None) -> Deidentifier:
    profile = DeidProfile(name="ocr", version="1", allow_burned_in=True, ocr=OcrMode(mode))
    return Deidentifier(profile, pseudonymizer, ocr=detector)


@pytest.mark.parametrize("path", ULTRASOUNDS, ids=lambda p: p.name)
def test_reject_refuses_text_in_ultrasound_pixels(
    path: Path, pseudonymizer: Pseudonymizer, detector: PixelTextDetector
) -> None:
    with pytest.raises(DataRejected) as excinfo:
        _engine("reject", pseudonymizer, detector).deidentify_file(path.read_bytes())
    assert excinfo.value.reason == "burned_in_text_detected"
    assert "word(s) with confidence >= 60" in excinfo.value.detail
    for word in READ_ON_THE_IMAGES:
        assert word.lower() not in str(excinfo.value).lower()


@pytest.mark.parametrize("path", ULTRASOUNDS, ids=lambda p: p.name)
def test_flag_records_counts_and_lets_the_instance_through(
    path: Path, pseudonymizer: Pseudonymizer, detector: PixelTextDetector
) -> None:
    output, report = _engine("flag", pseudonymizer, detector).deidentify_file(path.read_bytes())
    assert report.ocr is not None
    assert report.ocr.status is OcrStatus.TEXT_FOUND
    assert report.ocr.words >= 2
    assert report.ocr.mean_confidence is not None and report.ocr.mean_confidence >= 60
    assert 1 <= report.ocr.frames_checked <= 3
    for word in READ_ON_THE_IMAGES:
        assert word.lower() not in repr(report).lower()
    assert lenient_read(output).PixelData == lenient_read(path.read_bytes()).PixelData


@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small.dcm", "CT_small.dcm:implicit"])
def test_ct_and_mr_pixels_are_clean(name: str, pseudonymizer: Pseudonymizer, detector: PixelTextDetector) -> None:
    file_name, _, variant = name.partition(":")
    raw = sample_path(file_name).read_bytes()
    if variant:
        raw = encode(pydicom.dcmread(sample_path(file_name)), implicit=True)
    output, report = _engine("reject", pseudonymizer, detector).deidentify_file(raw)
    assert report.ocr is not None
    assert report.ocr.status is OcrStatus.CLEAN
    assert report.ocr.frames_checked == 1
    strict_read(output)


def test_multiframe_reads_first_middle_and_last(detector: PixelTextDetector) -> None:
    assert frame_indices(30, 3) == [0, 14, 29]  # round(14.5) is 14
    assert frame_indices(2, 3) == [0, 1]
    assert frame_indices(10, 1) == [0]
    result = detector.check((DEID_DATA / "ultrasounds" / "ultrasound-multiframe.dcm").read_bytes())
    assert result.frames_checked == 3


def test_no_pixels(pseudonymizer: Pseudonymizer, detector: PixelTextDetector) -> None:
    _, report = _engine("reject", pseudonymizer, detector).deidentify_file(sample_path("rtstruct.dcm").read_bytes())
    assert report.ocr is not None and report.ocr.status is OcrStatus.NO_PIXELS


def test_unreadable_pixels_fail_closed_in_reject_mode(
    pseudonymizer: Pseudonymizer, detector: PixelTextDetector
) -> None:
    ds = pydicom.dcmread(sample_path("JPEG2000.dcm"))
    frame = bytearray(pydicom.encaps.generate_frames(ds.PixelData, number_of_frames=1).__next__())
    frame[2:] = b"\x00" * (len(frame) - 2)  # keep the SOC marker, wipe the codestream
    ds.PixelData = pydicom.encaps.encapsulate([bytes(frame)])
    raw = encode_as_is(ds)
    with pytest.raises(DataRejected) as excinfo:
        _engine("reject", pseudonymizer, detector).deidentify_file(raw)
    assert excinfo.value.reason == "pixel_ocr_failed"
    _, report = _engine("flag", pseudonymizer, detector).deidentify_file(raw)
    assert report.ocr is not None and report.ocr.status is OcrStatus.UNREADABLE and report.ocr.failure


def encode_as_is(ds: pydicom.Dataset) -> bytes:
    """Write a Dataset in its own transfer syntax."""
    buffer = pydicom.filebase.DicomBytesIO()
    pydicom.dcmwrite(buffer, ds, enforce_file_format=True)
    return bytes(buffer.getvalue())


def test_off_never_reads_pixels(pseudonymizer: Pseudonymizer) -> None:
    class Exploding(PixelTextDetector):
        def __init__(self) -> None:
            pass

        def check(self, raw: bytes) -> object:  # type: ignore[override]
            raise AssertionError("OCR ran with OCR off")

    engine = _engine("off", pseudonymizer, Exploding())
    _, report = engine.deidentify_file((DEID_DATA / "ultrasounds" / "GREYSCALE_IMAGE.dcm").read_bytes())
    assert report.ocr is None


@pytest.mark.parametrize(
    ("line", "expected"), [("ocr: off", OcrMode.OFF), ("ocr: flag", OcrMode.FLAG), ("ocr: reject", OcrMode.REJECT)]
)
def test_profile_setting(tmp_path: Path, line: str, expected: OcrMode) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nversion: '1'\n{line}\n", encoding="utf-8")
    assert load_profile(path).ocr is expected


@pytest.mark.parametrize("line", ["ocr: on", "ocr: maybe", "ocr_min_confidence: 120", "ocr_max_frames: 0"])
def test_bad_profile_setting_is_named(tmp_path: Path, line: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nversion: '1'\n{line}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=f"p.yaml: {line.split(':')[0]}"):
        load_profile(path)
