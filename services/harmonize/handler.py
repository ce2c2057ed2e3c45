"""Harmonize one de-identified study, series by series, from the research archive's headers. No Kafka here."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from contracts import (
    StageRun,
    StudyDeidentified,
    StudyHarmonized,
    StudyHarmonizedBody,
    derived_event_id,
)
from contracts.delivery import Outgoing, StageContext
from contracts.topics import STUDY_HARMONIZED
from services.harmonize import __version__
from services.harmonize.harmonize import harmonize_series
from services.harmonize.orthanc import ResearchArchive

log = logging.getLogger("radcurate.harmonize")


class StudyHarmonizer:
    def __init__(self, *, research: ResearchArchive, ctx: StageContext, rules: dict[str, str]) -> None:
        self.research = research
        self.ctx = ctx
        self.rules = rules

    async def handle(self, event: StudyDeidentified) -> list[Outgoing]:
        study = event.body.study
        harmonized = []
        for series in event.body.series:
            headers = await asyncio.to_thread(self.research.series_headers, study.study_uid, series.series_uid)
            harmonized.append(harmonize_series(series, headers, study.study_description))
        body = StudyHarmonizedBody(
            study=study,
            series=harmonized,
            skipped_instances=event.body.skipped_instances,
            provenance=[
                *event.body.provenance,
                StageRun(stage="harmonize", service_version=__version__, rules=self.rules,
                         finished_at=dt.datetime.now(dt.UTC)),
            ],
        )
        log.info("study harmonized", extra={"correlation_id": str(event.correlation_id),
                                            "study_uid": study.study_uid, "series": len(harmonized)})
        out = StudyHarmonized.create(
            body,
            correlation_id=event.correlation_id,
            producer=self.ctx.producer,
            event_id=derived_event_id(StudyHarmonized.EVENT_TYPE, event.event_id),
        )
        return [Outgoing(STUDY_HARMONIZED, out)]
