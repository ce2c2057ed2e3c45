"""The event envelope: identity, routing and lineage fields, kept apart from the body."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

#: Namespace for deterministic identifiers (correlation ids, event ids of replayable events).
RADCURATE_NAMESPACE = uuid.UUID("5b0c3a55-7d0e-4c52-9a3e-6f1f2c0d9e41")


class Producer(BaseModel):
    """The service (and its version) that wrote an event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: str


class EventBase(BaseModel):
    """Envelope fields shared by every event; subclasses add `event_type` and `body`.

    `schema_version` is MAJOR.MINOR: minor versions only add optional fields, a breaking
    change is a new event type.
    """

    model_config = ConfigDict(extra="forbid")

    EVENT_TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[str]

    event_id: uuid.UUID
    event_type: str
    schema_version: str = Field(pattern=r"^\d+\.\d+$")
    correlation_id: uuid.UUID = Field(description="One id per study, the same in every stage's events.")
    producer: Producer
    occurred_at: AwareDatetime
    attempt: int = Field(default=1, ge=1, description="Delivery attempt of this event (1 = first).")
    body: Any

    @classmethod
    def create(
        cls,
        body: Any,
        *,
        correlation_id: uuid.UUID,
        producer: Producer,
        event_id: uuid.UUID | None = None,
        attempt: int = 1,
        occurred_at: datetime | None = None,
    ) -> Self:
        """Build an event of this type with a fresh (or given, deterministic) event id."""
        return cls(
            event_id=event_id or uuid.uuid4(),
            event_type=cls.EVENT_TYPE,
            schema_version=cls.SCHEMA_VERSION,
            correlation_id=correlation_id,
            producer=producer,
            occurred_at=occurred_at or datetime.now(UTC),
            attempt=attempt,
            body=body,
        )


def study_correlation_id(edge_study_id: str) -> uuid.UUID:
    """The correlation id of a study: stable for the study's whole life in the pipeline."""
    return uuid.uuid5(RADCURATE_NAMESPACE, f"study:{edge_study_id}")


def derived_event_id(*parts: object) -> uuid.UUID:
    """A deterministic event id, so that a replayed event keeps its identity and can be deduplicated."""
    return uuid.uuid5(RADCURATE_NAMESPACE, "|".join(str(p) for p in parts))
