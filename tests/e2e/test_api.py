"""The index API against the real MongoDB API: auth, filters, paging, OpenAPI."""

from __future__ import annotations

import httpx
import pytest

from radcurate.samples import make_series
from tests.e2e.conftest import Pipeline
from tests.e2e.test_pipeline import indexed

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def cohort(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cohort")
    ct = make_series(root / "ct", slices=6, body_part="ABDOMEN", description="CT ABDOMEN")
    mr = make_series(root / "mr", source="MR_small.dcm", slices=6, spacing=3.0, body_part="HEAD",
                     description="MR HEAD", patient_id="API-MR-1")
    pipeline.push(ct.directory)
    pipeline.push(mr.directory, calling_aet="DEMO_B_PACS")
    return {"ct": indexed(pipeline, ct.study_uid)["study_uid"], "mr": indexed(pipeline, mr.study_uid)["study_uid"]}


def uids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["study_uid"] for item in response.json()["items"]}


def test_every_api_route_needs_the_bearer_token(pipeline: Pipeline) -> None:
    anonymous = httpx.Client(base_url=pipeline.env["API_URL"])
    for path in ("/api/v1/studies", "/api/v1/quarantine", "/api/v1/status", "/api/v1/studies/2.25.1"):
        assert anonymous.get(path).status_code == 401
        assert anonymous.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert anonymous.get("/healthz").json()["mongo"] is True
    assert "/api/v1/studies" in anonymous.get("/openapi.json").json()["paths"]
    assert anonymous.get("/docs").status_code == 200


def test_filters_select_the_cohort(pipeline: Pipeline, cohort: dict[str, str]) -> None:
    api = pipeline.api
    assert cohort["mr"] in uids(api.get("/api/v1/studies", params={"modality": "MR"}))
    assert cohort["ct"] not in uids(api.get("/api/v1/studies", params={"modality": "MR"}))
    assert uids(api.get("/api/v1/studies", params={"site": "site-demo-b"})) == {cohort["mr"]}
    abdomen = uids(api.get("/api/v1/studies", params={"body_part": "818981001"}))
    assert cohort["ct"] in abdomen
    assert cohort["mr"] not in abdomen
    assert cohort["ct"] in uids(api.get("/api/v1/studies", params={"body_part": "abdomen"}))
    assert cohort["mr"] in uids(api.get("/api/v1/studies", params={"qc_status": "PASS", "modality": "MR"}))
    assert uids(api.get("/api/v1/studies", params={"qc_status": "FAIL", "modality": "MR"})) == set()


def test_date_range_uses_the_shifted_study_date(pipeline: Pipeline, cohort: dict[str, str]) -> None:
    study = pipeline.api.get(f"/api/v1/studies/{cohort['ct']}").json()
    day = study["study_date"]
    assert day != "2024-09-17"  # the sample's real date is shifted per patient
    inside = uids(pipeline.api.get("/api/v1/studies", params={"date_from": day, "date_to": day}))
    assert cohort["ct"] in inside
    assert pipeline.api.get("/api/v1/studies", params={"date_from": "2030-01-02", "date_to": "2030-01-01"}
                            ).status_code == 422


def test_paging_reports_the_total(pipeline: Pipeline, cohort: dict[str, str]) -> None:
    first = pipeline.api.get("/api/v1/studies", params={"limit": 1, "offset": 0}).json()
    second = pipeline.api.get("/api/v1/studies", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] >= 2
    assert first["items"][0]["study_uid"] != second["items"][0]["study_uid"]
    assert pipeline.api.get("/api/v1/studies", params={"limit": 0}).status_code == 422


def test_unknown_study_is_404(pipeline: Pipeline) -> None:
    assert pipeline.api.get("/api/v1/studies/2.25.1").status_code == 404
    assert pipeline.api.get("/api/v1/studies/not-a-uid").status_code == 422


def test_status_counts_every_stage(pipeline: Pipeline, cohort: dict[str, str]) -> None:
    counts = pipeline.api.get("/api/v1/status").json()["counts"]
    for stage in ("stable", "deidentified", "harmonized", "checked", "indexed", "published"):
        assert counts[stage] >= 2, stage
