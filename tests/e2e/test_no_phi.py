"""No PHI anywhere downstream of de-identification: logs, spans, events, index documents, API answers.

The session's stack runs with tracing printed to the service logs and DEBUG logging (see conftest).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pydicom
import pytest
from kafka import KafkaConsumer
from pydicom.dataset import Dataset

from contracts.topics import ALL_TOPICS
from radcurate.samples import PLANTED_PHI, PRIVATE_VALUE, make_series, planted_strings
from tests.e2e.conftest import Pipeline
from tests.e2e.test_pipeline import indexed

pytestmark = pytest.mark.stack

EXTRA_PHI = {
    "PatientName": "Chen^Xiaoming^^^",
    "PatientID": "SZ-20240917-5521",
    "PatientBirthDate": "19790402",
    "PatientAddress": "17 Zhongshan Avenue, Apt 1203",
    "PatientTelephoneNumbers": "+86 139 0000 7777",
    "InstitutionName": "Eastern District People's Hospital",
    "OperatorsName": "Sun^Mei",
}
NESTED_PHI = "Requested by Dr Guo Hua, room 3302"


def plant_more(path: Path) -> None:
    ds = pydicom.dcmread(path)
    item = Dataset()
    item.RequestedProcedureDescription = NESTED_PHI
    item.RequestedProcedureID = "RQ-778899"
    ds.RequestAttributesSequence = [item]
    ds.StudyComments = f"Patient {EXTRA_PHI['PatientName']} transferred"
    ds.save_as(path)


def service_logs(pipeline: Pipeline) -> dict[str, str]:
    """Every log of the pipeline's own processes and of the research archive (not the identified edge)."""
    logs = pipeline.stack.dir / "logs"
    return {p.name: p.read_text(errors="replace") for p in logs.glob("*.log") if p.name != "edge.log"}


#: A planted fragment this short (a given name: Wei, Li) is a leak as a word of its own: inside a longer word or a
#: base64 excerpt of a quarantined record ("Weight", "...qWeiZ...") it is a coincidence.
SHORT_FRAGMENT = 5


def found(value: str, text: str) -> bool:
    """Whether the planted `value` appears in `text` (a short fragment only as a word of its own)."""
    if len(value) >= SHORT_FRAGMENT:
        return value in text
    return re.search(rf"(?<![A-Za-z0-9+/=]){re.escape(value)}(?![A-Za-z0-9+/=])", text) is not None


def topic_payloads(pipeline: Pipeline) -> list[bytes]:
    consumer = KafkaConsumer(*(t.name for t in ALL_TOPICS), bootstrap_servers=pipeline.env["KAFKA_BOOTSTRAP"],
                             auto_offset_reset="earliest", group_id=None, consumer_timeout_ms=5000)
    records = [record.value + b"".join(v for _, v in record.headers) for record in consumer]
    consumer.close()
    return records


def test_planted_phi_appears_in_no_log_span_event_or_document(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "phi", slices=6, phi=EXTRA_PHI, calling_site_note="Chen Xiaoming ward 5")
    for path in sample.files:
        plant_more(path)
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)

    secrets = planted_strings([sample]) | {NESTED_PHI, "RQ-778899", "Xiaoming", PRIVATE_VALUE}
    for value in PLANTED_PHI.values():  # shared by every other sample of the session
        secrets |= {value, *value.split("^")}
    secrets = {s for s in secrets if len(s) >= 3}

    logs = service_logs(pipeline)
    assert '"trace_id"' in logs["deid.log"], "spans are not being written: the check would be vacuous"
    assert "DEBUG" in logs["index.log"]
    leaks = [(name, value) for name, text in logs.items() for value in secrets if found(value, text)]
    assert leaks == [], f"planted values in logs: {[(n, len(v)) for n, v in leaks]}"

    payloads = topic_payloads(pipeline)
    assert len(payloads) >= 5
    leaks_events = {value for raw in payloads for value in secrets
                    if found(value, raw.decode("utf-8", errors="replace"))}
    assert leaks_events == set(), f"{len(leaks_events)} planted values in events"

    documents = json.dumps([list(pipeline.mongo[c].find()) for c in ("studies", "quarantine", "pipeline")],
                           default=str)
    assert [v for v in secrets if found(v, documents)] == []
    answer = pipeline.api.get(f"/api/v1/studies/{study['study_uid']}").text
    assert [v for v in secrets if found(v, answer)] == []


def test_a_short_fragment_is_found_as_a_word_not_inside_one() -> None:
    assert found("Wei", "patient Zhang Wei, ward 5") and found("Wei", '"name": "Wei"')
    assert not found("Wei", "PatientWeight") and not found("Wei", "excerpt qWeiZ9+/")
    assert found("Xiaoming", "ChenXiaomingWard")  # a long value is found anywhere
