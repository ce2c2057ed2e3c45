"""Index checked studies, publish the curated feed, record progress, quarantine, the review list and the
de-identified records, and turn reharmonize requests into replay events. No Kafka here."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from contracts import (
    ReviewSummary,
    StudyCurated,
    StudyCuratedBody,
    StudyDeidentified,
    StudyDeidentifiedBody,
    StudyHarmonized,
    StudyQCBody,
    StudyQCResult,
    StudyQuarantined,
    derived_event_id,
)
from contracts.delivery import Outgoing, StageContext
from contracts.envelope import EventBase
from contracts.events import ReplayRequest, StudyReharmonizeBody, StudyReharmonizeRequested
from contracts.topics import STUDY_CURATED, STUDY_REHARMONIZE
from services.index.qc_review import ReviewPolicy, ReviewState, StudyReview
from services.index.review import harvest, rules_version
from services.index.review_store import QCReviewStore
from services.index.store import Document, IndexStore, qc_body_from_document

log = logging.getLogger("radcurate.index")


class StudyIndexer:
    def __init__(self, *, store: IndexStore, reviews: QCReviewStore, policy: ReviewPolicy, ctx: StageContext) -> None:
        self.store = store
        self.reviews = reviews
        self.policy = policy
        self.ctx = ctx

    async def index(self, event: StudyQCResult) -> list[Outgoing]:
        """Upsert the study document and start its review; an accepted version is published once.

        A new document version starts a new review (level 1: the automatic verdict). Studies that
        need a reviewer are published later, when released (see `released`).
        """
        body = event.body
        correlation = str(event.correlation_id)
        result = await self.store.upsert_study(body, event_id=str(event.event_id), correlation_id=correlation)
        await self.store.record_progress(
            correlation, "checked", event_id=str(event.event_id), at=event.occurred_at,
            study_uid=body.study.study_uid, qc_status=body.qc.verdict.value,
        )
        review = await self.reviews.start(
            study_uid=body.study.study_uid, version=result.document_version, automatic=body.qc.verdict,
            site_id=body.study.site_id, codes=sorted({f.code for f in body.qc.findings}), policy=self.policy,
            at=dt.datetime.now(dt.UTC),
        )
        await self.store.record_progress(
            correlation, "indexed", event_id=str(event.event_id), at=dt.datetime.now(dt.UTC),
            document_version=result.document_version,
        )
        log.info("study indexed", extra={"correlation_id": correlation, "study_uid": body.study.study_uid,
                                         "version": result.document_version, "changed": result.changed,
                                         "verdict": body.qc.verdict.value, "review": review.state.value})
        if review.state is not ReviewState.ACCEPTED:
            return []
        if await self.reviews.published(body.study.study_uid, result.document_version):
            return []
        return [self.curated(body, result.document_version, result.indexed_at, event.correlation_id, review)]

    async def released(self, settle: dt.timedelta) -> list[Outgoing]:
        """Curated events of accepted versions not yet published (released by a reviewer, or a publication
        interrupted by a crash); only versions indexed at least `settle` ago, to leave the handler its turn."""
        outgoing = []
        for doc in await self.reviews.unpublished_accepted(settled_before=dt.datetime.now(dt.UTC) - settle):
            found = await self.reviews.get(doc["_id"])
            review = found[0] if found is not None else None
            if review is None or review.document_version != doc["document_version"] or (
                    review.state is not ReviewState.ACCEPTED):
                continue
            outgoing.append(self.curated(qc_body_from_document(doc), int(doc["document_version"]), doc["indexed_at"],
                                         uuid.UUID(doc["correlation_id"]), review))
        return outgoing

    def curated(
        self, body: StudyQCBody, version: int, indexed_at: dt.datetime, correlation_id: uuid.UUID, review: StudyReview
    ) -> Outgoing:
        """The curated event of one accepted study version; recorded as published once the broker has it.

        Its id is derived from the study and the version, so a rare republication (a crash between the
        broker's acknowledgement and the record) carries the same id and subscribers drop it.
        """
        study_uid = body.study.study_uid
        decided = review.history[-1]
        summary = ReviewSummary(state="accepted", level=decided.level, decided_at=decided.at)
        curated = StudyCurated.create(
            StudyCuratedBody(**body.model_dump(), document_version=version, indexed_at=indexed_at, review=summary),
            correlation_id=correlation_id,
            producer=self.ctx.producer,
            event_id=derived_event_id(StudyCurated.EVENT_TYPE, study_uid, version),
        )

        async def published() -> None:
            await self.reviews.mark_published(study_uid, version)
            await self.store.supersede_quarantine(study_uid, version, dt.datetime.now(dt.UTC))
            await self.store.record_progress(str(correlation_id), "published", event_id=str(curated.event_id),
                                             at=dt.datetime.now(dt.UTC), document_version=version)

        return Outgoing(STUDY_CURATED, curated, after=published)

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
