"""The qc handler over an in-memory research archive holding real series: headers fetched once per series,
a few instances downloaded for the pixel checks, study checks, profiles, provenance and quarantine."""

from __future__ import annotations

import asyncio
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydicom import Dataset

from contracts import Producer, QuarantinedBody, StudyHarmonized, StudyQCBody, Verdict
from contracts.delivery import StageContext
from contracts.topics import STUDY_QC
from services.qc.codes import Code
from services.qc.handler import StudyChecker
from services.qc.profiles import eligible_for
from services.qc.rules import load_rules
from tests.unit.series import build_series, header_only

FIXTURE = Path(__file__).parents[3] / "contracts" / "fixtures" / "study.harmonized.v1.0.json"
STUDY, PATIENT, CHEST = "2.25.7", "P1", "816094009"


class MemoryArchive:
    """The research archive's three reads, over datasets kept in memory; counts every call."""

    def __init__(self, series: dict[str, list[Dataset]]) -> None:
        self.headers = {uid: [header_only(ds) for ds in slices] for uid, slices in series.items()}
        self.files: dict[str, bytes] = {}
        self.ids: dict[str, dict[str, str]] = {}
        for uid, slices in series.items():
            self.ids[f"rs-{uid}"] = {}
            for ds in slices:
                buffer = io.BytesIO()
                ds.save_as(buffer, enforce_file_format=True)
                self.ids[f"rs-{uid}"][str(ds.SOPInstanceUID)] = f"ri-{ds.SOPInstanceUID}"
                self.files[f"ri-{ds.SOPInstanceUID}"] = buffer.getvalue()
        self.calls: Counter[str] = Counter()

    def series_headers(self, study_uid: str, series_uid: str, research_series_id: str) -> list[Dataset]:
        self.calls[f"headers {series_uid}"] += 1
        return list(self.headers.get(series_uid, []))

    def series_instances(self, research_series_id: str) -> dict[str, str]:
        self.calls["instances"] += 1
        return dict(self.ids.get(research_series_id, {}))

    def instance_file(self, instance_id: str) -> bytes | None:
        self.calls["file"] += 1
        return self.files.get(instance_id)


def _series(template: str = "CT_small.dcm", **kwargs: Any) -> list[Dataset]:
    slices = build_series(template, **kwargs)
    for ds in slices:
        ds.StudyInstanceUID, ds.PatientID = STUDY, PATIENT
    return slices


def _event(series: dict[str, list[Dataset]]) -> StudyHarmonized:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    template = data["body"]["series"][0]
    data["body"]["study"].update(study_uid=STUDY, patient_pseudonym=PATIENT)
    data["body"]["series"] = [
        {**template, "series_uid": uid, "research_series_id": f"rs-{uid}", "instance_count": len(slices),
         "modality": str(slices[0].Modality), "body_part": {**template["body_part"], "code": CHEST}}
        for uid, slices in series.items()
    ]
    return StudyHarmonized.model_validate(data)


def _run(series: dict[str, list[Dataset]], archive: MemoryArchive | None = None) -> tuple[MemoryArchive, list[Any]]:
    archive = archive or MemoryArchive(series)
    checker = StudyChecker(research=archive, rules=load_rules(), ctx=StageContext("qc", Producer(service="qc",
                                                                                                 version="test")))
    return archive, asyncio.run(checker.handle(_event(series)))


def _body(outputs: list[Any]) -> StudyQCBody:
    assert outputs[0].topic == STUDY_QC
    body = outputs[0].event.body
    assert isinstance(body, StudyQCBody)
    return body


def test_clean_study_passes_with_headers_fetched_once_and_three_samples_per_series() -> None:
    series = {"2.25.1": _series(count=12), "2.25.2": _series("MR_small.dcm", count=9)}
    archive, outputs = _run(series)
    assert len(outputs) == 1
    body = _body(outputs)
    assert body.qc.verdict is Verdict.PASS
    assert [s.qc.verdict for s in body.series] == [Verdict.PASS, Verdict.PASS]
    assert all("pixel_data" in s.qc.checks for s in body.series)
    assert archive.calls == Counter({"headers 2.25.1": 1, "headers 2.25.2": 1, "instances": 2, "file": 6})
    assert body.provenance[-1].stage == "qc"
    assert body.provenance[-1].rules == {"qc_rules": "1.1", "iod_required": "1.0", "profile.brain_mr": "1.0",
                                         "profile.lung_nodule_ct": "1.0"}


def test_a_corrupt_sampled_instance_fails_and_is_quarantined_with_its_reason() -> None:
    slices = _series(count=9, spacing=2.0, origin=(0.0, 0.0, 0.0))
    middle = next(ds for ds in slices if float(ds.ImagePositionPatient[2]) == 8.0)  # sampled: middle by position
    middle.PixelData = middle.PixelData[:1000]
    _, outputs = _run({"2.25.1": slices})
    body = _body(outputs)
    assert body.qc.verdict is Verdict.FAIL
    assert [f.code for f in body.qc.findings] == [Code.UNDECODABLE_PIXEL_DATA]
    quarantine = outputs[1].event.body
    assert isinstance(quarantine, QuarantinedBody)
    assert (quarantine.reason, quarantine.series_uids) == (Code.UNDECODABLE_PIXEL_DATA, ["2.25.1"])
    assert quarantine.detail == "QC FAIL: undecodable_pixel_data"


def test_recognised_findings_do_not_quarantine_and_are_not_quarantine_reasons() -> None:
    tilted = _series(count=12, tilt=20.0, order="shuffled")
    _, outputs = _run({"2.25.1": tilted})
    assert len(outputs) == 1
    assert {f.code for f in _body(outputs).qc.findings} == {Code.GANTRY_TILT, Code.INSTANCE_ORDER}
    gap = _series(count=12, tilt=20.0)
    del gap[5]
    _, outputs = _run({"2.25.1": gap})
    quarantine = outputs[1].event.body
    assert quarantine.reason == Code.MISSING_SLICE
    assert [f.code for f in quarantine.findings] == [Code.MISSING_SLICE]


def test_an_instance_gone_from_the_archive_is_an_error() -> None:
    series = {"2.25.1": _series(count=6)}
    archive = MemoryArchive(series)
    archive.files.clear()
    _, outputs = _run(series, archive)
    body = _body(outputs)
    assert body.qc.verdict is Verdict.ERROR
    assert [f.code for f in body.qc.findings] == [Code.PIXEL_DATA_UNAVAILABLE]
    assert body.qc.findings[0].evidence["instance_count"] == 3


def test_a_series_of_another_patient_fails_the_study() -> None:
    other = _series(count=6)
    for ds in other:
        ds.PatientID = "P2"
    _, outputs = _run({"2.25.1": _series(count=6), "2.25.2": other})
    body = _body(outputs)
    assert body.qc.verdict is Verdict.FAIL
    assert [(f.code, f.series_uid) for f in body.qc.findings] == [(Code.MIXED_PATIENT, None)]
    assert body.qc.findings[0].evidence["series_uids"] == ["2.25.2"]
    assert outputs[1].event.body.reason == Code.MIXED_PATIENT


def test_a_series_missing_from_the_archive_is_an_error() -> None:
    series = {"2.25.1": _series(count=6)}
    archive = MemoryArchive(series)
    archive.headers.clear()
    _, outputs = _run(series, archive)
    assert _body(outputs).qc.verdict is Verdict.ERROR
    assert outputs[1].event.body.reason == Code.NO_INSTANCES


@pytest.mark.parametrize(("kernel", "eligible"), [("B70f", ["lung_nodule_ct"]), ("B30f", [])])
def test_profiles_are_evaluated(kernel: str, eligible: list[str]) -> None:
    slices = _series(count=170, spacing=1.25)
    for ds in slices:
        ds.ConvolutionKernel, ds.SliceThickness = kernel, 1.25
    series = {"2.25.1": slices}
    checker = StudyChecker(research=MemoryArchive(series), rules=load_rules(),
                           ctx=StageContext("qc", Producer(service="qc", version="test")))
    body, profiles = asyncio.run(checker.check(_event(series)))
    assert body.qc.verdict is Verdict.PASS
    assert eligible_for(profiles) == eligible
