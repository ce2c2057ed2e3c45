"""Bad input ends in quarantine with a clear reason, and the stages go on with the next study."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pydicom
import pytest
from kafka import KafkaProducer

from contracts.topics import STUDY_STABLE
from radcurate.samples import make_series
from tests.e2e.conftest import Pipeline, wait_for
from tests.e2e.test_pipeline import indexed

pytestmark = pytest.mark.stack


def corrupt_position(path: Path) -> None:
    """Replace the y of Image Position (Patient) by letters, keeping the value length (as a faulty device might)."""
    raw = path.read_bytes()
    ds = pydicom.dcmread(path)
    text = "\\".join(str(v) for v in ds["ImagePositionPatient"].value)
    text += " " * (len(text) % 2)
    x, y, z = text.split("\\")
    bad = "\\".join([x, "abc".ljust(len(y), " ") if len(y) >= 3 else "ab"[: len(y)], z])
    assert len(bad) == len(text)
    path.write_bytes(raw.replace(text.encode(), bad.encode(), 1))


def test_a_corrupt_instance_is_quarantined_and_the_rest_of_the_study_flows(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "truncated", slices=8)
    last = sample.files[-1]
    ds = pydicom.dcmread(last)
    ds.PixelData = ds.PixelData[:2000]  # a transfer cut short: the element is consistent, the image is not
    ds.save_as(last)
    pipeline.push(sample.directory)

    study = indexed(pipeline, sample.study_uid)
    assert study["instance_count"] == 7
    assert study["qc_status"] == "PASS"
    [skipped] = study["skipped_instances"]
    assert skipped["reason"] == "pixel_data_truncated"
    records = wait_for(lambda: pipeline.quarantine(stage="deid", study_uid=study["study_uid"]), 30, "quarantine")
    assert records[0]["reason"] == "pixel_data_truncated"
    assert records[0]["edge_instance_ids"] == [skipped["edge_instance_id"]]


def test_a_study_with_malformed_geometry_is_quarantined_as_an_error(pipeline: Pipeline, tmp_path: Path) -> None:
    broken = make_series(tmp_path / "broken", slices=6)
    for path in broken.files:
        corrupt_position(path)
    good = make_series(tmp_path / "next", slices=6)
    pipeline.push(broken.directory)
    pipeline.push(good.directory)

    study = indexed(pipeline, broken.study_uid)
    assert study["qc_status"] == "ERROR"
    assert {f["code"] for f in study["qc"]["findings"]} == {"malformed_attribute"}
    records = wait_for(lambda: pipeline.quarantine(stage="qc", study_uid=study["study_uid"]), 30, "quarantine")
    assert records[0]["reason"] == "malformed_attribute"
    assert indexed(pipeline, good.study_uid)["qc_status"] == "PASS"


def test_an_undecodable_event_is_quarantined_and_the_next_study_flows(pipeline: Pipeline, tmp_path: Path) -> None:
    producer = KafkaProducer(bootstrap_servers=pipeline.env["KAFKA_BOOTSTRAP"])
    producer.send(STUDY_STABLE.name, key=b"junk", value=b'{"hello": "not an event"}',
                  headers=[("event_type", b"study.stable"), ("schema_version", b"1.0")]).get(timeout=30)
    producer.send(STUDY_STABLE.name, key=b"junk", value=b"\x00\xff garbage",
                  headers=[("event_type", b"study.exploded")]).get(timeout=30)
    producer.close()
    good = make_series(tmp_path / "after_junk", slices=5)
    pipeline.push(good.directory)

    assert indexed(pipeline, good.study_uid)["qc_status"] == "PASS"
    records = wait_for(lambda: (r := pipeline.quarantine(stage="deid", reason="contract_violation"))
                       and len(r) >= 2 and r, 30, "contract quarantine")
    kinds = {r["kind"] for r in records}
    assert kinds == {"contract_error"}
    assert any("unknown event type 'study.exploded'" in r["detail"] for r in records)
    assert any("invalid study.stable event" in r["detail"] for r in records)


def malformed_records(count: int) -> list[tuple[bytes, list[tuple[str, bytes]]]]:
    """Distinct malformed records: random bytes, wrong JSON shapes, wrong types and versions, no headers."""
    rng = random.Random(6)
    valid = json.loads(Path(__file__).resolve().parents[2].joinpath(
        "contracts", "fixtures", "study.stable.v1.0.json").read_text())
    records: list[tuple[bytes, list[tuple[str, bytes]]]] = []
    stable = [("event_type", b"study.stable"), ("schema_version", b"1.0")]
    for i in range(count):
        kind = i % 8
        if kind == 0:
            records.append((rng.randbytes(rng.randint(1, 300)), stable))
        elif kind == 1:
            records.append((json.dumps({"n": i, "hello": "world"}).encode(), stable))
        elif kind == 2:
            broken = {**valid, "event_id": f"not-a-uuid-{i}"}
            records.append((json.dumps(broken).encode(), stable))
        elif kind == 3:
            body = {**valid["body"], "instance_count": -i - 1}
            records.append((json.dumps({**valid, "body": body}).encode(), stable))
        elif kind == 4:
            records.append((json.dumps({**valid, "n": i}).encode(), [("event_type", b"study.exploded")]))
        elif kind == 5:
            records.append((json.dumps({**valid, "n": i}).encode(), [("schema_version", b"2.0")]))
        elif kind == 6:
            records.append((json.dumps({"n": i, **valid}).encode()[: rng.randint(12, 200)], []))
        else:
            records.append((b"x" * rng.randint(10_000, 200_000) + str(i).encode(), stable))
    return records


def test_a_thousand_malformed_events_are_each_quarantined_and_no_worker_dies(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    def contract_records() -> int:
        return pipeline.mongo["quarantine"].count_documents(
            {"stage": "deid", "kind": "contract_error", "source_topic": STUDY_STABLE.name})

    before = contract_records()
    records = malformed_records(1000)
    assert len({(value, tuple(headers)) for value, headers in records}) == len(records)  # distinct records
    producer = KafkaProducer(bootstrap_servers=pipeline.env["KAFKA_BOOTSTRAP"], max_request_size=1_048_576)
    for i, (value, headers) in enumerate(records):
        producer.send(STUDY_STABLE.name, key=f"junk-{i}".encode(), value=value, headers=headers)
    producer.flush(timeout=60)
    producer.close()

    wait_for(lambda: contract_records() >= before + len(records), 300, "1,000 quarantine records")
    assert contract_records() == before + len(records)
    for service in ("deid", "index"):
        assert pipeline.stack.healthy(service), f"{service} died"
    good = make_series(tmp_path / "after_flood", slices=4)
    pipeline.push(good.directory)
    assert indexed(pipeline, good.study_uid)["qc_status"] == "PASS"
