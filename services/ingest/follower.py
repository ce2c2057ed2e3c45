"""Follows the edge archive's change feed from a persisted cursor and announces stable studies.

At-least-once: the cursor moves only after every event of a page has been delivered, so a crash
or an unreachable broker replays the page; replayed events keep their event ids.

Orthanc's "stable" is an in-memory timer: if the archive stops within StableAge of a study's last
instance, it never logs that study's StableStudy change. So every study with a new series is kept
as pending until announced; a pending study that stays quiet for `stability_grace` and that the
archive reports stable is announced by the sweep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from opentelemetry import trace

from contracts import DataRejected, QuarantineKind, TransientError, study_correlation_id, telemetry
from contracts.delivery import Outgoing, StageContext, describe_exception
from contracts.topics import STUDY_STABLE
from services.ingest.changes import NEW_SERIES, NEW_STUDY, STABLE_STUDY, Change, ChangesPage, study_stable_event
from services.ingest.cursor import CursorStore, PendingStudies
from services.ingest.orthanc import EdgeArchive, StudyGone
from services.ingest.sites import SiteRegistry

log = logging.getLogger("radcurate.ingest")

Publish = Callable[[Outgoing], Awaitable[None]]


class ChangeFollower:
    def __init__(
        self,
        *,
        archive: EdgeArchive,
        cursor: CursorStore,
        registry: SiteRegistry,
        ctx: StageContext,
        publish: Publish,
        pending: PendingStudies,
        page_size: int = 200,
        start_from: Literal["beginning", "now"] = "beginning",
        stability_grace: float = 60.0,
    ) -> None:
        self.archive = archive
        self.cursor = cursor
        self.registry = registry
        self.ctx = ctx
        self.publish = publish
        self.pending = pending
        self.page_size = page_size
        self.start_from = start_from
        self.stability_grace = timedelta(seconds=stability_grace)

    async def poll(self) -> ChangesPage:
        """Read one page of changes, publish an event per stable study, then advance the cursor."""
        since = await self.cursor.load()
        if since is None:
            since = 0 if self.start_from == "beginning" else await asyncio.to_thread(self.archive.last_change)
        page = await asyncio.to_thread(self.archive.changes, since, self.page_size)
        now = datetime.now(UTC)
        for change in page.changes:
            if change.change_type == STABLE_STUDY:
                await self.announce_and_publish(change)
                await self.pending.done(change.resource_id)
            elif change.change_type == NEW_STUDY:
                await self.pending.touch(change.resource_id, change.seq, now)
            elif change.change_type == NEW_SERIES:
                study_id = await asyncio.to_thread(self.archive.parent_study, change.resource_id)
                if study_id is not None:
                    await self.pending.touch(study_id, change.seq, now)
        if page.last != since:
            await self.cursor.save(page.last)
        return page

    async def sweep(self) -> int:
        """Announce pending studies that are stable but whose StableStudy change never came."""
        announced = 0
        for study_id, seq in await self.pending.quiet_since(datetime.now(UTC) - self.stability_grace):
            stable = await asyncio.to_thread(self.archive.is_stable, study_id)
            if stable is None:
                await self.pending.done(study_id)
            elif stable:
                log.warning("study stable without a StableStudy change: announced by the sweep",
                            extra={"edge_study_id": study_id, "seq": seq})
                await self.announce_and_publish(Change(seq, STABLE_STUDY, "Study", study_id))
                await self.pending.done(study_id)
                announced += 1
        return announced

    async def announce_and_publish(self, change: Change) -> None:
        """Announce one stable study in its own trace (the root of the study's trace)."""
        with telemetry.tracer().start_as_current_span(
            "ingest announce StableStudy", kind=trace.SpanKind.PRODUCER,
            attributes={"radcurate.stage": "ingest", "orthanc.study_id": change.resource_id,
                        "orthanc.change_seq": change.seq},
        ):
            outgoing_events = await self.announce(change)
            trace_context = telemetry.inject()
        for outgoing in outgoing_events:
            await self.publish(replace(outgoing, trace_context=trace_context))

    async def drain(self) -> int:
        """Poll until the feed is exhausted, then sweep; returns the number of changes read."""
        read = 0
        while True:
            page = await self.poll()
            read += len(page.changes)
            if page.done or not page.changes:
                await self.sweep()
                return read

    async def announce(self, change: Change) -> list[Outgoing]:
        study_id = change.resource_id
        try:
            series, senders = await asyncio.to_thread(self.archive.study_inventory, study_id)
            event = study_stable_event(
                edge_study_id=study_id,
                change_seq=change.seq,
                series=series,
                senders=senders,
                registry=self.registry,
                producer=self.ctx.producer,
            )
        except StudyGone:
            log.info("study deleted before it was announced", extra={"edge_study_id": study_id})
            return []
        except DataRejected as exc:
            log.info("study rejected", extra={"edge_study_id": study_id, "reason": exc.reason})
            return [self._quarantine(change, QuarantineKind.DATA_REJECTED, exc.reason, exc.detail)]
        except TransientError:
            raise
        except Exception as exc:
            detail = describe_exception(exc)
            log.error("study could not be announced", extra={"edge_study_id": study_id, "error": detail})
            return [self._quarantine(change, QuarantineKind.PROCESSING_ERROR, "unexpected_error", detail)]
        log.info(
            "study stable",
            extra={"edge_study_id": study_id, "correlation_id": str(event.correlation_id), "seq": change.seq},
        )
        return [Outgoing(STUDY_STABLE, event)]

    def _quarantine(self, change: Change, kind: QuarantineKind, reason: str, detail: str) -> Outgoing:
        return self.ctx.quarantine(
            None,
            kind=kind,
            reason=reason,
            detail=detail,
            correlation_id=study_correlation_id(change.resource_id),
            edge_study_id=change.resource_id,
            source_event_id=f"orthanc-change:{change.seq}",
            source_event_type=change.change_type,
        )
