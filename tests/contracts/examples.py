"""Example events of every type, as a stage would produce them."""

from __future__ import annotations

import datetime as dt
import uuid

from contracts import (
    BodyPart,
    Producer,
    QCFinding,
    QCSeries,
    QuarantinedBody,
    QuarantineKind,
    Sender,
    SeriesGeometry,
    SeriesInventory,
    SeriesQC,
    StageRun,
    StudyCurated,
    StudyCuratedBody,
    StudyDeidentified,
    StudyDeidentifiedBody,
    StudyHarmonized,
    StudyHarmonizedBody,
    StudyQC,
    StudyQCBody,
    StudyQCResult,
    StudyQuarantined,
    StudyRef,
    StudyStable,
    StudyStableBody,
    Verdict,
)
from contracts.envelope import EventBase

AT = dt.datetime(2026, 11, 22, 8, 30, tzinfo=dt.UTC)
CORRELATION = uuid.UUID("0b8f5f3e-3c1f-5d0e-9a55-5b0c3a557d0e")
STUDY = StudyRef(
    study_uid="2.25.123456789012345678901234567890", patient_pseudonym="P7Q2K9D3", site_id="site-demo-a",
    edge_study_id="6b9d3d25-1f4a6c55-6e2c1f0a-2d1b2f7e-0c9a8b7d",
    research_study_id="aa9d3d25-1f4a6c55-6e2c1f0a-2d1b2f7e-0c9a8b7d",
    study_date=dt.date(2024, 5, 3), study_description="CT CHEST W/O CONTRAST", modalities=["CT"],
)
GEOMETRY = SeriesGeometry(
    rows=512, columns=512, slice_count=120, pixel_spacing=(0.7, 0.7), slice_spacing=1.25, slice_thickness=1.25,
    orientation="LPS", plane="AXIAL", direction=(1, 0, 0, 0, 1, 0, 0, 0, 1), origin=(-180.0, -180.0, -300.0),
    extent_mm=(358.4, 358.4, 150.0),
)
HARMONIZED = dict(
    series_uid="2.25.987654321", research_series_id="f1e2d3c4-b5a69788-12345678-9abcdef0-11223344", modality="CT",
    instance_count=120, series_number=2, series_description="CHEST 1.25", body_part_examined="CHEST",
    body_part=BodyPart(code="51185008", scheme="SCT", meaning="Thorax", raw="CHEST", source="BodyPartExamined"),
    geometry=GEOMETRY,
)
FAIL_FINDING = QCFinding(code="missing_slice", verdict=Verdict.FAIL, series_uid="2.25.987654321",
                         message="1 slice missing", evidence={"expected_spacing": 1.25, "gaps": [[40, 2.5]]})
RUNS = [StageRun(stage="deid", service_version="0.1.0", rules={"annex_e": "2023b", "key_id": "k1"}, finished_at=AT)]


def examples() -> list[EventBase]:
    producer = Producer(service="example", version="0.1.0")

    def make(cls: type[EventBase], body: object, n: int) -> EventBase:
        return cls.create(body, correlation_id=CORRELATION, producer=producer,
                          event_id=uuid.UUID(int=n), occurred_at=AT)

    qc_series = QCSeries(**HARMONIZED, qc=SeriesQC(verdict=Verdict.FAIL, findings=[FAIL_FINDING],
                                                  checks=["missing_slice"]))
    qc_body = StudyQCBody(study=STUDY, series=[qc_series], qc=StudyQC(verdict=Verdict.FAIL, findings=[FAIL_FINDING]),
                          provenance=RUNS)
    return [
        make(StudyStable, StudyStableBody(
            edge_study_id=STUDY.edge_study_id, change_seq=42, site_id="site-demo-a",
            sender=Sender(origin="DicomProtocol", calling_aet="DEMO_A_PACS", called_aet="RADCURATE_EDGE"),
            series=[SeriesInventory(edge_series_id="s1", modality="CT", instance_ids=["i1", "i2"])],
            instance_count=2), 1),
        make(StudyDeidentified, StudyDeidentifiedBody(
            study=STUDY, series=[{k: v for k, v in HARMONIZED.items() if k not in ("body_part", "geometry")}],
            provenance=RUNS), 2),
        make(StudyHarmonized, StudyHarmonizedBody(study=STUDY, series=[HARMONIZED], provenance=RUNS), 3),
        make(StudyQCResult, qc_body, 4),
        make(StudyCurated, StudyCuratedBody(**qc_body.model_dump(), document_version=1, indexed_at=AT), 5),
        make(StudyQuarantined, QuarantinedBody(
            stage="qc", kind=QuarantineKind.QC_FAILED, reason="missing_slice", detail="QC FAIL: missing_slice",
            study_uid=STUDY.study_uid, series_uids=["2.25.987654321"], site_id="site-demo-a",
            findings=[FAIL_FINDING]), 6),
    ]
