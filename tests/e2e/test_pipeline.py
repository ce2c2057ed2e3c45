"""End to end on the real stack: C-STORE to the edge archive → ... → the index API and the research archive."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pydicom
import pytest

from radcurate.samples import make_series, planted_strings
from tests.e2e.conftest import Pipeline, wait_for

pytestmark = pytest.mark.stack


def indexed(pipeline: Pipeline, study_uid: str, timeout: float = 120) -> dict[str, Any]:
    """The study's document once indexing finished: upserted, then its review started (a second write)."""
    def done() -> dict[str, Any] | None:
        study = pipeline.study(study_uid)
        return study if study is not None and study.get("review_state") else None

    return wait_for(done, timeout, f"study {study_uid} in the index with its review started")


def research_files(pipeline: Pipeline, research_study_id: str) -> list[bytes]:
    instances = pipeline.research.get(f"/studies/{research_study_id}/instances").json()
    return [pipeline.research.get(f"/instances/{i['ID']}/file").content for i in instances]


def test_a_ct_series_flows_to_the_index_with_geometry_and_qc_pass(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "ct", slices=12, spacing=2.5)
    pipeline.push(sample.directory)

    study = indexed(pipeline, sample.study_uid)

    assert study["site_id"] == "site-demo-a"
    assert study["qc_status"] == "PASS"
    assert (study["series_count"], study["instance_count"]) == (1, 12)
    assert study["modalities"] == ["CT"]
    [series] = study["series"]
    assert series["series_uid"] == pipeline.pseudonyms.uid(sample.series_uid)
    assert series["body_part"]["code"] == "816094009"  # SNOMED CT: chest (CID 4031, CHEST)
    assert series["body_part"]["raw"] == "CHEST"
    geometry = series["geometry"]
    assert geometry["slice_count"] == 12
    assert geometry["slice_spacing"] == pytest.approx(2.5, abs=0.01)
    assert (geometry["rows"], geometry["columns"]) == (128, 128)
    assert geometry["plane"] == "AXIAL"
    assert [run["stage"] for run in study["provenance"]] == ["deid", "harmonize", "qc"]
    assert study["provenance"][0]["rules"]["annex_e"] == "2023b"
    assert study["patient_pseudonym"] == pipeline.pseudonyms.patient_id(sample.patient_id)


def test_the_research_archive_holds_no_identifying_data(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "ct", slices=10)
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)

    files = research_files(pipeline, study["research_study_id"])
    assert len(files) == 10
    secrets = planted_strings([sample])
    for raw in files:
        for value in secrets:
            assert value.encode() not in raw, f"planted value of length {len(value)} survived"
        ds = pydicom.dcmread(io.BytesIO(raw))
        assert ds.PatientIdentityRemoved == "YES"
        assert ds.StudyInstanceUID.startswith("2.25.")
        assert not [e for e in ds if e.tag.is_private and e.tag.element >= 0x1000
                    and "RADCURATE" in str(ds.get((e.tag.group, 0x0010), ""))]
        for item in ds.get("ReferencedImageSequence", []):
            assert item.ReferencedSOPInstanceUID.startswith("2.25.")


def test_a_missing_slice_fails_qc_and_is_quarantined(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "gap", slices=14, spacing=2.0, drop=[6])
    pipeline.push(sample.directory)

    study = indexed(pipeline, sample.study_uid)

    assert study["qc_status"] == "FAIL"
    assert "missing_slice" in {f["code"] for f in study["qc"]["findings"]}
    records = wait_for(lambda: pipeline.quarantine(stage="qc", study_uid=study["study_uid"]), 30, "quarantine")
    assert records[0]["reason"] == "missing_slice"
    assert records[0]["kind"] == "qc_failed"


def test_sending_a_study_twice_leaves_one_document(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "twice", slices=10)
    pipeline.push(sample.directory)
    first = indexed(pipeline, sample.study_uid)

    def indexed_event() -> str | None:
        progress = pipeline.progress(sample.study_uid)
        return progress["stages"]["indexed"]["event_id"] if progress and "indexed" in progress["stages"] else None

    first_event = wait_for(indexed_event, 30, "progress record")
    pipeline.push(sample.directory)
    wait_for(lambda: (event := indexed_event()) and event != first_event, 120, "the study indexed a second time")

    assert pipeline.mongo["studies"].count_documents({"_id": first["study_uid"]}) == 1
    again = pipeline.study(sample.study_uid)
    assert again is not None
    assert again["document_version"] == first["document_version"]
    assert again["instance_count"] == 10


def test_ingest_resumes_from_its_cursor_after_a_stop(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.stack.stop("ingest")
    try:
        sample = make_series(tmp_path / "while_down", slices=10)
        pipeline.push(sample.directory)
        wait_for(lambda: pipeline.edge.get("/changes", params={"last": ""}).json()["Last"] > 0, 10, "changes")
    finally:
        pipeline.stack.start("ingest")
    study = indexed(pipeline, sample.study_uid)
    assert study["instance_count"] == 10
    assert pipeline.mongo["studies"].count_documents({"_id": study["study_uid"]}) == 1


def test_an_unregistered_sender_is_quarantined_at_ingest(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "rogue", slices=3)
    pipeline.push(sample.directory, calling_aet="ROGUE_PACS")
    edge_id = pipeline.edge.post("/tools/lookup", content=sample.study_uid).json()[0]["ID"]

    records = wait_for(
        lambda: [r for r in pipeline.quarantine(stage="ingest", reason="unknown_site")
                 if r["edge_study_id"] == edge_id], 60, "unknown_site quarantine")
    assert "ROGUE_PACS" in records[0]["detail"]
    assert pipeline.study(sample.study_uid) is None


def test_a_late_instance_reopens_the_study_as_a_new_version(pipeline: Pipeline, tmp_path: Path) -> None:
    full = make_series(tmp_path / "late_full", slices=12, spacing=2.0)
    first = tmp_path / "late_first"
    first.mkdir()
    for path in full.files[:10]:
        (first / path.name).write_bytes(path.read_bytes())
    pipeline.push(first)
    study = indexed(pipeline, full.study_uid)
    assert (study["document_version"], study["instance_count"]) == (1, 10)

    late = tmp_path / "late_rest"
    late.mkdir()
    for path in full.files[10:]:
        (late / path.name).write_bytes(path.read_bytes())
    pipeline.push(late)  # after the study was judged stable
    reopened = wait_for(lambda: (s := pipeline.study(full.study_uid)) and s["document_version"] == 2 and s,
                        120, "the study re-indexed with its late instances")
    assert reopened["instance_count"] == 12
    assert reopened["series"][0]["geometry"]["slice_count"] == 12
    assert [h["version"] for h in reopened["history"]] == [1, 2]
