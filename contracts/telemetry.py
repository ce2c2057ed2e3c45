"""Tracing and metrics, the same in every stage: W3C trace context travels in Kafka record headers.

- Traces: one per study version, from the Orthanc change that made it stable to the curated event:
  a CONSUMER span per processed event (child of the producer's span, from the `traceparent` header),
  a PRODUCER span per published event, a CLIENT span per Orthanc call (requests instrumentation)
  and per MongoDB command (a command listener). Export follows the standard variables:
  OTEL_TRACES_EXPORTER = otlp | console | none; with no exporter named, OTLP is used only when
  OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set, so tracing is off unless configured.
- Metrics: counters and a latency histogram per stage, exposed in the Prometheus text format.
- No PHI: span attributes are stage names, event types, ids, topics, pseudonymised UIDs and codes.
  MongoDB spans carry the command name and collection only, never the command document.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor
from pymongo import monitoring

TRACER_NAME = "radcurate"
#: Seconds: an event takes milliseconds (index) to minutes (deid of a large study).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
_configured = False
_lock = threading.Lock()


def _trace_exporter_names() -> list[str]:
    named = os.environ.get("OTEL_TRACES_EXPORTER", "").strip()
    if named:
        return [n.strip() for n in named.split(",") if n.strip() and n.strip() != "none"]
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return ["otlp"]
    return []


def setup(service: str, version: str) -> None:
    """Configure tracing, metrics and client instrumentation for a service process (once)."""
    global _configured
    with _lock:
        if _configured:
            return
        _configured = True
    resource = Resource.create({"service.name": f"radcurate-{service}", "service.version": version,
                                "service.namespace": "radcurate"})
    provider = TracerProvider(resource=resource)
    for name in _trace_exporter_names():
        if name == "console":
            provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        elif name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        else:
            raise ValueError(f"OTEL_TRACES_EXPORTER={name!r} is not supported (otlp, console, none)")
    trace.set_tracer_provider(provider)

    from opentelemetry.exporter.prometheus import PrometheusMetricReader

    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[PrometheusMetricReader()]))

    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    RequestsInstrumentor().instrument()
    monitoring.register(MongoCommandSpans())


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def inject(ctx: otel_context.Context | None = None) -> tuple[tuple[str, bytes], ...]:
    """The trace context (of `ctx` or the current span) as Kafka headers."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=ctx)
    return tuple((key, value.encode()) for key, value in carrier.items())


def extract(headers: Mapping[str, bytes] | Iterable[tuple[str, bytes]]) -> otel_context.Context:
    """The trace context carried by Kafka headers (an empty context when there is none)."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    carrier = {k: v.decode(errors="replace") for k, v in items if k in ("traceparent", "tracestate", "baggage")}
    return propagate.extract(carrier)


def prometheus_text() -> tuple[bytes, str]:
    """The process's metrics in the Prometheus exposition format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(), CONTENT_TYPE_LATEST


class StageMetrics:
    """The metrics every stage reports (names follow OpenTelemetry conventions; Prometheus adds units)."""

    def __init__(self, stage: str) -> None:
        meter = metrics.get_meter(TRACER_NAME)
        self.stage = stage
        self.events_in = meter.create_counter("radcurate.events.consumed", description="Events consumed")
        self.events_out = meter.create_counter("radcurate.events.published", description="Events published")
        self.errors = meter.create_counter("radcurate.errors", description="Failures by kind")
        self.quarantined = meter.create_counter("radcurate.quarantined", description="Quarantined by reason")
        self.latency = meter.create_histogram(
            "radcurate.processing.duration", unit="s", description="Time to process one event",
            explicit_bucket_boundaries_advisory=LATENCY_BUCKETS,
        )

    def consumed(self, event_type: str) -> None:
        self.events_in.add(1, {"stage": self.stage, "event_type": event_type})

    def published(self, topic: str, event_type: str) -> None:
        self.events_out.add(1, {"stage": self.stage, "topic": topic, "event_type": event_type})

    def failed(self, kind: str) -> None:
        self.errors.add(1, {"stage": self.stage, "kind": kind})

    def quarantine(self, reason: str) -> None:
        self.quarantined.add(1, {"stage": self.stage, "reason": reason})

    def took(self, seconds: float, event_type: str) -> None:
        self.latency.record(seconds, {"stage": self.stage, "event_type": event_type})


class MongoCommandSpans(monitoring.CommandListener):
    """A CLIENT span per MongoDB command: command name, database and collection, never the document."""

    def __init__(self) -> None:
        self._spans: dict[tuple[int, int], trace.Span] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        collection = event.command.get(event.command_name)
        attributes: dict[str, Any] = {"db.system": "mongodb", "db.name": event.database_name,
                                      "db.operation": event.command_name}
        if isinstance(collection, str):
            attributes["db.mongodb.collection"] = collection
        span = tracer().start_span(f"mongodb {event.command_name}", kind=trace.SpanKind.CLIENT,
                                   attributes=attributes)
        self._spans[(event.request_id, event.operation_id or 0)] = span

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        span = self._spans.pop((event.request_id, event.operation_id or 0), None)
        if span is not None:
            span.end()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        span = self._spans.pop((event.request_id, event.operation_id or 0), None)
        if span is not None:
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(event.failure).__name__))
            span.end()
