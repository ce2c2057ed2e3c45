"""Index checked studies, publish the curated feed, record progress, quarantine, the review list and the
de-identified records, and turn reharmonize requests into replay events. No Kafka here."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from contracts import (
    StudyCurated,
    StudyCuratedBody,
    StudyDeidentified,
    StudyDeidentifiedBody,
    StudyHarmonized,
    StudyQCResult,
    StudyQuarantined,
    Verdict,
    derived_event_id,
)
from contracts.delivery import Outgoing, StageContext
from contracts.envelope import EventBase
from contracts.events import ReplayRequest, StudyReharmonizeBody, StudyReharmonizeRequested
from contracts.topics import STUDY_CURATED, STUDY_REHARMONIZE
from services.index.review import harvest, rules_version
from services.index.store import Document, IndexStore

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

    async def record_deidentified(self, event: StudyDeidentified) -> list[Outgoing]:
        """Progress, and the de-identified record a later `radcurate reharmonize` replays."""
        await self.record_stage(event, "deidentified")
        await self.store.record_deidentified(event.body, event_id=str(event.event_id),
                                             correlation_id=str(event.correlation_id), at=event.occurred_at)
        return []

    async def record_harmonized(self, event: StudyHarmonized) -> list[Outgoing]:
        """Progress, and the review list: questions left for review, questions now answered."""
        await self.record_stage(event, "harmonized")
        body = event.body
        found = harvest(body)
        version = rules_version(body)
        now = dt.datetime.now(dt.UTC)
        for question in found.questions:
            await self.store.record_question(question, study_uid=body.study.study_uid, site_id=body.study.site_id,
                                             vocabulary=version, at=now)
        resolved = await self.store.resolve_questions(found.mapped, vocabulary=version, at=now)
        if found.questions or resolved:
            log.info("review list updated", extra={"correlation_id": str(event.correlation_id),
                                                   "study_uid": body.study.study_uid,
                                                   "questions": len(found.questions), "resolved": resolved})
        return []


def replay_event(record: Document, request: Document, ctx: StageContext) -> Outgoing:
    """A stored de-identified record as a reharmonize event; its id is the request's and the study's, so a
    request published twice (worker restarted mid-way) repeats the same events."""
    source = StudyDeidentifiedBody.model_validate(record["body"])
    body = StudyReharmonizeBody(
        **source.model_dump(),
        replay=ReplayRequest(request_id=request["_id"], requested_at=request["requested_at"],
                             reason=request.get("reason")),
    )
    event = StudyReharmonizeRequested.create(
        body, correlation_id=uuid.UUID(record["correlation_id"]), producer=ctx.producer,
        event_id=derived_event_id(StudyReharmonizeRequested.EVENT_TYPE, request["_id"], record["_id"]),
    )
    return Outgoing(STUDY_REHARMONIZE, event)
