"""Check one harmonized study, series by series, from the research archive. No Kafka here.

Per series: its headers are fetched once (DICOMweb metadata) and a few instances are downloaded for the
pixel checks; then the series checks, the study-level consistency checks and the protocol profiles run.
Every study gets a QC event; FAIL and ERROR studies are also quarantined with their findings.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Protocol

from pydicom import Dataset

from contracts import (
    HarmonizedSeries,
    QCSeries,
    QuarantineKind,
    SeriesQC,
    StageRun,
    StudyHarmonized,
    StudyQCBody,
    StudyQCResult,
    Verdict,
    derived_event_id,
)
from contracts import ProfileVerdict as ContractProfileVerdict
from contracts.delivery import Outgoing, StageContext
from contracts.topics import STUDY_QC
from services.qc import __version__
from services.qc.checks import check_series, check_study, study_verdict
from services.qc.facts import SeriesFacts, series_facts
from services.qc.geometry import instance_number
from services.qc.iod import IODTable, default_iod_table
from services.qc.pixels import Sample, SampleFailure, UnreadableInstance, choose_samples, read_instance
from services.qc.profiles import Profile, ProfileVerdict, default_profiles, eligible_for, evaluate_profiles
from services.qc.rules import QCRules

log = logging.getLogger("radcurate.qc")
IDENTITY_KEYWORDS = ("StudyInstanceUID", "PatientID")


class Archive(Protocol):
    """What the checker reads from the research archive (services.qc.orthanc.ResearchArchive)."""

    def series_headers(self, study_uid: str, series_uid: str, research_series_id: str) -> list[Dataset]: ...
    def series_instances(self, research_series_id: str) -> dict[str, str]: ...
    def instance_file(self, instance_id: str) -> bytes | None: ...


def _identity(ds: Dataset) -> Dataset:
    """The attributes the study-level checks need, so that a study's headers are not all held at once."""
    small = Dataset()
    for keyword in IDENTITY_KEYWORDS:
        if keyword in ds:
            small[keyword] = ds[keyword]
    return small


class StudyChecker:
    def __init__(
        self,
        *,
        research: Archive,
        rules: QCRules,
        ctx: StageContext,
        iod: IODTable | None = None,
        profiles: Sequence[Profile] | None = None,
    ) -> None:
        self.research = research
        self.rules = rules
        self.ctx = ctx
        self.iod = iod if iod is not None else default_iod_table()
        self.profiles = list(profiles) if profiles is not None else list(default_profiles())

    def rule_versions(self) -> dict[str, str]:
        """Versions of every data file behind a result (recorded in the stage's provenance)."""
        return {
            "qc_rules": self.rules.version,
            "iod_required": self.iod.version,
            **{f"profile.{p.name}": p.version for p in self.profiles},
        }

    def _samples(self, research_series_id: str, headers: Sequence[Dataset]) -> list[Sample] | None:
        """The instances chosen for the pixel checks, downloaded (None when the rules turn them off)."""
        picks = choose_samples(headers, self.rules.pixel_samples_per_series)
        if not picks:
            return None
        ids = self.research.series_instances(research_series_id)
        samples: list[Sample] = []
        for i in picks:
            number = instance_number(headers[i])
            instance_id = ids.get(str(headers[i].get("SOPInstanceUID", "")))
            data = self.research.instance_file(instance_id) if instance_id else None
            if data is None:
                samples.append(SampleFailure("unavailable", number))
                continue
            try:
                samples.append(read_instance(data))
            except UnreadableInstance:
                samples.append(SampleFailure("unreadable", number))
        return samples

    def _check_series(
        self, series: HarmonizedSeries, headers: Sequence[Dataset], samples: Sequence[Sample] | None
    ) -> tuple[SeriesQC, SeriesFacts]:
        """The series' QC and what the profiles need of it (CPU-bound: decoding, geometry)."""
        qc = check_series(headers, self.rules, iod=self.iod, samples=samples)
        facts = series_facts(series.series_uid, headers, qc, body_part=series.body_part.code, rules=self.rules)
        return qc, facts

    async def check(self, event: StudyHarmonized) -> tuple[StudyQCBody, list[ProfileVerdict]]:
        """The QC body of the study and its protocol-profile verdicts."""
        study = event.body.study
        checked: list[QCSeries] = []
        facts: list[SeriesFacts] = []
        identities: dict[str, list[Dataset]] = {}
        for series in event.body.series:
            headers = await asyncio.to_thread(
                self.research.series_headers, study.study_uid, series.series_uid, series.research_series_id
            )
            samples = await asyncio.to_thread(self._samples, series.research_series_id, headers)
            qc, series_fact = await asyncio.to_thread(self._check_series, series, headers, samples)
            checked.append(QCSeries(**series.model_dump(), qc=qc))
            facts.append(series_fact)
            identities[series.series_uid] = [_identity(ds) for ds in headers]
        by_series: dict[str, SeriesQC] = {s.series_uid: s.qc for s in checked}
        verdict = study_verdict(by_series, check_study(
            identities, study_uid=study.study_uid, patient_id=study.patient_pseudonym, rules=self.rules))
        body = StudyQCBody(
            study=study,
            series=checked,
            qc=verdict,
            skipped_instances=event.body.skipped_instances,
            provenance=[
                *event.body.provenance,
                StageRun(stage="qc", service_version=__version__, rules=self.rule_versions(),
                         finished_at=dt.datetime.now(dt.UTC)),
            ],
        )
        verdicts = evaluate_profiles(facts, self.profiles)
        body.qc.profiles = [ContractProfileVerdict.model_validate(v.model_dump()) for v in verdicts]
        body.qc.eligible_for = eligible_for(verdicts)
        return body, verdicts

    async def handle(self, event: StudyHarmonized) -> list[Outgoing]:
        body, profiles = await self.check(event)
        verdict = body.qc
        out = StudyQCResult.create(
            body,
            correlation_id=event.correlation_id,
            producer=self.ctx.producer,
            event_id=derived_event_id(StudyQCResult.EVENT_TYPE, event.event_id),
        )
        log.info("study checked", extra={"correlation_id": str(event.correlation_id),
                                         "study_uid": body.study.study_uid, "verdict": verdict.verdict.value,
                                         "eligible_for": eligible_for(profiles)})
        outputs = [Outgoing(STUDY_QC, out)]
        if verdict.verdict is not Verdict.PASS:
            codes = sorted({f.code for f in verdict.findings if f.verdict is verdict.verdict})
            codes = codes or ["qc_" + verdict.verdict.value.lower()]
            outputs.append(
                self.ctx.quarantine(
                    out,
                    kind=QuarantineKind.QC_FAILED,
                    reason=codes[0],
                    detail=f"QC {verdict.verdict.value}: {', '.join(codes)}",
                    findings=[f for f in verdict.findings if f.verdict is not Verdict.PASS],
                    series_uids=[s.series_uid for s in body.series if s.qc.verdict is not Verdict.PASS],
                )
            )
        return outputs
