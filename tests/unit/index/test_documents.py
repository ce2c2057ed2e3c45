"""index pure logic: study documents, content hashing and cohort filters."""

from __future__ import annotations

import datetime as dt

from contracts import StageRun, StudyQCBody, Verdict
from services.index.queries import quarantine_filter, study_filter
from services.index.store import content_hash, study_document
from tests.contracts.examples import examples


def qc_body() -> StudyQCBody:
    body = examples()[3].body
    assert isinstance(body, StudyQCBody)
    return body


def test_document_is_searchable_by_the_api_fields() -> None:
    doc = study_document(qc_body(), event_id="e1", correlation_id="c1", digest="h")
    assert doc["study_uid"] == "2.25.123456789012345678901234567890"
    assert doc["modalities"] == ["CT"]
    assert doc["body_parts"] == ["51185008"]
    assert doc["body_part_names"] == ["thorax"]
    assert (doc["series_count"], doc["instance_count"], doc["qc_status"]) == (1, 120, "FAIL")
    assert doc["study_date"] == dt.datetime(2024, 5, 3, tzinfo=dt.UTC)


def test_content_hash_ignores_when_but_not_what() -> None:
    body = qc_body()
    later = body.model_copy(update={"provenance": [
        run.model_copy(update={"finished_at": run.finished_at + dt.timedelta(hours=1)}) for run in body.provenance]})
    assert content_hash(later) == content_hash(body)
    new_rules = body.model_copy(update={"provenance": [
        StageRun(stage="deid", service_version="0.1.0", rules={"annex_e": "2023b", "key_id": "k2"},
                 finished_at=body.provenance[0].finished_at)]})
    assert content_hash(new_rules) != content_hash(body)
    passed = body.model_copy(update={"qc": body.qc.model_copy(update={"verdict": Verdict.PASS})})
    assert content_hash(passed) != content_hash(body)


def test_study_filter_combines_every_filter() -> None:
    query = study_filter(modality="ct", body_part="Chest", site="site-a", qc_status=Verdict.PASS,
                         date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 1, 31), patient="P1")
    assert query["modalities"] == "CT"
    assert query["site_id"] == "site-a"
    assert query["qc_status"] == "PASS"
    assert query["patient_pseudonym"] == "P1"
    assert {"body_parts": "Chest"} in query["$or"]
    assert query["study_date"] == {"$gte": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                                   "$lt": dt.datetime(2024, 2, 1, tzinfo=dt.UTC)}


def test_body_part_names_are_matched_exactly_not_as_patterns() -> None:
    query = study_filter(body_part=".*")
    assert query["$or"][1] == {"body_part_names": {"$regex": r"^\.\*$"}}


def test_empty_filters_match_everything() -> None:
    assert study_filter() == {}
    assert quarantine_filter(stage="qc", reason=None, include_superseded=True) == {"stage": "qc"}
    assert quarantine_filter(stage="qc") == {"stage": "qc", "superseded_by_version": {"$exists": False}}


def test_the_checked_study_is_rebuilt_from_its_document() -> None:
    from services.index.store import qc_body_from_document

    for event in examples()[3:5]:
        body = StudyQCBody.model_validate(event.body.model_dump(include=set(StudyQCBody.model_fields)))
        doc = study_document(body, event_id="e1", correlation_id="c1", digest="h")
        assert qc_body_from_document(doc) == body
