"""Three-level QC review on the real stack: queue, decisions by named reviewers, arbitration, release to the
curated topic without re-sending, statistics per site, eligibility per protocol profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from kafka import KafkaConsumer

from contracts.topics import STUDY_CURATED
from radcurate.samples import make_series
from tests.e2e.conftest import Pipeline, wait_for
from tests.e2e.test_pipeline import indexed

pytestmark = pytest.mark.stack


def client(pipeline: Pipeline, token_var: str) -> httpx.Client:
    return httpx.Client(base_url=pipeline.env["API_URL"], timeout=30,
                        headers={"Authorization": f"Bearer {pipeline.env[token_var]}"})


def curated_events(pipeline: Pipeline, study_uid: str) -> list[dict[str, Any]]:
    consumer = KafkaConsumer(STUDY_CURATED.name, bootstrap_servers=pipeline.env["KAFKA_BOOTSTRAP"],
                             auto_offset_reset="earliest", group_id=None, consumer_timeout_ms=3000)
    events = [json.loads(r.value) for r in consumer]
    consumer.close()
    return [e for e in events if e["body"]["study"]["study_uid"] == study_uid]


def decide(api: httpx.Client, study_uid: str, version: int, decision: str, reason: str | None) -> httpx.Response:
    return api.post(f"/api/v1/qc/{study_uid}/decision",
                    json={"document_version": version, "decision": decision, "reason": reason})


def test_a_passing_study_is_accepted_at_level_one_and_published_once(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "pass", slices=6)
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)
    assert study["review_state"] == "accepted"
    events = wait_for(lambda: curated_events(pipeline, study["study_uid"]), 30, "the curated event")
    assert len(events) == 1
    assert events[0]["schema_version"] == "1.2"
    assert events[0]["body"]["review"]["level"] == 1


def test_a_failed_study_released_by_arbitration_flows_on_without_resending(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    sample = make_series(tmp_path / "overruled", slices=12, spacing=2.0, drop=[5])
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)
    uid, version = study["study_uid"], study["document_version"]
    assert study["qc_status"] == "FAIL"
    assert study["review_state"] == "awaiting_review"
    queue = pipeline.api.get("/api/v1/qc/queue", params={"state": "awaiting_review"}).json()["items"]
    assert uid in {item["study_uid"] for item in queue}

    reviewer, arbiter = client(pipeline, "REVIEWER_TOKEN"), client(pipeline, "ARBITER_TOKEN")
    assert decide(reviewer, uid, version, "accept", None).status_code == 422  # overruling needs a reason
    answer = decide(reviewer, uid, version, "accept", "the gap is below the region of interest")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "awaiting_arbitration"
    assert decide(client(pipeline, "REVIEWER2_TOKEN"), uid, version, "accept", "agree").status_code == 403
    assert decide(arbiter, uid, version + 1, "accept", "ok").status_code == 409  # not the current version
    final = decide(arbiter, uid, version, "accept", "usable for the nodule cohort")
    assert final.json()["state"] == "accepted"
    assert [d["reviewer"] for d in final.json()["decisions"]] == ["reviewer-1", "arbiter-1"]

    events = wait_for(lambda: curated_events(pipeline, uid), 60, "the released study on the curated topic")
    assert len(events) == 1
    assert events[0]["body"]["review"]["level"] == 3
    assert events[0]["body"]["qc"]["verdict"] == "FAIL"
    assert pipeline.quarantine(stage="qc", study_uid=uid) == []  # superseded by the published version
    superseded = pipeline.api.get("/api/v1/quarantine", params={"study_uid": uid, "include_superseded": True})
    assert {r["reason"] for r in superseded.json()["items"]} == {"missing_slice"}
    history = pipeline.api.get(f"/api/v1/qc/{uid}").json()["review"]["history"]
    assert [h["level"] for h in history] == [1, 2, 3]


def test_a_rejected_study_stays_quarantined_with_its_history(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "rejected", slices=12, spacing=2.0, drop=[4])
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)
    reviewer = client(pipeline, "REVIEWER_TOKEN")
    answer = decide(reviewer, study["study_uid"], study["document_version"], "reject", "slice 5 missing")
    assert answer.json()["state"] == "rejected"
    reasons = {r["reason"] for r in pipeline.quarantine(study_uid=study["study_uid"])}
    assert reasons == {"missing_slice", "review_rejected"}
    assert curated_events(pipeline, study["study_uid"]) == []
    assert pipeline.api.get("/api/v1/studies", params={"review_state": "rejected"}).json()["total"] >= 1


def test_a_thin_lung_kernel_chest_ct_is_eligible_for_the_lung_nodule_database(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    lung = make_series(tmp_path / "lung", slices=170, spacing=1.25, attributes={
        "ConvolutionKernel": "B70f", "SliceThickness": 1.25})
    pipeline.push(lung.directory)
    study = indexed(pipeline, lung.study_uid, 240)
    assert study["eligible_for"] == ["lung_nodule_ct"]
    detail = pipeline.api.get(f"/api/v1/studies/{study['study_uid']}").json()
    verdicts = {p["profile"]: p for p in detail["qc"]["profiles"]}
    assert verdicts["lung_nodule_ct"]["eligible"] is True
    assert verdicts["brain_mr"]["eligible"] is False
    cohort = pipeline.api.get("/api/v1/studies", params={"eligible_for": "lung_nodule_ct"}).json()
    assert study["study_uid"] in {s["study_uid"] for s in cohort["items"]}


def test_statistics_tell_each_site_what_failed(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "stats", slices=10, spacing=2.0, drop=[3])
    pipeline.push(sample.directory)
    indexed(pipeline, sample.study_uid)
    rows = pipeline.api.get("/api/v1/qc/statistics", params={"site": "site-demo-a"}).json()["items"]
    assert rows
    assert all(r["site_id"] == "site-demo-a" for r in rows)
    assert sum(r["failure_reasons"].get("missing_slice", 0) for r in rows) >= 1
    assert sum(r["verdicts"].get("FAIL", 0) for r in rows) >= 1


def test_the_same_event_delivered_twice_gives_one_document_and_one_curated_event(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    from kafka import KafkaProducer

    from contracts.topics import STUDY_QC

    sample = make_series(tmp_path / "twice_delivered", slices=6)
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)
    wait_for(lambda: curated_events(pipeline, study["study_uid"]), 30, "the curated event")

    consumer = KafkaConsumer(STUDY_QC.name, bootstrap_servers=pipeline.env["KAFKA_BOOTSTRAP"],
                             auto_offset_reset="earliest", group_id=None, consumer_timeout_ms=3000)
    [record] = [r for r in consumer if json.loads(r.value)["body"]["study"]["study_uid"] == study["study_uid"]]
    consumer.close()
    before = pipeline.progress(sample.study_uid)
    assert before is not None
    producer = KafkaProducer(bootstrap_servers=pipeline.env["KAFKA_BOOTSTRAP"])
    producer.send(STUDY_QC.name, key=record.key, value=record.value, headers=record.headers).get(timeout=30)
    producer.close()

    wait_for(lambda: (p := pipeline.progress(sample.study_uid)) and p["stages"]["indexed"]["at"]
             > before["stages"]["indexed"]["at"], 60, "the duplicate processed")
    again = pipeline.study(sample.study_uid)
    assert again is not None
    assert again["document_version"] == study["document_version"]
    assert len(curated_events(pipeline, study["study_uid"])) == 1
