"""Faults lose nothing: crashes, kill -9 and outages of every component, on the real local stack.

Each test leaves the stack whole again (every component started and healthy) for the next one.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from radcurate.samples import SampleSeries, make_series
from tests.e2e.conftest import Pipeline, wait_for
from tests.e2e.test_pipeline import indexed

pytestmark = pytest.mark.stack


def assert_indexed_once(pipeline: Pipeline, samples: list[SampleSeries], timeout: float = 180) -> None:
    for sample in samples:
        study = indexed(pipeline, sample.study_uid, timeout)
        assert study["instance_count"] == len(sample.files)
        assert study["document_version"] == 1, "a replay must not create a new version of identical content"
        assert pipeline.mongo["studies"].count_documents({"_id": study["study_uid"]}) == 1


def no_quarantine_for(pipeline: Pipeline, sample: SampleSeries) -> bool:
    uid = pipeline.pseudonyms.uid(sample.study_uid)
    return pipeline.mongo["quarantine"].count_documents({"study_uid": uid}) == 0


def test_a_study_received_just_before_an_archive_crash_is_still_announced(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    sample = make_series(tmp_path / "crash_window", slices=5)
    pipeline.push(sample.directory)
    pipeline.stack.kill("edge")  # inside StableAge: Orthanc will never log this study's StableStudy
    pipeline.stack.start("edge")
    assert_indexed_once(pipeline, [sample])


@pytest.mark.parametrize("service", ["ingest", "deid", "harmonize", "qc", "index"])
def test_kill_9_of_a_service_while_studies_stream_in_loses_nothing(
    pipeline: Pipeline, tmp_path: Path, service: str
) -> None:
    samples = [make_series(tmp_path / f"s{i}", slices=6) for i in range(3)]
    pipeline.push(samples[0].directory)
    time.sleep(1.5)
    pipeline.stack.kill(service)
    for sample in samples[1:]:
        pipeline.push(sample.directory)
    time.sleep(2)
    pipeline.stack.start(service)
    assert_indexed_once(pipeline, samples)


def test_research_archive_outage_delays_but_loses_nothing(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "research_down", slices=6)
    pipeline.stack.stop("research")
    try:
        pipeline.push(sample.directory)
        time.sleep(8)  # deid is retrying its uploads meanwhile
        assert pipeline.study(sample.study_uid) is None
    finally:
        pipeline.stack.start("research")
    assert_indexed_once(pipeline, [sample])
    assert no_quarantine_for(pipeline, sample)


def test_edge_archive_outage_delays_but_loses_nothing(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "edge_down", slices=6)
    pipeline.stack.stop("deid")
    try:
        pipeline.push(sample.directory)
        wait_for(lambda: pipeline.mongo["pipeline"].find_one(
            {"stages.stable": {"$exists": True}, "stages.deidentified": {"$exists": False},
             "study_uid": {"$exists": False}}), 60, "the study announced")
        pipeline.stack.stop("edge")
        pipeline.stack.start("deid")  # its downloads fail while the edge archive is down: it retries
        time.sleep(6)
    finally:
        pipeline.stack.start("edge")
        pipeline.stack.start("deid")
    assert_indexed_once(pipeline, [sample])
    assert no_quarantine_for(pipeline, sample)


def test_mongodb_outage_delays_but_loses_nothing(pipeline: Pipeline, tmp_path: Path) -> None:
    before = make_series(tmp_path / "before", slices=4)
    pipeline.push(before.directory)
    indexed(pipeline, before.study_uid)
    sample = make_series(tmp_path / "mongo_down", slices=6)
    pipeline.stack.stop("mongo")
    try:
        pipeline.push(sample.directory)
        time.sleep(8)  # ingest cannot read its cursor, index cannot write: both wait
    finally:
        pipeline.stack.start("mongo")
    assert_indexed_once(pipeline, [before, sample])
    assert no_quarantine_for(pipeline, sample)


def test_broker_restart_loses_nothing(pipeline: Pipeline, tmp_path: Path) -> None:
    first = make_series(tmp_path / "before_broker", slices=4)
    pipeline.push(first.directory)
    indexed(pipeline, first.study_uid)
    sample = make_series(tmp_path / "broker_down", slices=6)
    pipeline.stack.stop("broker")
    try:
        pipeline.push(sample.directory)
        time.sleep(5)  # ingest cannot publish: its cursor stays where it is
    finally:
        pipeline.stack.start("broker")
    assert_indexed_once(pipeline, [first, sample], timeout=240)
