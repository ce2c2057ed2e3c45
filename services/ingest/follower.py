"""Follows the edge archive's change feed from a persisted cursor and announces stable studies.

At-least-once: the cursor moves only after every event of a page has been delivered, so a crash
or an unreachable broker replays the page; replayed events keep their event ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Literal

from opentelemetry import trace

from contracts import DataRejected, QuarantineKind, TransientError, study_correlation_id, telemetry
from contracts.delivery import Outgoing, StageContext, describe_exception
from contracts.topics import STUDY_STABLE
from services.ingest.changes import Change, ChangesPage, stable_studies, study_stable_event
from services.ingest.cursor import CursorStore
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
        page_size: int = 200,
        start_from: Literal["beginning", "now"] = "beginning",
    ) -> None:
        self.archive = archive
        self.cursor = cursor
        self.registry = registry
        self.ctx = ctx
        self.publish = publish
        self.page_size = page_size
        self.start_from = start_from

    async def poll(self) -> ChangesPage:
        """Read one page of changes, publish an event per stable study, then advance the cursor."""
        since = await self.cursor.load()
        if since is None:
            since = 0 if self.start_from == "beginning" else await asyncio.to_thread(self.archive.last_change)
        page = await asyncio.to_thread(self.archive.changes, since, self.page_size)
        for change in stable_studies(page.changes):
            with telemetry.tracer().start_as_current_span(
                "ingest announce StableStudy", kind=trace.SpanKind.PRODUCER,
                attributes={"radcurate.stage": "ingest", "orthanc.study_id": change.resource_id,
                            "orthanc.change_seq": change.seq},
            ):
                outgoing_events = await self.announce(change)
                trace_context = telemetry.inject()
            for outgoing in outgoing_events:
                await self.publish(replace(outgoing, trace_context=trace_context))
        if page.last != since:
            await self.cursor.save(page.last)
        return page

    async def drain(self) -> int:
        """Poll until the feed is exhausted; returns the number of changes read."""
        read = 0
        while True:
            page = await self.poll()
            read += len(page.changes)
            if page.done or not page.changes:
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
