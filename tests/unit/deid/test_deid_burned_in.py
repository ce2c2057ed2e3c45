"""Burned-in text guard and the PHI-free failure paths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest

from contracts.errors import DataRejected
from services.deid.burned_in import load_burned_in_policy
from services.deid.deidentify import Deidentifier
from tests.unit.deid.helpers import DEID_DATA, encode, rich_ct, sample_path, strict_read

Engine = Callable[..., Deidentifier]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        (DEID_DATA / "ultrasounds" / "GREYSCALE_IMAGE.dcm", "is YES"),
        (DEID_DATA / "ultrasounds" / "ultrasound-multiframe.dcm", "is YES"),
        (DEID_DATA / "ultrasounds" / "RGB_IMAGE.dcm", "absent for modality US"),
        (DEID_DATA / "humans" / "ctbrain1.dcm", "absent for SOP class 1.2.840.10008.5.1.4.1.1.7"),
        (sample_path("SC_rgb_rle.dcm"), "absent for modality OT"),
    ],
)
def test_burned_in_instances_are_rejected(basic: Deidentifier, path: Path, detail: str) -> None:
    raw = path.read_bytes()
    with pytest.raises(DataRejected) as excinfo:
        basic.deidentify_file(raw)
    assert excinfo.value.reason == "burned_in_annotation"
    assert detail in excinfo.value.detail
    original = pydicom.dcmread(path, force=True)
    for keyword in ("PatientName", "PatientID", "StudyInstanceUID", "InstitutionName"):
        value = str(original.get(keyword, "") or "")
        if len(value) >= 3:
            assert value not in str(excinfo.value), keyword


def test_allow_burned_in_lets_them_through(engine_for: Engine) -> None:
    raw = (DEID_DATA / "ultrasounds" / "GREYSCALE_IMAGE.dcm").read_bytes()
    output, _ = engine_for(allow_burned_in=True).deidentify_file(raw)
    assert pydicom.dcmread(pydicom.filebase.DicomBytesIO(output)).BurnedInAnnotation == "YES"


def test_explicit_no_passes(basic: Deidentifier) -> None:
    raw = (DEID_DATA / "animals" / "cat.dcm").read_bytes()  # DX with Burned In Annotation NO
    out = strict_read(basic.deidentify_file(raw)[0])
    assert out.Modality == "DX"


def test_yes_is_rejected_for_any_modality(basic: Deidentifier) -> None:
    ds = rich_ct()
    ds.BurnedInAnnotation = "YES"
    with pytest.raises(DataRejected, match="burned_in_annotation"):
        basic.deidentify_file(encode(ds))
    ds.BurnedInAnnotation = "NO"
    basic.deidentify_file(encode(ds))


def test_ct_without_the_attribute_passes(basic: Deidentifier) -> None:
    assert "BurnedInAnnotation" not in rich_ct()
    basic.deidentify_file(encode(rich_ct()))


def test_policy_file() -> None:
    policy = load_burned_in_policy()
    assert {"US", "XA", "DX", "OT"} <= policy.modalities
    assert "CT" not in policy.modalities
    assert "1.2.840.10008.5.1.4.1.1.7" in policy.sop_classes


@pytest.mark.parametrize(
    "mutilate",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: raw[:140] + b"\xff" * 64,  # garbage after the preamble
        lambda raw: b"",
    ],
)
def test_malformed_input_is_rejected_without_values(basic: Deidentifier, mutilate: Callable[[bytes], bytes]) -> None:
    raw = encode(rich_ct())
    with pytest.raises(DataRejected) as excinfo:
        basic.deidentify_file(mutilate(raw))
    assert excinfo.value.reason == "malformed_dicom"
    for secret in ("DOE", "JANE", "MRN-778812", "1.3.6.1.4.1.5962"):
        assert secret not in str(excinfo.value)


def test_report_has_no_values(research: Deidentifier) -> None:
    source = rich_ct()
    _, report = research.deidentify_file(encode(source))
    text = repr(report)
    for secret in ("DOE", "JANE", "MRN-778812", source.SOPInstanceUID, "CT CHEST", "Springfield", "20040119"):
        assert secret not in text
    assert all(code in {"D", "Z", "X", "K", "C", "U"} for _, code in report.actions)
    assert all(path.startswith("(") for path, _ in report.actions)
