"""Bad input ends in quarantine with a clear reason, and the stages go on with the next study."""

from __future__ import annotations

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
