"""End to end on the real stack: LOINC and series type in the index, the review list, a reviewer's answer
exported as a rule, and `radcurate reharmonize` replaying a stored de-identified study without re-running deid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from radcurate.cli import main as cli
from radcurate.samples import make_series
from tests.e2e.conftest import Pipeline, wait_for
from tests.e2e.test_pipeline import indexed

pytestmark = pytest.mark.stack

CT_CHEST_WO = "29252-4"  # CT Chest WO contrast
CT_CHEST = "24627-2"  # CT Chest
UNCLEAR = "RESEARCH PROTOCOL 7"  # says nothing of the anatomy: only Body Part Examined does


def review_item(pipeline: Pipeline, review_id: str) -> dict[str, Any] | None:
    response = pipeline.api.get(f"/api/v1/review/{review_id}")
    if response.status_code == 404:
        return None
    response.raise_for_status()
    item: dict[str, Any] = response.json()
    return item


@pytest.fixture(scope="module")
def unclear_study(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    sample = make_series(tmp_path_factory.mktemp("unclear"), slices=6, description=UNCLEAR, body_part="CHEST")
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)
    return {"sample": sample, "study": study}


def test_a_study_is_indexed_with_loinc_series_type_and_versions(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "ct", slices=8, spacing=1.25, description="CT CHEST W/O CONTRAST")
    pipeline.push(sample.directory)

    study = indexed(pipeline, sample.study_uid)

    [series] = study["series"]
    procedure = series["procedure"]
    assert (procedure["status"], procedure["code"]) == ("mapped", CT_CHEST_WO)
    assert procedure["meaning"] == "CT Chest WO contrast"
    assert procedure["confidence"] >= 0.8 and procedure["rule"].startswith("midrc:")
    assert study["procedures"] == [CT_CHEST_WO]
    assert series["body_part"]["status"] == "mapped" and series["body_part"]["confidence"] >= 0.8
    kind = series["series_type"]
    assert kind["localizer"] is False
    assert kind["kernel_class"]["value"] == "standard"  # GE STANDARD kernel of CT_small.dcm
    assert kind["thickness_class"]["value"] == "thin"  # SliceThickness 1.25 mm
    # CT_small.dcm carries ContrastBolusAgent ISOVUE300/100 while the description says W/O: flagged, not guessed
    phase = kind["contrast_phase"]
    assert (phase["status"], phase["value"]) == ("review", None)
    assert {c["code"] for c in phase["candidates"]} == {"contrast", "non_contrast"}
    assert phase["rule"] == "header:ContrastBolusAgent+disagrees:text"
    assert series["equipment"]["manufacturer"] == "GE HealthCare"
    assert {"name": "tube_voltage", "value": 120.0, "unit": "kV", "source": "KVP"} in series["acquisition"]
    harmonize = next(run for run in study["provenance"] if run["stage"] == "harmonize")
    assert {"vocabulary", "reviewed_rules", "review_threshold"} <= set(harmonize["rules"])

    page = pipeline.api.get("/api/v1/studies", params={"loinc": CT_CHEST_WO, "limit": 500}).json()
    assert study["study_uid"] in {s["study_uid"] for s in page["items"]}


def test_a_low_confidence_mapping_goes_to_the_review_list_and_the_answer_is_stored(
    pipeline: Pipeline, unclear_study: dict[str, Any]
) -> None:
    [series] = unclear_study["study"]["series"]
    procedure = series["procedure"]
    assert procedure["status"] == "review" and procedure["code"] is None  # withheld, not silently mapped
    assert procedure["confidence"] < 0.8
    assert procedure["candidates"][0]["code"] == CT_CHEST  # the best guess is kept as a candidate only
    assert unclear_study["study"]["review_pending"] >= 1

    item = wait_for(lambda: review_item(pipeline, procedure["review_id"]), 30, "the review item")
    assert (item["field"], item["status"]) == ("procedure", "open")
    assert item["inputs"]["study_description"] == UNCLEAR
    assert unclear_study["study"]["study_uid"] in item["studies"]
    listed = pipeline.api.get("/api/v1/review", params={"status": "open", "field": "procedure"}).json()
    assert procedure["review_id"] in {i["id"] for i in listed["items"]}
    assert cli(["--stack-env", str(pipeline.stack.env_path), "review", "list", "--field", "procedure"]) == 0

    bad = pipeline.api.post(f"/api/v1/review/{item['id']}", json={"code": "CHEST", "reviewer": "e2e"})
    assert bad.status_code == 422
    answered = pipeline.api.post(f"/api/v1/review/{item['id']}", json={"code": CT_CHEST, "reviewer": "e2e reviewer"})
    assert answered.status_code == 200, answered.text
    stored = review_item(pipeline, item["id"])
    assert stored is not None and stored["status"] == "answered"
    assert (stored["answer"]["code"], stored["answer"]["reviewer"]) == (CT_CHEST, "e2e reviewer")
    assert pipeline.api.get(f"/api/v1/review/{'0' * 16}").status_code == 404


def test_reharmonize_applies_the_reviewed_rule_without_running_deid_again(
    pipeline: Pipeline, unclear_study: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = unclear_study["study"]
    uid = study["study_uid"]
    item = review_item(pipeline, study["series"][0]["procedure"]["review_id"])
    if item is None or item["status"] != "answered":  # this test also runs alone
        pipeline.api.post(f"/api/v1/review/{study['series'][0]['procedure']['review_id']}",
                          json={"code": CT_CHEST, "reviewer": "e2e reviewer"}).raise_for_status()
    stack_env = ["--stack-env", str(pipeline.stack.env_path)]
    rules_file = tmp_path / "reviewed_rules.yaml"

    assert cli([*stack_env, "review", "export", "--output", str(rules_file)]) == 0
    rules = yaml.safe_load(rules_file.read_text())
    assert rules["version"] == "1"
    assert any(r["field"] == "procedure" and r["answer"] == CT_CHEST for r in rules["rules"])

    deid_before = pipeline.progress(unclear_study["sample"].study_uid)["stages"]["deidentified"]["event_id"]
    instances_before = len(pipeline.research.get(f"/studies/{study['research_study_id']}/instances").json())
    monkeypatch.setenv("HARMONIZE_REVIEWED_RULES_FILE", str(rules_file))
    pipeline.stack.restart("harmonize")  # the next vocabulary version: rules file version 1

    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert cli([*stack_env, "reharmonize", "--since", today, "--study", uid, "--wait", "--timeout", "60"]) == 0

    again = wait_for(lambda: (doc := pipeline.study(unclear_study["sample"].study_uid))
                     and doc["document_version"] > study["document_version"] and doc, 120, "a new document version")
    procedure = again["series"][0]["procedure"]
    assert (procedure["status"], procedure["code"]) == ("mapped", CT_CHEST)
    assert procedure["rule"] == f"reviewed:{procedure['review_id']}"
    harmonize = next(run for run in again["provenance"] if run["stage"] == "harmonize")
    assert harmonize["rules"]["reviewed_rules"] == "1"
    deid_runs = [run for run in again["provenance"] if run["stage"] == "deid"]
    assert deid_runs == [run for run in study["provenance"] if run["stage"] == "deid"]  # the same deid run
    progress = pipeline.progress(unclear_study["sample"].study_uid)
    assert progress["stages"]["deidentified"]["event_id"] == deid_before  # deid did not run again
    assert len(pipeline.research.get(f"/studies/{study['research_study_id']}/instances").json()) == instances_before
    assert [h["version"] for h in again["history"]][-2:] == [study["document_version"], again["document_version"]]
