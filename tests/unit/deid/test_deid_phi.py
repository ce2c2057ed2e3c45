"""Property tests: identifying strings planted anywhere never survive in the written bytes."""

from __future__ import annotations

import datetime as dt
import io
import string

import pydicom
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom.dataset import Dataset

from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import KEY, encode, item, read_bytes, strict_read

CT_SMALL = read_bytes("CT_small.dcm")
BASIC = Deidentifier(builtin_profile("basic"), Pseudonymizer(KEY, "k"))
RESEARCH = Deidentifier(builtin_profile("research"), Pseudonymizer(KEY, "k"))

# Upper-case words of 8 to 12 letters that the source file does not hold (it has STANDARD, a kernel name).
token = st.text(alphabet=string.ascii_uppercase, min_size=8, max_size=12).filter(
    lambda word: word.encode() not in CT_SMALL.upper()
)
tokens = st.lists(token, min_size=12, max_size=12, unique=True)
digits = st.text(alphabet=string.digits, min_size=7, max_size=10)
uids = st.lists(st.integers(min_value=10**8, max_value=10**12), min_size=4, max_size=4, unique=True).map(
    lambda numbers: [f"1.2.826.0.1.{number}" for number in numbers]
)


def _base() -> Dataset:
    return pydicom.dcmread(io.BytesIO(CT_SMALL))


def _leaks(output: bytes, secrets: list[str]) -> list[str]:
    lowered = output.lower()
    return [secret for secret in secrets if secret.encode() in output or secret.lower().encode() in lowered]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=tokens, phone=digits, planted_uids=uids, implicit=st.booleans())
def test_basic_profile_leaves_no_planted_phi(
    words: list[str], phone: str, planted_uids: list[str], implicit: bool
) -> None:
    family, given_name, patient_id, street, city, physician, institution, text, other_id, nested, private, code = words
    ds = _base()
    ds.PatientName = f"{family}^{given_name}"
    ds.PatientID = patient_id
    ds.PatientAddress = f"12 {street} Road, {city}"
    ds.PatientTelephoneNumbers = phone
    ds.ReferringPhysicianName = f"{physician}^A"
    ds.PerformingPhysicianName = f"{physician}^B"
    ds.OperatorsName = f"{physician}^C"
    ds.InstitutionName = institution
    ds.StationName = institution[:16]
    ds.AccessionNumber = other_id[:16]
    ds.StudyID = other_id[:16]
    ds.StudyDescription = f"CT {family} {text}"
    ds.SeriesDescription = f"{given_name} {phone}"
    ds.ProtocolName = text
    ds.ImageComments = f"{text} {family}"
    ds.AdditionalPatientHistory = text
    ds.PatientComments = text
    ds.OtherPatientIDsSequence[0].PatientID = other_id
    ds.RequestAttributesSequence = [item(RequestedProcedureDescription=nested, ScheduledProcedureStepID="S1")]
    ds.ContentSequence = [item(ValueType="TEXT", TextValue=f"{nested} {family}")]
    ds.ReferencedSeriesSequence = [item(SeriesInstanceUID=planted_uids[3], SeriesDescription=nested)]
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = planted_uids[:3]
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    block = ds.private_block(0x0011, "ACME PRIVATE", create=True)
    block.add_new(0x01, "LO", private)
    ds.RequestAttributesSequence[0].private_block(0x0013, "ACME NESTED", create=True).add_new(0x02, "LO", code)

    output, report = BASIC.deidentify_file(encode(ds, implicit=implicit))
    assert _leaks(output, [*words, phone, *planted_uids]) == []
    assert _leaks(repr(report).encode(), [*words, phone, *planted_uids]) == []
    strict_read(output)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=tokens, phone=digits, day=st.dates(min_value=dt.date(1950, 1, 1)))
def test_research_profile_cleans_planted_phi(words: list[str], phone: str, day: dt.date) -> None:
    family, given_name, patient_id, street, city, physician, institution, other_id, private, code, *_ = words
    birth = day.strftime("%Y%m%d")
    formatted_phone = f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"
    ds = _base()
    ds.PatientName = f"{family}^{given_name}"
    ds.PatientID = patient_id
    ds.PatientBirthDate = birth
    ds.PatientAddress = f"{street} Road, {city}"
    ds.PatientTelephoneNumbers = formatted_phone
    ds.ReferringPhysicianName = f"{physician}^A"
    ds.InstitutionName = institution
    ds.AccessionNumber = other_id[:16]
    # Descriptors are kept under Clean Descriptors: plant the instance's own identifiers in them.
    ds.StudyDescription = f"CT CHEST {family} {given_name}"[:64]
    ds.SeriesDescription = f"AX {patient_id} {birth}"[:64]
    ds.ProtocolName = f"{physician} {formatted_phone}"[:64]
    ds.ImageComments = f"from {institution} {city} {street} Road, call {formatted_phone}"
    ds.AdditionalPatientHistory = f"{given_name} {family} seen by Dr. {physician} on {day}"
    ds.RequestAttributesSequence = [item(RequestedProcedureDescription=f"{other_id[:16]} {family}")]
    ds.OtherPatientIDsSequence[0].PatientID = other_id
    block = ds.private_block(0x0019, "GEMS_ACQU_01", create=False)
    block.add_new(0x02, "SL", 1)  # unsafe element of a safe creator
    ds.private_block(0x0011, "ACME PRIVATE", create=True).add_new(0x01, "LO", private)
    ds.RequestAttributesSequence[0].private_block(0x0013, "ACME NESTED", create=True).add_new(0x02, "LO", code)

    output, _ = RESEARCH.deidentify_file(encode(ds))
    out = strict_read(output)
    secrets = [family, given_name, patient_id, street, city, physician, institution, other_id, private, code]
    assert _leaks(output, [*secrets, phone, phone[:3] + "-" + phone[3:6], birth]) == []
    assert out.StudyDescription == "CT CHEST"
    assert out.SeriesDescription == "AX"
