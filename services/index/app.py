"""index wiring.

Consumes: radcurate.study.qc.v1 (index + publish), every stage's quarantine topic (quarantine records),
          radcurate.study.stable.v1 (progress), radcurate.study.deidentified.v1 (progress + the record replays
          send back), radcurate.study.harmonized.v1 (progress + the review list).
Produces: radcurate.study.curated.v1, radcurate.study.reharmonize.v1 (replay requests of the API),
          radcurate.quarantine.index.v1.
Stores: MongoDB collections studies, quarantine, pipeline, deidentified, review, review_occurrences, replays.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable

import faust

from contracts import (
    Producer,
    StudyDeidentified,
    StudyHarmonized,
    StudyQCResult,
    StudyQuarantined,
    StudyStable,
    TransientError,
)
from contracts.bus import add_health_page, publisher, raw_topic
from contracts.codec import header_map
from contracts.delivery import Outgoing, StageContext, process_record
from contracts.envelope import EventBase
from contracts.topics import QUARANTINE, STUDY_DEIDENTIFIED, STUDY_HARMONIZED, STUDY_QC, STUDY_STABLE
from services.index import SERVICE, __version__
from services.index.handler import StudyIndexer, replay_event
from services.index.review import replay_filter
from services.index.review_store import QCReviewStore
from services.index.settings import Settings
from services.index.store import IndexStore

log = logging.getLogger("radcurate.index")
settings = Settings()
app = faust.App(f"radcurate-{SERVICE}", **settings.faust_options())
ctx = StageContext(SERVICE, Producer(service=SERVICE, version=__version__), settings.retry_policy())
publish = publisher(app, SERVICE, ctx.retry)
add_health_page(app, SERVICE)

store = IndexStore(settings.mongo_uri.get_secret_value(), settings.mongo_db)
reviews = QCReviewStore(store.db)
indexer = StudyIndexer(store=store, reviews=reviews, policy=settings.review_policy(), ctx=ctx)
quarantine_topics = app.topic(*(t.name for t in QUARANTINE.values()), value_serializer="raw", key_serializer="raw")


async def consume(
    stream: faust.StreamT[bytes], expected: type[EventBase], handle: Callable[..., Awaitable[list[Outgoing]]]
) -> None:
    async for record in stream.events():
        for outgoing in await process_record(
            ctx, topic=record.message.topic, value=record.value, headers=header_map(record.headers),
            expected=expected, handle=handle,
        ):
            await publish(outgoing)


@app.agent(raw_topic(app, STUDY_QC))
async def index_checked_studies(stream: faust.StreamT[bytes]) -> None:
    await consume(stream, StudyQCResult, indexer.index)


@app.agent(quarantine_topics)
async def record_quarantine(stream: faust.StreamT[bytes]) -> None:
    await consume(stream, StudyQuarantined, indexer.record_quarantine)


@app.agent(raw_topic(app, STUDY_STABLE))
async def record_stable(stream: faust.StreamT[bytes]) -> None:
    await consume(stream, StudyStable, functools.partial(indexer.record_stage, stage="stable"))


@app.agent(raw_topic(app, STUDY_DEIDENTIFIED))
async def record_deidentified(stream: faust.StreamT[bytes]) -> None:
    await consume(stream, StudyDeidentified, indexer.record_deidentified)


@app.agent(raw_topic(app, STUDY_HARMONIZED))
async def record_harmonized(stream: faust.StreamT[bytes]) -> None:
    await consume(stream, StudyHarmonized, indexer.record_harmonized)


@app.timer(interval=settings.replay_poll_interval)
async def publish_replays() -> None:
    """Reharmonize requests stored by the API become one replay event per stored de-identified study."""
    try:
        request = await store.claim_replay(now=dt.datetime.now(dt.UTC),
                                           lease=dt.timedelta(seconds=settings.replay_lease))
        if request is None:
            return
        query = replay_filter(since=dt.date.fromisoformat(request["since"]),
                              until=dt.date.fromisoformat(request["until"]) if request.get("until") else None,
                              study_uids=request.get("study_uids"), site=request.get("site"))
        records = await store.deidentified_records(query)
        for record in records:
            await publish(replay_event(record, request, ctx))
        await store.finish_replay(request["_id"], published=len(records), at=dt.datetime.now(dt.UTC))
        log.info("reharmonize request published", extra={"request_id": request["_id"], "studies": len(records)})
    except TransientError as exc:
        log.warning("reharmonize requests not read: %s", exc)


@app.timer(interval=settings.publish_poll_interval, on_leader=True)
async def publish_released() -> None:
    """Accepted study versions not yet published (released by a reviewer, or a publication a crash
    interrupted) go out on the curated topic."""
    try:
        for outgoing in await indexer.released(dt.timedelta(seconds=settings.publish_settle)):
            await publish(outgoing)
    except TransientError as exc:
        log.warning("released studies not read: %s", exc)


@app.task
async def create_indexes() -> None:
    attempt = 0
    while True:
        attempt += 1
        try:
            await store.ensure_indexes()
            await reviews.ensure_indexes()
            return
        except TransientError as exc:
            log.warning("cannot create indexes yet: %s", exc)
            await asyncio.sleep(ctx.retry.delay(attempt))
