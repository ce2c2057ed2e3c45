"""Golden tests: each Annex E action (D, Z, X, K, C, U and the compound ones) and each option."""

from __future__ import annotations

from collections.abc import Callable

import pydicom
import pytest
from pydicom.dataset import Dataset

from services.deid.deidentify import IMPLEMENTATION_CLASS_UID, Deidentifier, DeidReport
from services.deid.profile import DeidProfile, builtin_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import CT_IMAGE, PATIENT_ID, encode, item, rich_ct, sample_path, strict_read

Engine = Callable[..., Deidentifier]


def run(engine: Deidentifier, ds: Dataset) -> tuple[Dataset, DeidReport]:
    output, report = engine.deidentify_file(encode(ds))
    return strict_read(output), report


@pytest.fixture
def source() -> Dataset:
    return rich_ct()


@pytest.fixture
def basic_out(basic: Deidentifier, source: Dataset) -> tuple[Dataset, DeidReport]:
    return run(basic, source)


# ---------------------------------------------------------------- Basic Profile actions


def test_u_replaces_instance_uids_consistently(
    basic_out: tuple[Dataset, DeidReport], source: Dataset, pseudonymizer: Pseudonymizer
) -> None:
    out, report = basic_out
    for keyword in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID"):
        assert out[keyword].value == pseudonymizer.uid(source[keyword].value), keyword
    assert out.InstanceCreatorUID == pseudonymizer.uid(source.InstanceCreatorUID)
    assert out.file_meta.MediaStorageSOPInstanceUID == out.SOPInstanceUID
    assert out.file_meta.MediaStorageSOPClassUID == out.SOPClassUID == CT_IMAGE
    assert out.file_meta.ImplementationClassUID == IMPLEMENTATION_CLASS_UID
    assert "SourceApplicationEntityTitle" not in out.file_meta
    assert report.sop_instance_uid == out.SOPInstanceUID
    assert report.study_instance_uid == out.StudyInstanceUID
    assert ("(0008,0018)", "U") in report.actions


def test_z_keeps_the_attribute_empty(basic_out: tuple[Dataset, DeidReport]) -> None:
    out, _ = basic_out
    for keyword in ("AccessionNumber", "StudyID", "PatientBirthDate", "ReferringPhysicianName", "StudyDate"):
        assert keyword in out, keyword
        assert out[keyword].value in ("", None), keyword


def test_x_removes(basic_out: tuple[Dataset, DeidReport]) -> None:
    out, report = basic_out
    for keyword in (
        "PatientAddress", "OtherPatientIDsSequence", "OperatorsName", "InstitutionName", "InstitutionAddress",
        "StationAETitle", "StudyDescription", "SeriesDescription", "ProtocolName", "Allergies", "PatientSize",
        "InstanceCreationDate", "InstanceCreationTime", "SeriesDate", "AcquisitionDate", "StationName",
    ):  # fmt: skip
        assert keyword not in out, keyword
    assert not any(element.tag.is_private for element in out.iterall())
    assert 0xFFFCFFFC not in out  # Data Set Trailing Padding
    assert ("(0008,1030)", "X") in report.actions


def test_d_replaces_with_vr_valid_dummies(basic_out: tuple[Dataset, DeidReport]) -> None:
    out, report = basic_out
    assert out.VerifyingOrganization == "ANONYMIZED"
    assert out.ClinicalTrialSponsorName == "ANONYMIZED"
    assert out[0x0040A121].value == "19000101"
    assert out[0x0040A120].value == "19000101000000"
    assert ("(0040,A027)", "D") in report.actions


def test_d_on_sequences(basic_out: tuple[Dataset, DeidReport]) -> None:
    out, _ = basic_out
    # Content Sequence: replaced by one TEXT item saying REMOVED (a valid content item), the report is gone.
    assert len(out.ContentSequence) == 1
    dummy = out.ContentSequence[0]
    assert (dummy.RelationshipType, dummy.ValueType, dummy.TextValue) == ("CONTAINS", "TEXT", "REMOVED")
    assert dummy.ConceptNameCodeSequence[0].CodeValue == "121106"
    assert "Jane" not in str(dummy)
    # Verifying Observer Sequence: every attribute of its items is in the table, so the items are cleaned.
    observer = out.VerifyingObserverSequence[0]
    assert observer.VerifyingObserverName == "ANONYMOUS"
    assert observer.VerifyingOrganization == "ANONYMIZED"
    assert observer.VerificationDateTime == "19000101000000"


def test_patient_id_and_name_become_one_pseudonym(
    basic_out: tuple[Dataset, DeidReport], pseudonymizer: Pseudonymizer
) -> None:
    out, report = basic_out
    assert out.PatientID == pseudonymizer.patient_id(PATIENT_ID)
    assert str(out.PatientName) == out.PatientID
    assert ("(0010,0020)", "D") in report.actions


def test_identity_removed_attributes(basic_out: tuple[Dataset, DeidReport]) -> None:
    out, report = basic_out
    assert out.PatientIdentityRemoved == "YES"
    assert out.DeidentificationMethod == "radcurate basic 1.0 PS3.15-2023b Annex E"
    codes = [(code.CodeValue, code.CodingSchemeDesignator) for code in out.DeidentificationMethodCodeSequence]
    assert codes == [("113100", "DCM")]
    assert out.DeidentificationMethodCodeSequence[0].CodeMeaning == "Basic Application Confidentiality Profile"
    assert out.LongitudinalTemporalInformationModified == "REMOVED"
    assert (report.profile_name, report.profile_version, report.table_edition) == ("basic", "1.0", "2023b")
    assert report.key_id == "unit-test"
    assert report.dates_shifted is False


def test_references_and_standard_uids(
    basic_out: tuple[Dataset, DeidReport], source: Dataset, pseudonymizer: Pseudonymizer
) -> None:
    out, _ = basic_out
    # X/Z/U* at the top level of a CT (Type 3): removed.
    assert "ReferencedImageSequence" not in out
    # Inside an item the CT IOD does not define either (no Type 1 or 2 occurrence): removed, while the
    # item's own UIDs are replaced.
    nested = out.ReferencedSeriesSequence[0]
    assert nested.SeriesInstanceUID == pseudonymizer.uid("1.2.3.4.5.6.9")
    assert "ReferencedImageSequence" not in nested
    # A UI attribute that Table E.1-1 does not list is remapped too; standard UIDs are not.
    assert out.MultiFrameSourceSOPInstanceUID == pseudonymizer.uid("1.2.3.4.5.6.7.3")
    assert out.SynchronizationFrameOfReferenceUID == "1.2.840.10008.15.1.1"
    assert out.SOPClassUID == CT_IMAGE
    assert out.ProcedureCodeSequence[0].CodingSchemeUID == "2.16.840.1.113883.6.96"


def test_unlisted_and_structural(basic_out: tuple[Dataset, DeidReport], source: Dataset) -> None:
    out, _ = basic_out
    for keyword in ("Rows", "Columns", "PixelSpacing", "SliceThickness", "KVP", "ImagePositionPatient"):
        assert out[keyword].value == source[keyword].value, keyword
    assert out[0x00181204].value == "20150101"  # not in Table E.1-1: kept, as the standard implies
    assert out.PixelData == source.PixelData
    assert 0x00080000 not in out  # group length
    assert not any(0x6000 <= element.tag.group <= 0x60FF for element in out)  # whole overlay group
    assert not any(0x5000 <= element.tag.group <= 0x50FF for element in out)  # curves


def test_unknown_public_attribute(engine_for: Engine, source: Dataset) -> None:
    assert pydicom.datadict.dictionary_has_tag(0x0018FFF0) is False
    source.add_new(0x0018FFF0, "LO", "unknown")
    out, report = run(engine_for(), source)
    assert 0x0018FFF0 not in out
    assert ("(0018,FFF0)", "X") in report.actions


# ---------------------------------------------------------------- compound actions by IOD Type


@pytest.mark.parametrize(
    ("sop_class", "keyword", "expected"),
    [
        (CT_IMAGE, "ContentDate", ""),  # Z/D, Type 2 in General Image: Z
        ("1.2.840.10008.5.1.4.1.1.2.1", "ContentDate", "19000101"),  # Enhanced CT, Type 1: D
        (CT_IMAGE, "DeviceSerialNumber", None),  # X/Z/D, Type 3: X
        ("1.2.840.10008.5.1.4.1.1.66.4", "DeviceSerialNumber", "ANONYMIZED"),  # SEG: Type 1: D
        (CT_IMAGE, "SeriesDate", None),  # X/D, Type 3: X
        ("1.2.840.10008.5.1.4.1.1.128", "SeriesDate", "19000101"),  # PET Series: Type 1: D
        (CT_IMAGE, "AcquisitionContextSequence", None),  # X/Z, Type 3: X
        ("1.2.840.10008.5.1.4.1.1.1.1", "AcquisitionContextSequence", []),  # DX, Type 2: Z
        (CT_IMAGE, "PatientSexNeutered", ""),  # X/Z, Type 2C in every Patient module: Z
        ("1.2.3.4", "ContentDate", "19000101"),  # unknown IOD: strictest Type over the listed IODs
    ],
)
def test_compound_actions(engine_for: Engine, source: Dataset, sop_class: str, keyword: str, expected: object) -> None:
    source.SOPClassUID = pydicom.uid.UID(sop_class)
    source.file_meta.MediaStorageSOPClassUID = pydicom.uid.UID(sop_class)
    source.SeriesDate = "20210304"
    out, _ = run(engine_for(allow_burned_in=True), source)
    if expected is None:
        assert keyword not in out
    elif expected == []:
        assert keyword in out
        assert len(out[keyword].value) == 0
    else:
        assert out[keyword].value == expected


# ---------------------------------------------------------------- options


def test_option_codes_and_text(research: Deidentifier, source: Dataset) -> None:
    out, report = run(research, source)
    codes = [code.CodeValue for code in out.DeidentificationMethodCodeSequence]
    assert codes == ["113100", "113105", "113107", "113108", "113109", "113111"]
    assert out.DeidentificationMethod == "radcurate research 1.1 PS3.15-2023b Annex E"
    assert report.profile_name == "research"


def test_retain_uids(engine_for: Engine, source: Dataset) -> None:
    out, _ = run(engine_for("retain_uids"), source)
    assert out.SOPInstanceUID == source.SOPInstanceUID
    assert out.file_meta.MediaStorageSOPInstanceUID == source.SOPInstanceUID
    assert out.StudyInstanceUID == source.StudyInstanceUID
    assert out.ReferencedImageSequence[0].ReferencedSOPInstanceUID == "1.2.3.4.5.6.7.1"  # K


def test_retain_device_identity(engine_for: Engine, source: Dataset, pseudonymizer: Pseudonymizer) -> None:
    out, _ = run(engine_for("retain_device_identity"), source)
    assert out.StationName == source.StationName
    assert out.DeviceSerialNumber == "SN-99812"
    assert out.StationAETitle == pseudonymizer.ae_title("CTSCAN01")  # C: a keyed stand-in
    assert "InstitutionName" not in out


def test_retain_institution_identity(engine_for: Engine, source: Dataset) -> None:
    out, _ = run(engine_for("retain_institution_identity"), source)
    assert out.InstitutionName == "JFK IMAGING CENTER"
    assert out.InstitutionAddress == "1 Hospital Way"


def test_retain_patient_characteristics(engine_for: Engine, source: Dataset) -> None:
    out, _ = run(engine_for("retain_patient_characteristics"), source)
    assert (out.PatientAge, out.PatientSex, out.PatientSize) == (source.PatientAge, source.PatientSex, "1.70")
    assert out.PatientWeight == source.PatientWeight
    assert out.PatientSexNeutered == "ALTERED"
    assert out.Allergies == "Penicillin"  # C: the patient's own name is cleaned out
    assert out.PatientBirthDate == ""


def test_retain_long_full_dates(engine_for: Engine, source: Dataset) -> None:
    out, report = run(engine_for("retain_long_full_dates"), source)
    for keyword in ("StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate", "InstanceCreationDate"):
        assert out[keyword].value == source[keyword].value, keyword
    assert out.StudyTime == source.StudyTime
    assert out.LongitudinalTemporalInformationModified == "UNMODIFIED"
    assert out.PatientBirthDate == ""
    assert report.dates_shifted is False


def test_retain_long_modified_dates(engine_for: Engine, source: Dataset, pseudonymizer: Pseudonymizer) -> None:
    import datetime as dt

    out, report = run(engine_for("retain_long_modified_dates"), source)
    days = pseudonymizer.date_shift_days(pseudonymizer.patient_id(PATIENT_ID))
    assert days < 0

    def shifted(value: str) -> str:
        return (dt.datetime.strptime(value, "%Y%m%d").date() + dt.timedelta(days=days)).strftime("%Y%m%d")

    for keyword in ("StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate", "InstanceCreationDate"):
        assert out[keyword].value == shifted(source[keyword].value), keyword
    assert out[0x00181204].value == shifted("20150101")  # unlisted DA: shifted too
    assert out[0x0040A120].value == shifted("20210304") + "101112"  # DT keeps its time
    assert out.StudyTime == source.StudyTime  # TM kept
    assert out.TimezoneOffsetFromUTC == source.TimezoneOffsetFromUTC
    assert out.PatientBirthDate == ""  # Z: not a longitudinal date
    assert out.LongitudinalTemporalInformationModified == "MODIFIED"
    assert report.dates_shifted is True


def test_clean_descriptors(engine_for: Engine, source: Dataset) -> None:
    out, _ = run(engine_for("clean_descriptors"), source)
    assert out.StudyDescription == "CT CHEST"
    assert out.SeriesDescription == "Axial 5mm"
    assert out.ProtocolName == "CHEST"
    assert out.ContrastBolusAgent == source.ContrastBolusAgent


def test_clean_structured_content(engine_for: Engine, source: Dataset) -> None:
    concept = item(CodeValue="10200004", CodingSchemeDesignator="SCT", CodeMeaning="Liver of Jane Doe")
    source.ContentSequence[0].ConceptNameCodeSequence = [concept]
    out, _ = run(engine_for("clean_structured_content"), source)
    assert out.ContentSequence[0].ValueType == "TEXT"
    assert out.ContentSequence[0].TextValue == "Report about"  # free text in cleaned items is cleaned
    code = out.ContentSequence[0].ConceptNameCodeSequence[0]
    assert (code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning) == ("10200004", "SCT", "Liver of")
    assert out.AcquisitionContextSequence[0].TextValue == "context for"


def test_clean_graphics(engine_for: Engine, source: Dataset) -> None:
    source.GraphicAnnotationSequence = [
        item(GraphicLayer="L1", TextObjectSequence=[item(UnformattedTextValue="Jane Doe 555-123-4567 lesion")])
    ]
    out, _ = run(engine_for("clean_graphics"), source)
    assert out.GraphicAnnotationSequence[0].TextObjectSequence[0].UnformattedTextValue == "lesion"
    assert 0x60003000 not in out  # overlay bitmaps cannot be cleaned without pixels: removed

    basic_out, _ = run(engine_for(), source)
    assert len(basic_out.GraphicAnnotationSequence) == 1
    assert len(basic_out.GraphicAnnotationSequence[0]) == 0


def test_retain_safe_private(engine_for: Engine) -> None:
    ds = pydicom.dcmread(sample_path("CT_small.dcm"))
    out, report = run(engine_for("retain_safe_private"), ds)
    private = {element.tag: element.value for element in out if element.tag.is_private}
    # Safe: GEMS_ACQU_01 (0019,xx23/24/27), GEMS_SERS_01 (0025,xx07), GEMS_PARM_01 (0043,xx27).
    kept = [0x00191023, 0x00191024, 0x00191027, 0x00251007, 0x00431027]
    creators = {0x00190010: "GEMS_ACQU_01", 0x00250010: "GEMS_SERS_01", 0x00430010: "GEMS_PARM_01"}
    assert private == creators | {tag: ds[tag].value for tag in kept}
    assert ("(0019,1002)", "X") in report.actions
    assert ("(0019,1023)", "K") in report.actions
    assert ("(0009,0010)", "X") in report.actions  # GEMS_IDEN_01: no safe element at all


def test_safe_private_uid_is_remapped_and_unsafe_block_dropped(
    engine_for: Engine, source: Dataset, pseudonymizer: Pseudonymizer
) -> None:
    block = source.private_block(0x0099, "NQHeader", create=True)
    block.add_new(0x02, "UI", "1.2.3.4.99")  # Analyzed Series UID: safe, but an instance reference
    block.add_new(0x03, "LO", "not in the safe table")
    out, _ = run(engine_for("retain_safe_private"), source)
    creator_tag = next(element.tag for element in out if element.value == "NQHeader")
    element = creator_tag.element << 8 | 0x02
    assert out[0x0099, element].value == pseudonymizer.uid("1.2.3.4.99")
    assert (0x0099, element + 1) not in out
    assert all(element.value != "ACME PRIVATE" for element in out)


def test_item_with_its_own_character_set(engine_for: Engine, source: Dataset) -> None:
    source.SpecificCharacterSet = "ISO_IR 100"
    source.PatientName = "MÜLLER^HANS"
    request = item(SpecificCharacterSet="ISO_IR 192")
    request.add_new(0x00321060, "LO", "KNIE MÜLLER")  # Requested Procedure Description
    source.RequestAttributesSequence = [request]
    raw = encode(source)
    assert "KNIE MÜLLER".encode() in raw  # UTF-8 inside the item, Latin-1 outside
    out, _ = run(engine_for("clean_descriptors"), source)
    assert out.RequestAttributesSequence[0].RequestedProcedureDescription == "KNIE"


def test_unlisted_remove_keeps_the_image(pseudonymizer: Pseudonymizer, source: Dataset) -> None:
    profile = DeidProfile(name="strict", version="1", unlisted_public_action="remove")
    out, report = run(Deidentifier(profile, pseudonymizer), source)
    for keyword in ("Manufacturer", "KVP", "ScanOptions", "ConvolutionKernel", "ProcedureCodeSequence"):
        assert keyword not in out, keyword
    for keyword in ("Rows", "Columns", "PixelData", "SOPClassUID", "Modality", "ImagePositionPatient", "PixelSpacing"):
        assert out[keyword].value == source[keyword].value, keyword
    assert out.SOPInstanceUID == pseudonymizer.uid(source.SOPInstanceUID)  # listed: U as usual
    assert ("(0008,0070)", "X") in report.actions


def test_keep_references_keeps_type_3_reference_sequences(pseudonymizer: Pseudonymizer, source: Dataset) -> None:
    source.SourceImageSequence = [item(ReferencedSOPClassUID=CT_IMAGE, ReferencedSOPInstanceUID="1.2.3.4.5.6.7.4")]
    basic_out, _ = run(Deidentifier(builtin_profile("basic"), pseudonymizer), source)
    assert "ReferencedImageSequence" not in basic_out and "SourceImageSequence" not in basic_out  # Type 3: X
    profile = builtin_profile("basic").model_copy(update={"keep_references": True})
    out, report = run(Deidentifier(profile, pseudonymizer), source)
    assert out.ReferencedImageSequence[0].ReferencedSOPInstanceUID == pseudonymizer.uid("1.2.3.4.5.6.7.1")
    assert out.ReferencedImageSequence[0].ReferencedSOPClassUID == CT_IMAGE
    assert out.SourceImageSequence[0].ReferencedSOPInstanceUID == pseudonymizer.uid("1.2.3.4.5.6.7.4")
    reference = out.ReferencedSeriesSequence[0].ReferencedImageSequence[0]  # nested ones too
    assert reference.ReferencedSOPInstanceUID == pseudonymizer.uid("1.2.3.4.5.6.7.2")
    assert reference.ReferencedSOPClassUID == CT_IMAGE
    assert ("(0008,1140)", "U") in report.actions and ("(0008,2112)", "U") in report.actions
    assert builtin_profile("research").keep_references
