"""Harmonize one de-identified study, series by series, from the research archive's headers. No Kafka here.

A study arrives either from de-identification (`study.deidentified`) or as a replay of the record the index
stored (`study.reharmonize_requested`, see `radcurate reharmonize`): both are harmonized the same way with
the current vocabulary; de-identification is never re-run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from contracts import (
    StageRun,
    StudyDeidentified,
    StudyDeidentifiedBody,
    StudyHarmonized,
    StudyHarmonizedBody,
    derived_event_id,
)
from contracts.delivery import Outgoing, StageContext
from contracts.envelope import EventBase
from contracts.events import StudyReharmonizeRequested
from contracts.topics import STUDY_HARMONIZED
from services.harmonize import __version__
from services.harmonize.harmonize import Harmonizer
from services.harmonize.orthanc import ResearchArchive

log = logging.getLogger("radcurate.harmonize")


class StudyHarmonizer:
    def __init__(self, *, research: ResearchArchive, ctx: StageContext, harmonizer: Harmonizer) -> None:
        self.research = research
        self.ctx = ctx
        self.harmonizer = harmonizer

    @property
    def rules(self) -> dict[str, str]:
        return self.harmonizer.rules

    async def handle(self, event: StudyDeidentified) -> list[Outgoing]:
        return await self._harmonize(event, event.body, replay=None)

    async def handle_replay(self, event: StudyReharmonizeRequested) -> list[Outgoing]:
        return await self._harmonize(event, event.body, replay=event.body.replay.request_id)

    async def _harmonize(self, event: EventBase, source: StudyDeidentifiedBody, replay: str | None) -> list[Outgoing]:
        study = source.study
        harmonized = []
        review = 0
        for series in source.series:
            headers = await asyncio.to_thread(
                self.research.series_headers, study.study_uid, series.series_uid, series.research_series_id
            )
            result = self.harmonizer.series(series, headers, study.study_description, study.modalities)
            review += sum(1 for m in (result.procedure, result.body_part) if m is not None and m.status == "review")
            harmonized.append(result)
        body = StudyHarmonizedBody(
            study=study,
            series=harmonized,
            skipped_instances=source.skipped_instances,
            provenance=[
                *source.provenance,
                StageRun(stage="harmonize", service_version=__version__, rules=self.rules,
                         finished_at=dt.datetime.now(dt.UTC)),
            ],
        )
        log.info("study harmonized", extra={"correlation_id": str(event.correlation_id),
                                            "study_uid": study.study_uid, "series": len(harmonized),
                                            "for_review": review, "replay": replay})
        out = StudyHarmonized.create(
            body,
            correlation_id=event.correlation_id,
            producer=self.ctx.producer,
            event_id=derived_event_id(StudyHarmonized.EVENT_TYPE, event.event_id),
        )
        return [Outgoing(STUDY_HARMONIZED, out)]
