"""UIDs, pseudonyms and date offsets are consistent across engines with one key, and differ across keys."""

from __future__ import annotations

import datetime as dt

import pydicom
from pydicom.dataset import Dataset

from services.deid.deidentify import Deidentifier
from services.deid.profile import builtin_profile
from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import KEY, OTHER_KEY, encode, rich_ct, sample_path, strict_read


def _engine(key: bytes, profile: str = "basic") -> Deidentifier:
    return Deidentifier(builtin_profile(profile), Pseudonymizer(key, "k"))


def _ct_referenced_by_the_segmentation(seg: Dataset) -> Dataset:
    """A CT instance whose UIDs are the ones the liver segmentation points at."""
    ct = pydicom.dcmread(sample_path("CT_small.dcm"))
    reference = seg.ReferencedSeriesSequence[0]
    ct.SOPInstanceUID = reference.ReferencedInstanceSequence[0].ReferencedSOPInstanceUID
    ct.file_meta.MediaStorageSOPInstanceUID = ct.SOPInstanceUID
    ct.SeriesInstanceUID = reference.SeriesInstanceUID
    ct.StudyInstanceUID = seg.StudyInstanceUID
    ct.FrameOfReferenceUID = seg.FrameOfReferenceUID
    ct.PatientID = seg.PatientID
    return ct


def test_references_match_across_separate_engines() -> None:
    seg_raw = sample_path("liver.dcm").read_bytes()
    seg = pydicom.dcmread(sample_path("liver.dcm"))
    ct = _ct_referenced_by_the_segmentation(seg)

    # research keeps reference sequences (keep_references): Source Image Sequence is Type 2 in the SEG's
    # Derivation Image macro, where the Basic Profile would leave it empty (Z).
    new_ct = strict_read(_engine(KEY, "research").deidentify_file(encode(ct))[0])
    new_seg = strict_read(_engine(KEY, "research").deidentify_file(seg_raw)[0])  # another engine, same key

    reference = new_seg.ReferencedSeriesSequence[0]
    assert reference.SeriesInstanceUID == new_ct.SeriesInstanceUID
    assert reference.ReferencedInstanceSequence[0].ReferencedSOPInstanceUID == new_ct.SOPInstanceUID
    assert reference.ReferencedInstanceSequence[0].ReferencedSOPClassUID == ct.SOPClassUID
    source = new_seg.PerFrameFunctionalGroupsSequence[0].DerivationImageSequence[0].SourceImageSequence[0]
    assert source.ReferencedSOPInstanceUID == new_ct.SOPInstanceUID
    assert source.ReferencedSOPClassUID == ct.SOPClassUID
    assert new_seg.StudyInstanceUID == new_ct.StudyInstanceUID
    assert new_seg.FrameOfReferenceUID == new_ct.FrameOfReferenceUID
    assert new_seg.PatientID == new_ct.PatientID
    assert new_seg.SOPInstanceUID != new_ct.SOPInstanceUID


def test_same_key_same_bytes() -> None:
    raw = encode(rich_ct())
    first, first_report = _engine(KEY, "research").deidentify_file(raw)
    second, second_report = _engine(KEY, "research").deidentify_file(raw)
    assert first == second
    assert first_report == second_report


def test_different_key_different_pseudonyms() -> None:
    source = rich_ct()
    raw = encode(source)
    one = strict_read(_engine(KEY).deidentify_file(raw)[0])
    other = strict_read(_engine(OTHER_KEY).deidentify_file(raw)[0])
    for keyword in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID", "PatientID"):
        assert one[keyword].value != other[keyword].value, keyword
    assert one.SOPClassUID == other.SOPClassUID == source.SOPClassUID
    assert one.PixelData == other.PixelData == source.PixelData


def test_intervals_between_a_patients_studies_are_kept() -> None:
    engine = _engine(KEY, "research")
    first, second = rich_ct(), rich_ct()
    first.StudyDate, second.StudyDate = "20200105", "20210320"
    second.StudyInstanceUID = "1.2.3.4.5.99"
    other_patient = rich_ct()
    other_patient.PatientID = "SOMEONE-ELSE"

    def study_date(ds: Dataset) -> dt.date:
        out = strict_read(engine.deidentify_file(encode(ds))[0])
        return dt.datetime.strptime(out.StudyDate, "%Y%m%d").date()

    new_first, new_second = study_date(first), study_date(second)
    assert new_first != dt.date(2020, 1, 5)
    assert new_second - new_first == dt.date(2021, 3, 20) - dt.date(2020, 1, 5)
    original = dt.date(2004, 1, 19)  # CT_small's Study Date
    assert rich_ct().StudyDate == original.strftime("%Y%m%d")
    own_shift = study_date(rich_ct()) - original
    other_shift = study_date(other_patient) - original
    assert own_shift == new_first - dt.date(2020, 1, 5)
    assert -365 <= other_shift.days <= -1
    assert other_shift != own_shift  # the offset is per patient (these two keys happen to differ)
