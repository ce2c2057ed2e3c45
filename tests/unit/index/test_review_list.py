"""index: the review list from harmonized studies, answers, replay selection and replay events (pure logic)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest

from contracts import Producer, StudyHarmonized, StudyQCResult, decode, encode
from contracts.delivery import StageContext
from contracts.events import StudyReharmonizeRequested
from contracts.topics import STUDY_REHARMONIZE
from services.index.handler import replay_event
from services.index.review import harvest, replay_filter, rules_version, valid_answer
from services.index.store import study_document

FIXTURES = Path(__file__).resolve().parents[3] / "contracts" / "fixtures"


def fixture(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((FIXTURES / name).read_text())
    return data


def test_harvest_takes_questions_for_review_and_answers_now_mapped() -> None:
    event = StudyHarmonized.model_validate(fixture("study.harmonized.v1.1.json"))
    found = harvest(event.body)
    [question] = found.questions
    assert (question.field, question.review_id, question.confidence) == ("series_type.kernel_class",
                                                                         "3747ea82bb31273a", 0.7)
    assert question.inputs == {"convolution_kernel": "Q40f"} and question.candidates[0]["code"] == "standard"
    assert found.mapped == {"6c0f0b1d3e5a7c90": "midrc:L66+L460+L511", "7a1ede23c5b418ef": "cid4031:BodyPartExamined",
                            "5a3301472fd3c6ce": "procedure:WO"}
    assert rules_version(event.body) == "2.0"


def test_a_1_0_study_has_no_questions() -> None:
    event = StudyHarmonized.model_validate(fixture("study.harmonized.v1.0.json"))
    assert harvest(event.body).questions == [] and rules_version(event.body) is None


def test_study_document_lists_mapped_procedures() -> None:
    body = StudyQCResult.model_validate(fixture("study.qc_result.v1.1.json")).body
    doc = study_document(body, event_id="e", correlation_id="c", digest="d")
    assert (doc["procedures"], doc["procedure_names"], doc["review_pending"]) == (
        ["29252-4"], ["CT Chest WO contrast"], 0)


@pytest.mark.parametrize(
    ("field", "code", "ok"),
    [("procedure", "24627-2", True), ("procedure", "unknown", True), ("procedure", "CHEST", False),
     ("body_part", "816094009", True), ("body_part", "CHEST", True), ("body_part", "chest; drop", False),
     ("series_type.sequence", "FLAIR", True), ("series_type.kernel_class", "lung", True),
     ("nonsense", "x", False)],
)
def test_answers_have_the_form_of_their_field(field: str, code: str, ok: bool) -> None:
    assert valid_answer(field, code) is ok


def test_replay_filter() -> None:
    query = replay_filter(since=dt.date(2026, 1, 2), until=dt.date(2026, 1, 3), study_uids=["2.25.2", "2.25.1"],
                          site=" site-a ")
    assert query == {"deidentified_at": {"$gte": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                                         "$lt": dt.datetime(2026, 1, 4, tzinfo=dt.UTC)},
                     "_id": {"$in": ["2.25.1", "2.25.2"]}, "site_id": "site-a"}
    assert replay_filter(since=dt.date(2026, 1, 2)) == {
        "deidentified_at": {"$gte": dt.datetime(2026, 1, 2, tzinfo=dt.UTC)}}


def test_replay_event_carries_the_stored_record_with_a_stable_id() -> None:
    deid = fixture("study.deidentified.v1.0.json")
    body = deid["body"]
    assert isinstance(body, dict)
    record = {"_id": body["study"]["study_uid"], "correlation_id": deid["correlation_id"], "body": body}
    request = {"_id": "3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a098", "requested_at": dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
               "reason": "vocabulary 2.0"}
    ctx = StageContext("index", Producer(service="index", version="0.1.0"))
    out = replay_event(record, request, ctx)
    assert out.topic == STUDY_REHARMONIZE
    event = decode(encode(out.event).value, encode(out.event).headers, StudyReharmonizeRequested)
    assert event.body.study.study_uid == body["study"]["study_uid"]
    assert event.body.provenance[0].stage == "deid" and event.body.replay.request_id == request["_id"]
    assert event.correlation_id == uuid.UUID(str(deid["correlation_id"]))
    assert replay_event(record, request, ctx).event.event_id == event.event_id
