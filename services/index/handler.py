"""Index checked studies, publish the curated feed, and record progress and quarantine. No Kafka here."""

from __future__ import annotations

import datetime as dt
import logging

from contracts import (
    StudyCurated,
    StudyCuratedBody,
    StudyQCResult,
    StudyQuarantined,
    Verdict,
    derived_event_id,
)
from contracts.delivery import Outgoing, StageContext
from contracts.envelope import EventBase
from contracts.topics import STUDY_CURATED
from services.index.store import IndexStore

log = logging.getLogger("radcurate.index")


class StudyIndexer:
    def __init__(self, *, store: IndexStore, ctx: StageContext) -> None:
        self.store = store
        self.ctx = ctx

    async def index(self, event: StudyQCResult) -> list[Outgoing]:
        """Upsert the study document; a PASS study is (re)published on the curated topic.

        The curated event id is derived from the study and its document version, so a replay
        republishes the same event id and subscribers can drop the duplicate.
        """
        body = event.body
        correlation = str(event.correlation_id)
        result = await self.store.upsert_study(body, event_id=str(event.event_id), correlation_id=correlation)
        await self.store.record_progress(
            correlation, "checked", event_id=str(event.event_id), at=event.occurred_at,
            study_uid=body.study.study_uid, qc_status=body.qc.verdict.value,
        )
        await self.store.record_progress(
            correlation, "indexed", event_id=str(event.event_id), at=dt.datetime.now(dt.UTC),
            document_version=result.document_version,
        )
        log.info("study indexed", extra={"correlation_id": correlation, "study_uid": body.study.study_uid,
                                         "version": result.document_version, "changed": result.changed,
                                         "verdict": body.qc.verdict.value})
        if body.qc.verdict is not Verdict.PASS:
            return []
        curated = StudyCurated.create(
            StudyCuratedBody(**body.model_dump(), document_version=result.document_version,
                             indexed_at=result.indexed_at),
            correlation_id=event.correlation_id,
            producer=self.ctx.producer,
            event_id=derived_event_id(StudyCurated.EVENT_TYPE, body.study.study_uid, result.document_version),
        )
        await self.store.record_progress(
            correlation, "published", event_id=str(curated.event_id), at=curated.occurred_at,
            document_version=result.document_version,
        )
        return [Outgoing(STUDY_CURATED, curated)]

    async def record_stage(self, event: EventBase, stage: str) -> list[Outgoing]:
        study = getattr(event.body, "study", None)
        extra = {"study_uid": study.study_uid} if study is not None else {}
        await self.store.record_progress(
            str(event.correlation_id), stage, event_id=str(event.event_id), at=event.occurred_at, **extra
        )
        return []

    async def record_quarantine(self, event: StudyQuarantined) -> list[Outgoing]:
        new = await self.store.record_quarantine(str(event.event_id), str(event.correlation_id), event.body)
        await self.store.record_progress(
            str(event.correlation_id), "quarantined", event_id=str(event.event_id), at=event.occurred_at,
            quarantine_reason=event.body.reason,
        )
        if new:
            log.info("quarantine recorded", extra={"correlation_id": str(event.correlation_id),
                                                   "stage": event.body.stage, "reason": event.body.reason})
        return []
