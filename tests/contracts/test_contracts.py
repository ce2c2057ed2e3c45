"""Contract tests: schemas committed and current, fixtures still decode, codec and registry rules."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import EVENT_TYPES, ContractError, StudyQCResult, StudyStable, decode, encode
from contracts.codec import HEADER_EVENT_TYPE, HEADER_SCHEMA_VERSION
from contracts.schema import drift, expected_files
from contracts.topics import ALL_TOPICS, QUARANTINE, SERVICES, by_name, topics_written_by
from tests.contracts.examples import examples

FIXTURES = Path(__file__).resolve().parents[2] / "contracts" / "fixtures"


def test_committed_json_schemas_match_the_models() -> None:
    assert drift() == [], "run `python -m contracts.schema write` and commit contracts/schemas"


def test_drift_is_detected(tmp_path: Path) -> None:
    for name, text in expected_files().items():
        (tmp_path / name).write_text(text)
    assert drift(tmp_path) == []
    victim = next(iter(expected_files()))
    (tmp_path / victim).write_text("{}\n")
    (tmp_path / "stale.json").write_text("{}\n")
    assert drift(tmp_path) == sorted([victim, "stale.json"])


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_released_fixtures_still_decode(path: Path) -> None:
    payload = json.loads(path.read_text())
    cls = EVENT_TYPES[payload["event_type"]]
    headers = {HEADER_EVENT_TYPE: payload["event_type"].encode(), HEADER_SCHEMA_VERSION: b"1.0"}
    event = decode(path.read_bytes(), headers, cls)
    assert json.loads(event.model_dump_json()) == payload


def test_every_event_type_has_a_fixture() -> None:
    types = {json.loads(p.read_text())["event_type"] for p in FIXTURES.glob("*.json")}
    assert types == set(EVENT_TYPES)


@pytest.mark.parametrize("event", examples(), ids=lambda e: e.event_type)
def test_round_trip_through_a_kafka_record(event: object) -> None:
    record = encode(event)  # type: ignore[arg-type]
    headers = dict(record.headers)
    assert headers[HEADER_EVENT_TYPE] == event.event_type.encode()  # type: ignore[attr-defined]
    assert record.key == str(event.correlation_id).encode()  # type: ignore[attr-defined]
    assert decode(record.value, record.headers, type(event)) == event  # type: ignore[arg-type]


def test_wrong_event_type_is_a_contract_error() -> None:
    record = encode(examples()[0])
    with pytest.raises(ContractError, match=r"'study\.stable' where 'study\.qc_result'"):
        decode(record.value, record.headers, StudyQCResult)


def test_unknown_event_type_is_named_unknown() -> None:
    with pytest.raises(ContractError, match=r"unknown event type 'study\.exploded'"):
        decode(b"{}", {HEADER_EVENT_TYPE: b"study.exploded"}, StudyStable)


def test_incompatible_major_version_is_a_contract_error() -> None:
    record = encode(examples()[0])
    headers = [(k, v) for k, v in record.headers if k != HEADER_SCHEMA_VERSION] + [(HEADER_SCHEMA_VERSION, b"2.0")]
    with pytest.raises(ContractError, match="not compatible"):
        decode(record.value, headers, StudyStable)


def test_invalid_payload_error_names_fields_but_never_values() -> None:
    payload = json.loads(encode(examples()[0]).value)
    payload["body"]["site_id"] = {"PatientName": "Zhang^Wei"}
    with pytest.raises(ContractError) as caught:
        decode(json.dumps(payload).encode(), None, StudyStable)
    assert "body.site_id" in str(caught.value)
    assert "Zhang" not in str(caught.value)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_escape_as_anything_but_contract_errors(data: bytes) -> None:
    with pytest.raises(ContractError):
        decode(data, None, StudyStable)


def test_pixel_data_has_no_place_in_events() -> None:
    for cls in EVENT_TYPES.values():
        text = json.dumps(cls.model_json_schema()).lower()
        assert "pixeldata" not in text and "pixel_data" not in text


def test_each_topic_has_one_writer_and_each_stage_its_quarantine() -> None:
    names = [t.name for t in ALL_TOPICS]
    assert len(names) == len(set(names))
    assert {t.writer for t in ALL_TOPICS} == set(SERVICES)
    for stage in SERVICES:
        assert QUARANTINE[stage] in topics_written_by(stage)
    assert by_name("radcurate.study.curated.v1").writer == "index"
    assert {t.event_type for t in ALL_TOPICS} == set(EVENT_TYPES)


def test_event_ids_are_uuids_and_correlation_is_per_study() -> None:
    from contracts import study_correlation_id

    assert study_correlation_id("abc") == study_correlation_id("abc")
    assert study_correlation_id("abc") != study_correlation_id("abd")
    assert isinstance(examples()[0].event_id, uuid.UUID)


def test_header_values_that_are_not_names_are_never_quoted() -> None:
    with pytest.raises(ContractError) as caught:
        decode(b"{}", {HEADER_EVENT_TYPE: b"Zhang^Wei 1961"}, StudyStable)
    assert "Zhang" not in str(caught.value)
    with pytest.raises(ContractError) as caught:
        decode(b"{}", {HEADER_SCHEMA_VERSION: b"HOSP-4711"}, StudyStable)
    assert "HOSP" not in str(caught.value)
