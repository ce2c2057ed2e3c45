"""Helpers for the de-identification engine tests: real files, keys, strict re-reading."""

from __future__ import annotations

import io
from pathlib import Path

import deid_data
import pydicom
import pydicom.config
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset

from services.deid.profile import DeidProfile

KEY = b"unit-test-key-0123456789abcdef!!"
OTHER_KEY = b"another-key-0123456789abcdef!!!!"
DEID_DATA = Path(deid_data.__file__).parent / "data"


def sample_path(name: str) -> Path:
    """A file from pydicom's test files or pydicom-data."""
    path = get_testdata_file(name)
    assert path is not None, name
    return Path(str(path))


def read_bytes(name: str) -> bytes:
    return sample_path(name).read_bytes()


def strict_read(raw: bytes) -> Dataset:
    """Read with pydicom in strict mode and touch every value so each one is validated."""
    previous = pydicom.config.settings.reading_validation_mode
    pydicom.config.settings.reading_validation_mode = pydicom.config.RAISE
    try:
        ds = pydicom.dcmread(io.BytesIO(raw))
        for element in ds.iterall():
            _ = element.value
        for element in ds.file_meta:
            _ = element.value
        return ds
    finally:
        pydicom.config.settings.reading_validation_mode = previous


def lenient_read(raw: bytes) -> Dataset:
    return pydicom.dcmread(io.BytesIO(raw), force=True)


def encode(ds: Dataset, *, implicit: bool = False) -> bytes:
    """Write a Dataset as a Part 10 file (explicit VR little endian unless `implicit`)."""
    buffer = io.BytesIO()
    ds.file_meta.TransferSyntaxUID = (
        pydicom.uid.ImplicitVRLittleEndian if implicit else pydicom.uid.ExplicitVRLittleEndian
    )
    pydicom.dcmwrite(buffer, ds, enforce_file_format=True)
    return buffer.getvalue()


def with_options(*options: str, allow_burned_in: bool = False) -> DeidProfile:
    return DeidProfile.model_validate(
        {"name": "test", "version": "1", "options": list(options), "allow_burned_in": allow_burned_in}
    )


PATIENT_NAME = "DOE^JANE^Q"
PATIENT_ID = "MRN-778812"
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"


def item(**keywords: object) -> Dataset:
    ds = Dataset()
    for keyword, value in keywords.items():
        setattr(ds, keyword, value)
    return ds


def rich_ct() -> Dataset:
    """CT_small with attributes covering every action: names, dates, references, sequences, privates."""
    ds = pydicom.dcmread(sample_path("CT_small.dcm"))
    ds.PatientName = PATIENT_NAME
    ds.PatientID = PATIENT_ID
    ds.PatientBirthDate = "19610412"
    ds.PatientAddress = "12 Elm Road, Springfield"
    ds.OtherPatientIDsSequence[0].PatientID = "OTHER-ID-1"
    ds.AccessionNumber = "ACC42X"
    ds.ReferringPhysicianName = "WHO^JOHN"
    ds.OperatorsName = "TECH^TOM"
    ds.InstitutionName = "JFK IMAGING CENTER"
    ds.InstitutionAddress = "1 Hospital Way"
    ds.StationAETitle = "CTSCAN01"
    ds.DeviceSerialNumber = "SN-99812"
    ds.StudyDescription = "CT CHEST DOE JANE 2021-03-04"
    ds.SeriesDescription = "Axial 5mm"
    ds.ProtocolName = "CHEST MRN-778812"
    ds.Allergies = "Penicillin (Jane Doe)"
    ds.PatientSize = "1.70"
    ds.PatientSexNeutered = "ALTERED"
    ds.VerifyingOrganization = "Lab of Dr. Who"
    ds.ClinicalTrialSponsorName = "ACME Pharma"
    ds.add_new(0x0040A121, "DA", "20210304")  # Date (D)
    ds.add_new(0x0040A120, "DT", "20210304101112")  # DateTime (D)
    ds.add_new(0x00181204, "DA", "20150101")  # Date of Manufacture: not in Table E.1-1
    ds.AcquisitionContextSequence = [item(TextValue="context for JANE")]
    ds.VerifyingObserverSequence = [
        item(VerifyingObserverName="OBSERVER^OLGA", VerifyingOrganization="ORG", VerificationDateTime="20210304")
    ]
    ds.ContentSequence = [item(ValueType="TEXT", TextValue="Report about Jane Doe")]
    ds.ReferencedImageSequence = [item(ReferencedSOPClassUID=CT_IMAGE, ReferencedSOPInstanceUID="1.2.3.4.5.6.7.1")]
    ds.ReferencedSeriesSequence = [
        item(
            SeriesInstanceUID="1.2.3.4.5.6.9",
            ReferencedImageSequence=[item(ReferencedSOPClassUID=CT_IMAGE, ReferencedSOPInstanceUID="1.2.3.4.5.6.7.2")],
        )
    ]
    ds.MultiFrameSourceSOPInstanceUID = "1.2.3.4.5.6.7.3"
    ds.SynchronizationFrameOfReferenceUID = "1.2.840.10008.15.1.1"
    ds.ProcedureCodeSequence = [
        item(CodeValue="CTCHEST", CodingSchemeDesignator="99LOCAL", CodingSchemeUID="2.16.840.1.113883.6.96")
    ]
    ds.add_new(0x60000010, "US", 128)  # overlay rows
    ds.add_new(0x60003000, "OW", b"\x00" * 16)  # overlay data
    ds.add_new(0x50000005, "US", 2)  # curve dimensions (retired)
    ds.add_new(0x00080000, "UL", 0)  # group length
    block = ds.private_block(0x0011, "ACME PRIVATE", create=True)
    block.add_new(0x01, "LO", "private JANE DOE")
    return ds
