"""The contracts bound to Faust: raw topics of the registry, publishing with retry, and the health page.

Each service's app.py uses these so that every stage speaks to the bus the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import faust
from faust.web import Request, Response, View
from opentelemetry import trace

from contracts import telemetry
from contracts.codec import encode
from contracts.delivery import Outgoing, RetryPolicy, send_with_retry
from contracts.telemetry import StageMetrics
from contracts.topics import Topic, topics_written_by


def raw_topic(app: faust.App, topic: Topic) -> faust.TopicT:
    """A Faust topic carrying encoded events as bytes (decoding is the consumer's, with contract checks)."""
    return app.topic(topic.name, value_serializer="raw", key_serializer="raw", partitions=topic.partitions)


def publisher(app: faust.App, service: str, retry: RetryPolicy) -> Callable[[Outgoing], Awaitable[None]]:
    """A function publishing an Outgoing on its topic and waiting for the broker's acknowledgement.

    Only the topics the registry assigns to `service` can be written (single writer per topic).
    Each publication is a PRODUCER span, child of the processing that produced the event; its
    context goes out in the `traceparent` header.
    """
    topics = {t.name: raw_topic(app, t) for t in topics_written_by(service)}
    metrics = StageMetrics(service)

    async def publish(outgoing: Outgoing) -> None:
        target = topics.get(outgoing.topic.name)
        if target is None:
            raise PermissionError(f"{service} is not the writer of {outgoing.topic.name}")
        event = outgoing.event
        parent = telemetry.extract(outgoing.trace_context) if outgoing.trace_context else None
        with telemetry.tracer().start_as_current_span(
            f"{service} publish {event.event_type}", context=parent, kind=trace.SpanKind.PRODUCER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": outgoing.topic.name,
                        "messaging.operation": "publish", "radcurate.stage": service,
                        "radcurate.event_type": event.event_type, "radcurate.event_id": str(event.event_id),
                        "radcurate.correlation_id": str(event.correlation_id)},
        ):
            record = encode(event, extra_headers=telemetry.inject())

            async def send() -> None:
                delivery = await target.send(key=record.key, value=record.value, headers=record.headers)
                await delivery

            await send_with_retry(send, retry, event.event_type)
        metrics.published(outgoing.topic.name, event.event_type)
        if outgoing.after is not None:
            await outgoing.after()

    return publish


def add_health_page(app: faust.App, service: str) -> None:
    """Probes and metrics on the worker's web port.

    GET /healthz (readiness): 200 while the worker holds a consumer-group assignment, 503 before it
    joins and while a rebalance has taken its partitions away.
    GET /livez (liveness): 200 whenever the event loop answers.
    GET /metrics: the worker's metrics in the Prometheus format.
    """
    state = {"assigned": False}

    def _assigned(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        state["assigned"] = True

    def _revoked(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        state["assigned"] = False

    app.on_rebalance_complete.connect(_assigned)
    app.on_partitions_revoked.connect(_revoked)

    @app.page("/healthz")
    class Health(View):
        async def get(self, request: Request) -> Response:
            body = {"service": service, "assigned": state["assigned"], "rebalancing": bool(app.rebalancing)}
            return self.json(body, status=200 if state["assigned"] else 503)

    @app.page("/livez")
    class Live(View):
        async def get(self, request: Request) -> Response:
            return self.json({"service": service, "alive": True})

    @app.page("/metrics")
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            text, content_type = telemetry.prometheus_text()
            return self.bytes(text, content_type=content_type.split(";")[0])
