"""Events to and from Kafka records: JSON value, study-scoped key, type and version in headers.

Consumers route or dead-letter on the headers before decoding the value. Compatibility rule:
a minor version only adds optional fields, and consumers are upgraded before producers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError

from contracts.envelope import EventBase
from contracts.errors import ContractError
from contracts.events import EVENT_TYPES

HEADER_EVENT_TYPE = "event_type"
HEADER_SCHEMA_VERSION = "schema_version"
HEADER_CORRELATION_ID = "correlation_id"

E = TypeVar("E", bound=EventBase)

# Header values are quoted in error details only when they look like what they should be, so that a
# stray producer's header can never carry data into logs or quarantine records.
_NAME = re.compile(r"[a-z][a-z0-9_.]{0,63}")
_VERSION = re.compile(r"[0-9]{1,4}\.[0-9]{1,4}")

Headers = Mapping[str, bytes] | Iterable[tuple[str, bytes]]


@dataclass(frozen=True)
class KafkaRecord:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def encode(event: EventBase, extra_headers: Iterable[tuple[str, bytes]] = ()) -> KafkaRecord:
    """Serialise an event; the key is the correlation id so a study's events stay in order on one partition."""
    headers = [
        (HEADER_EVENT_TYPE, event.event_type.encode()),
        (HEADER_SCHEMA_VERSION, event.schema_version.encode()),
        (HEADER_CORRELATION_ID, str(event.correlation_id).encode()),
        *extra_headers,
    ]
    return KafkaRecord(
        key=str(event.correlation_id).encode(),
        value=event.model_dump_json().encode(),
        headers=headers,
    )


def header_map(headers: Headers | None) -> dict[str, bytes]:
    if headers is None:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {str(k): bytes(v) if v is not None else b"" for k, v in items}


def decode(value: bytes | None, headers: Headers | None, expected: type[E]) -> E:
    """Decode a record into `expected`, or raise ContractError naming what is wrong (never the payload)."""
    hdrs = header_map(headers)
    event_type = hdrs.get(HEADER_EVENT_TYPE, b"").decode(errors="replace")
    version = hdrs.get(HEADER_SCHEMA_VERSION, b"").decode(errors="replace")
    if not value:
        raise ContractError("empty record value")
    if event_type and event_type != expected.EVENT_TYPE:
        known = "known" if event_type in EVENT_TYPES else "unknown"
        name = repr(event_type) if _NAME.fullmatch(event_type) else "(not a valid name)"
        raise ContractError(f"{known} event type {name} where {expected.EVENT_TYPE!r} is expected")
    if version and version.split(".")[0] != expected.SCHEMA_VERSION.split(".")[0]:
        shown = repr(version) if _VERSION.fullmatch(version) else "(not MAJOR.MINOR)"
        raise ContractError(f"schema version {shown} is not compatible with {expected.SCHEMA_VERSION!r}")
    try:
        return expected.model_validate_json(value)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['type']}" for err in exc.errors()[:5]
        )
        raise ContractError(f"invalid {expected.EVENT_TYPE} event: {problems}") from None
