"""The research archive always agrees with the current de-identification, main tags included."""

from __future__ import annotations

import io
from pathlib import Path

import pydicom
import pytest

from radcurate.samples import make_series
from tests.e2e.conftest import Pipeline, wait_for
from tests.e2e.test_pipeline import indexed

pytestmark = pytest.mark.stack


def test_stale_main_tags_are_rebuilt_when_a_study_is_deidentified_again(pipeline: Pipeline, tmp_path: Path) -> None:
    sample = make_series(tmp_path / "stale", slices=4)
    pipeline.push(sample.directory)
    study = indexed(pipeline, sample.study_uid)
    [series] = study["series"]
    research = pipeline.research

    # Plant what an older profile version would have left: the series' first stored instance says otherwise.
    instances = research.get(f"/series/{series['research_series_id']}/instances").json()
    files = [research.get(f"/instances/{i['ID']}/file").content for i in instances]
    assert research.delete(f"/series/{series['research_series_id']}").status_code == 200
    first = pydicom.dcmread(io.BytesIO(files[0]))
    first.SeriesDescription = "OLDER PROFILE VALUE"
    buffer = io.BytesIO()
    first.save_as(buffer)
    for data in [buffer.getvalue(), *files[1:]]:
        assert research.post("/instances", content=data).status_code == 200
    planted = research.get(f"/series/{series['research_series_id']}").json()["MainDicomTags"]
    assert planted["SeriesDescription"] == "OLDER PROFILE VALUE"

    progress = pipeline.progress(sample.study_uid)
    assert progress is not None
    before = progress["stages"]["deidentified"]["event_id"]
    pipeline.push(sample.directory)  # the study is stable again: de-identified again
    wait_for(lambda: (p := pipeline.progress(sample.study_uid)) and p["stages"]["deidentified"]["event_id"] != before,
             120, "a second de-identification")

    rebuilt = research.get(f"/series/{series['research_series_id']}").json()["MainDicomTags"]
    assert rebuilt["SeriesDescription"] == series["series_description"]
    assert "OLDER PROFILE VALUE" not in research.get(
        f"/instances/{instances[0]['ID']}/simplified-tags").text
