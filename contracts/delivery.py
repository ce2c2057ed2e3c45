"""One input record → output events, with the failure rules every stage shares. No Kafka import.

- contract error (undecodable or invalid event): quarantined as `contract_error`, never retried;
- transient error (a dependency down): retried with capped exponential backoff until it succeeds;
- data rejected: quarantined with the handler's reason code;
- anything else: quarantined as `processing_error` naming the exception type and code location only
  (exception messages can carry values from the data, so they are never copied into events or logs).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from opentelemetry import trace

from contracts import telemetry
from contracts.codec import HEADER_EVENT_TYPE, decode
from contracts.envelope import EventBase, Producer, derived_event_id
from contracts.errors import ContractError, DataRejected, TransientError
from contracts.events import (
    QuarantinedBody,
    QuarantineKind,
    StudyQuarantined,
    StudyStable,
)
from contracts.telemetry import StageMetrics
from contracts.topics import QUARANTINE, Topic

E = TypeVar("E", bound=EventBase)

log = logging.getLogger("radcurate.delivery")


@dataclass(frozen=True)
class Outgoing:
    """An event to publish on a topic, with the trace context of the processing that produced it."""

    topic: Topic
    event: EventBase
    trace_context: tuple[tuple[str, bytes], ...] = ()
    #: Run once the broker has acknowledged the event (e.g. record that a study version was published).
    after: Callable[[], Awaitable[None]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RetryPolicy:
    initial_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay, self.initial_delay * 2 ** max(0, attempt - 1)))


@dataclass
class StageContext:
    """What a stage needs to build quarantine events about its inputs, and its metrics."""

    stage: str
    producer: Producer
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    metrics: StageMetrics = field(init=False)

    def __post_init__(self) -> None:
        self.metrics = StageMetrics(self.stage)

    def quarantine(
        self,
        source: EventBase | None,
        *,
        kind: QuarantineKind,
        reason: str,
        detail: str,
        source_topic: str | None = None,
        correlation_id: uuid.UUID | None = None,
        **extra: Any,
    ) -> Outgoing:
        """A quarantine event about `source` (or about an undecodable record when `source` is None)."""
        refs = study_refs(source) if source is not None else {}
        refs.update(extra)
        body = QuarantinedBody(
            stage=self.stage,
            kind=kind,
            reason=reason,
            detail=detail[:2000],
            source_topic=source_topic,
            source_event_id=str(source.event_id) if source is not None else refs.pop("source_event_id", None),
            source_event_type=source.event_type if source is not None else refs.pop("source_event_type", None),
            **refs,
        )
        if source is not None:
            correlation = source.correlation_id
        elif correlation_id is not None:
            correlation = correlation_id
        else:
            correlation = derived_event_id("undecodable", source_topic, detail)
        event_id = derived_event_id(self.stage, "quarantine", body.source_event_id or correlation, reason)
        event = StudyQuarantined.create(
            body, correlation_id=correlation, producer=self.producer, event_id=event_id
        )
        return Outgoing(QUARANTINE[self.stage], event)


def study_refs(event: EventBase) -> dict[str, Any]:
    """Pseudonymous references to the study an event is about (never PHI)."""
    body = event.body
    if isinstance(event, StudyStable):
        return {"edge_study_id": body.edge_study_id, "site_id": body.site_id}
    study = getattr(body, "study", None)
    if study is not None:
        return {
            "edge_study_id": study.edge_study_id,
            "study_uid": study.study_uid,
            "site_id": study.site_id,
        }
    return {}


def describe_exception(exc: BaseException) -> str:
    """Type and innermost code location of an exception, without its message."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    return f"{type(exc).__module__}.{type(exc).__qualname__}{where}"


async def process_record(
    ctx: StageContext,
    *,
    topic: str,
    value: bytes | None,
    headers: Mapping[str, bytes],
    expected: type[E],
    handle: Callable[[E], Awaitable[list[Outgoing]]],
) -> list[Outgoing]:
    """Decode one record and run the stage handler on it, applying the shared failure rules.

    Runs in a CONSUMER span continuing the producer's trace; the outputs carry this span's context.
    """
    event_type = headers.get(HEADER_EVENT_TYPE, b"").decode(errors="replace") or "unknown"
    attributes = {"messaging.system": "kafka", "messaging.destination.name": topic,
                  "messaging.operation": "process", "radcurate.stage": ctx.stage,
                  "radcurate.event_type": event_type}
    started = time.perf_counter()
    with telemetry.tracer().start_as_current_span(
        f"{ctx.stage} process {event_type}", context=telemetry.extract(headers),
        kind=trace.SpanKind.CONSUMER, attributes=attributes,
    ) as span:
        ctx.metrics.consumed(event_type)
        outputs = await _decode_and_handle(ctx, topic=topic, value=value, headers=headers, expected=expected,
                                           handle=handle, span=span)
        for out in outputs:
            if isinstance(out.event, StudyQuarantined):
                ctx.metrics.quarantine(out.event.body.reason)
                ctx.metrics.failed(out.event.body.kind.value)
                span.set_attribute("radcurate.quarantine.reason", out.event.body.reason)
        ctx.metrics.took(time.perf_counter() - started, event_type)
        trace_context = telemetry.inject()
    return [replace(out, trace_context=trace_context) for out in outputs]


async def _decode_and_handle(
    ctx: StageContext,
    *,
    topic: str,
    value: bytes | None,
    headers: Mapping[str, bytes],
    expected: type[E],
    handle: Callable[[E], Awaitable[list[Outgoing]]],
    span: trace.Span,
) -> list[Outgoing]:
    try:
        event = decode(value, headers, expected)
    except ContractError as exc:
        log.warning("contract error on %s: %s", topic, exc)
        excerpt = base64.b64encode((value or b"")[:4096]).decode()
        digest = hashlib.sha256(value or b"")
        for key, header in sorted(headers.items()):
            digest.update(key.encode() + b"\0" + header)
        record_id = f"sha256:{digest.hexdigest()[:32]}"  # the same bad record twice is one quarantine record
        return [
            ctx.quarantine(
                None,
                kind=QuarantineKind.CONTRACT_ERROR,
                reason=exc.reason,
                detail=str(exc),
                source_topic=topic,
                correlation_id=derived_event_id("undecodable", topic, record_id),
                payload_excerpt=excerpt,
                source_event_id=record_id,
                source_event_type=headers.get(HEADER_EVENT_TYPE, b"").decode(errors="replace") or None,
            )
        ]

    span.set_attribute("radcurate.correlation_id", str(event.correlation_id))
    span.set_attribute("radcurate.event_id", str(event.event_id))
    attempt = 0
    while True:
        attempt += 1
        try:
            return await handle(event)
        except TransientError as exc:
            delay = ctx.retry.delay(attempt)
            ctx.metrics.failed("transient")
            span.add_event("transient failure", {"attempt": attempt})
            log.warning(
                "transient failure (attempt %d, retry in %.1fs) correlation_id=%s: %s",
                attempt, delay, event.correlation_id, exc,
            )
            await asyncio.sleep(delay)
        except DataRejected as exc:
            log.info("rejected correlation_id=%s reason=%s", event.correlation_id, exc.reason)
            return [
                ctx.quarantine(
                    event,
                    kind=QuarantineKind.DATA_REJECTED,
                    reason=exc.reason,
                    detail=exc.detail,
                    source_topic=topic,
                    edge_instance_ids=list(exc.edge_instance_ids),
                )
            ]
        except Exception as exc:
            detail = describe_exception(exc)
            log.error("processing error correlation_id=%s: %s", event.correlation_id, detail)
            return [
                ctx.quarantine(
                    event,
                    kind=QuarantineKind.PROCESSING_ERROR,
                    reason="unexpected_error",
                    detail=detail,
                    source_topic=topic,
                )
            ]


async def send_with_retry(send: Callable[[], Awaitable[object]], retry: RetryPolicy, what: str) -> None:
    """Await `send` until it succeeds: an unreachable broker pauses the stage instead of losing the event."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await send()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            delay = retry.delay(attempt)
            log.warning("publishing %s failed (attempt %d, retry in %.1fs): %s", what, attempt, delay,
                        type(exc).__name__)
            await asyncio.sleep(delay)
