"""Real files from pydicom, pydicom-data and deid-data through both shipped profiles.

Every output must re-read under strict validation, keep the image (pixel bytes, geometry, SOP class,
transfer syntax) and lose the identifiers it started with.
"""

from __future__ import annotations

import io
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset

from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import DEID_DATA, lenient_read, sample_path, strict_read

FILES = [
    "CT_small.dcm",  # explicit VR LE, GE private groups, trailing padding
    "MR_small.dcm",
    "MR_small_implicit.dcm",  # implicit VR LE
    "MR_small_bigendian.dcm",  # explicit VR BE
    "image_dfl.dcm",  # deflated
    "JPEG2000.dcm",  # encapsulated pixel data
    "emri_small_RLE.dcm",  # encapsulated, multi-frame
    "rtstruct.dcm",  # deep sequences with references
    "rtplan.dcm",
    "rtdose.dcm",
    "test-SR.dcm",  # structured report
    "waveform_ecg.dcm",
    "liver.dcm",  # pydicom-data: segmentation
    "MR-SIEMENS-DICOM-WithOverlays.dcm",  # pydicom-data: Siemens CSA headers and overlays
    "explicit_VR-UN.dcm",  # pydicom-data
    "SC_rgb_rle.dcm",  # secondary capture (needs allow_burned_in)
    DEID_DATA / "humans" / "ctbrain1.dcm",  # SC with CT modality, JPEG baseline
    DEID_DATA / "animals" / "cat.dcm",  # DX, Burned In Annotation NO
    DEID_DATA / "dicom-cookies" / "image4.dcm",
]

IDENTIFYING = ("PatientName", "PatientID", "OtherPatientIDs", "PatientBirthName", "ReferringPhysicianName",
               "OperatorsName", "PerformingPhysicianName", "InstitutionAddress", "PatientAddress")  # fmt: skip
INSTANCE_UIDS = ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID")


def _raw(name: str | Path) -> bytes:
    return (sample_path(name) if isinstance(name, str) else name).read_bytes()


def _engine(profile: str, pseudonymizer: Pseudonymizer) -> Deidentifier:
    return Deidentifier(builtin_profile(profile).model_copy(update={"allow_burned_in": True}), pseudonymizer)


@pytest.fixture(params=FILES, ids=lambda name: getattr(name, "name", name))
def source(request: pytest.FixtureRequest) -> tuple[bytes, Dataset]:
    raw = _raw(request.param)
    return raw, lenient_read(raw)


@pytest.mark.parametrize("profile", ["basic", "research"])
def test_output_is_valid_and_keeps_the_image(
    source: tuple[bytes, Dataset], profile: str, pseudonymizer: Pseudonymizer
) -> None:
    raw, original = source
    output, report = _engine(profile, pseudonymizer).deidentify_file(raw)
    out = strict_read(output)

    assert out.file_meta.TransferSyntaxUID == original.file_meta.get(
        "TransferSyntaxUID", pydicom.uid.ImplicitVRLittleEndian
    )
    for keyword in ("SOPClassUID", "Rows", "Columns", "BitsAllocated", "PhotometricInterpretation",
                    "NumberOfFrames", "Modality"):  # fmt: skip
        assert out.get(keyword) == original.get(keyword), keyword
    assert out.get("PixelData") == original.get("PixelData")
    assert out.file_meta.MediaStorageSOPInstanceUID == out.SOPInstanceUID
    assert out.PatientIdentityRemoved == "YES"
    assert sum(report.counts.values()) == len(report.actions)
    assert report.table_edition == "2023b"

    for keyword in INSTANCE_UIDS:
        if original.get(keyword):
            assert out[keyword].value == pseudonymizer.uid(original[keyword].value), keyword
            assert original[keyword].value.encode() not in output, keyword
    for keyword in IDENTIFYING:
        value = str(original.get(keyword, "") or "")
        for part in {value, *value.split("^")}:
            if len(part.strip()) >= 4:
                assert part.strip().encode() not in output, keyword
    if profile == "basic":
        assert not any(element.tag.is_private for element in out.iterall())


def test_dataset_api_matches_the_byte_engine(source: tuple[bytes, Dataset], basic: Deidentifier) -> None:
    raw, original = source
    engine = Deidentifier(builtin_profile("basic").model_copy(update={"allow_burned_in": True}), basic.pseudonymizer)
    expected = lenient_read(engine.deidentify_file(raw)[0])
    report = engine.deidentify(original)
    assert report.sop_instance_uid == expected.SOPInstanceUID
    assert original == expected
    assert original.file_meta.MediaStorageSOPInstanceUID == expected.file_meta.MediaStorageSOPInstanceUID


def test_rtstruct_references_follow_the_images(basic: Deidentifier, pseudonymizer: Pseudonymizer) -> None:
    original = lenient_read(sample_path("rtstruct.dcm").read_bytes())
    out = strict_read(basic.deidentify_file(sample_path("rtstruct.dcm").read_bytes())[0])
    frame = original.ReferencedFrameOfReferenceSequence[0]
    new_frame = out.ReferencedFrameOfReferenceSequence[0]
    assert new_frame.FrameOfReferenceUID == pseudonymizer.uid(frame.FrameOfReferenceUID)
    study = frame.RTReferencedStudySequence[0]
    new_study = new_frame.RTReferencedStudySequence[0]
    assert new_study.ReferencedSOPClassUID == study.ReferencedSOPClassUID
    assert new_study.ReferencedSOPInstanceUID == pseudonymizer.uid(study.ReferencedSOPInstanceUID)
    series = study.RTReferencedSeriesSequence[0].SeriesInstanceUID
    assert new_study.RTReferencedSeriesSequence[0].SeriesInstanceUID == pseudonymizer.uid(series)
    roi = out.StructureSetROISequence[0]
    assert roi.ReferencedFrameOfReferenceUID == new_frame.FrameOfReferenceUID
    assert out.StructureSetLabel == "ANONYMIZED"  # D
    contour = out.ROIContourSequence[0].ContourSequence[0]
    assert contour.ContourData == original.ROIContourSequence[0].ContourSequence[0].ContourData


@pytest.mark.parametrize("name", ["nested_priv_SQ.dcm", "priv_SQ.dcm", "UN_sequence.dcm"])
@pytest.mark.parametrize("profile", ["basic", "research"])
def test_private_and_un_sequences(name: str, profile: str, pseudonymizer: Pseudonymizer) -> None:
    # Toy files without SOP Instance UID: private sequences (implicit VR), a sequence inside a UN value.
    raw = sample_path(name).read_bytes()
    output, report = _engine(profile, pseudonymizer).deidentify_file(raw)
    out = strict_read(output)
    assert not any(element.tag.is_private for element in out.iterall())  # no creator is in Table E.3.10-1
    assert any(code == "X" for _, code in report.actions)
    assert lenient_read(raw).get("PixelData") == out.get("PixelData")


def test_deflated_output_is_deflated(pseudonymizer: Pseudonymizer) -> None:
    raw = sample_path("image_dfl.dcm").read_bytes()
    output = _engine("basic", pseudonymizer).deidentify_file(raw)[0]
    original, out = pydicom.dcmread(sample_path("image_dfl.dcm")), strict_read(output)
    assert out.file_meta.TransferSyntaxUID == pydicom.uid.DeflatedExplicitVRLittleEndian
    assert out.SOPInstanceUID == pseudonymizer.uid(original.SOPInstanceUID)
    assert out.PixelData == original.PixelData
    assert out.PatientIdentityRemoved == "YES"


def test_bare_data_set_gets_a_file_meta(basic: Deidentifier) -> None:
    ds = pydicom.dcmread(sample_path("CT_small.dcm"))
    del ds.file_meta
    ds.preamble = None
    buffer = io.BytesIO()
    pydicom.dcmwrite(buffer, ds, implicit_vr=True, little_endian=True)
    body = buffer.getvalue()
    assert body[:4] == b"\x08\x00\x05\x00"  # a bare implicit VR data set, no preamble, no meta
    out = strict_read(basic.deidentify_file(body)[0])
    assert out.file_meta.TransferSyntaxUID == pydicom.uid.ImplicitVRLittleEndian
    assert out.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID
    assert out.PixelData == ds.PixelData
