"""Check one harmonized study, series by series, from the research archive's headers. No Kafka here.

Every study gets a QC event; FAIL and ERROR studies are also quarantined with their findings.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from contracts import (
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
from contracts.delivery import Outgoing, StageContext
from contracts.topics import STUDY_QC
from services.qc import __version__
from services.qc.checks import check_series, study_verdict
from services.qc.orthanc import ResearchArchive
from services.qc.rules import QCRules

log = logging.getLogger("radcurate.qc")


class StudyChecker:
    def __init__(self, *, research: ResearchArchive, rules: QCRules, ctx: StageContext) -> None:
        self.research = research
        self.rules = rules
        self.ctx = ctx

    async def handle(self, event: StudyHarmonized) -> list[Outgoing]:
        study = event.body.study
        checked: list[QCSeries] = []
        for series in event.body.series:
            headers = await asyncio.to_thread(self.research.series_headers, study.study_uid, series.series_uid)
            checked.append(QCSeries(**series.model_dump(), qc=check_series(headers, self.rules)))
        by_series: dict[str, SeriesQC] = {s.series_uid: s.qc for s in checked}
        verdict = study_verdict(by_series)
        body = StudyQCBody(
            study=study,
            series=checked,
            qc=verdict,
            skipped_instances=event.body.skipped_instances,
            provenance=[
                *event.body.provenance,
                StageRun(stage="qc", service_version=__version__, rules={"qc_rules": self.rules.version},
                         finished_at=dt.datetime.now(dt.UTC)),
            ],
        )
        out = StudyQCResult.create(
            body,
            correlation_id=event.correlation_id,
            producer=self.ctx.producer,
            event_id=derived_event_id(StudyQCResult.EVENT_TYPE, event.event_id),
        )
        log.info("study checked", extra={"correlation_id": str(event.correlation_id),
                                         "study_uid": study.study_uid, "verdict": verdict.verdict.value})
        outputs = [Outgoing(STUDY_QC, out)]
        if verdict.verdict is not Verdict.PASS:
            codes = sorted({f.code for f in verdict.findings}) or ["qc_" + verdict.verdict.value.lower()]
            outputs.append(
                self.ctx.quarantine(
                    out,
                    kind=QuarantineKind.QC_FAILED,
                    reason=codes[0],
                    detail=f"QC {verdict.verdict.value}: {', '.join(codes)}",
                    findings=verdict.findings,
                    series_uids=[uid for uid, qc in by_series.items() if qc.verdict is not Verdict.PASS],
                )
            )
        return outputs
