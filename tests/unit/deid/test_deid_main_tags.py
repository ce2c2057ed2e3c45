"""What the deid stage reports about a study comes from its own output, and stale archive tags are spotted."""

from __future__ import annotations

from services.deid.deidentify import Deidentifier
from services.deid.handler import MAIN_TAGS, main_tags, stale
from tests.unit.deid.helpers import read_bytes


def test_main_tags_are_read_from_the_deidentified_output(research: Deidentifier) -> None:
    output, report = research.deidentify_file(read_bytes("CT_small.dcm"))
    tags = main_tags(output)
    assert tags["StudyInstanceUID"] == report.study_instance_uid
    assert tags["SeriesInstanceUID"] == report.series_instance_uid
    assert tags["PatientID"] == report.patient_pseudonym
    assert tags["Modality"] == "CT"
    assert set(tags) <= set(MAIN_TAGS)


def test_stale_compares_only_the_given_keys_and_treats_absent_as_empty() -> None:
    written = {"SeriesDescription": "CT CHEST", "Modality": "CT"}
    assert stale({"SeriesDescription": "CT CHEST Zhang", "Modality": "CT"}, written, ("SeriesDescription",)) == [
        "SeriesDescription"]
    assert stale({"SeriesDescription": "CT CHEST ", "Modality": "CT"}, written, ("SeriesDescription", "Modality")) == []
    assert stale({}, {"Modality": "CT"}, ("Modality", "BodyPartExamined")) == ["Modality"]
