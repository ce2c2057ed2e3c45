"""The failure rules every stage shares (contracts.delivery), on real decoded events."""

from __future__ import annotations

import asyncio

import pytest

from contracts import (
    ContractError,
    DataRejected,
    Producer,
    QuarantineKind,
    StudyStable,
    TransientError,
    encode,
)
from contracts.codec import header_map
from contracts.delivery import Outgoing, RetryPolicy, StageContext, process_record
from contracts.envelope import EventBase
from contracts.topics import QUARANTINE, STUDY_DEIDENTIFIED
from tests.contracts.examples import examples

STABLE = examples()[0]


def ctx() -> StageContext:
    return StageContext("deid", Producer(service="deid", version="test"), RetryPolicy(0.001, 0.002))


def run(value: bytes | None, headers: dict[str, bytes], handle) -> list[Outgoing]:  # type: ignore[no-untyped-def]
    return asyncio.run(process_record(ctx(), topic="t", value=value, headers=headers, expected=StudyStable,
                                      handle=handle))


def stable_record() -> tuple[bytes, dict[str, bytes]]:
    record = encode(STABLE)
    return record.value, header_map(record.headers)


async def never(event: EventBase) -> list[Outgoing]:
    raise AssertionError("handler must not run")


def test_a_contract_error_is_quarantined_with_the_payload_excerpt() -> None:
    [out] = run(b'{"not": "an event"}', {}, never)
    assert out.topic == QUARANTINE["deid"]
    body = out.event.body
    assert body.kind is QuarantineKind.CONTRACT_ERROR and body.reason == ContractError.reason
    assert body.payload_excerpt and body.source_topic == "t"


def test_transient_errors_are_retried_until_the_handler_succeeds() -> None:
    calls = []

    async def flaky(event: EventBase) -> list[Outgoing]:
        calls.append(event.event_id)
        if len(calls) < 3:
            raise TransientError("Orthanc answered 503")
        return [Outgoing(STUDY_DEIDENTIFIED, event)]

    outputs = run(*stable_record(), flaky)
    assert len(calls) == 3 and outputs[0].topic == STUDY_DEIDENTIFIED


def test_rejected_data_is_quarantined_with_its_reason_and_refs() -> None:
    async def reject(event: EventBase) -> list[Outgoing]:
        raise DataRejected("burned_in_annotation", "US image with BurnedInAnnotation YES", edge_instance_ids=("i1",))

    [out] = run(*stable_record(), reject)
    body = out.event.body
    assert (body.kind, body.reason, body.edge_instance_ids) == (QuarantineKind.DATA_REJECTED,
                                                               "burned_in_annotation", ["i1"])
    assert body.edge_study_id == STABLE.body.edge_study_id and body.site_id == "site-demo-a"
    assert out.event.correlation_id == STABLE.correlation_id
    assert body.source_event_id == str(STABLE.event_id)


def test_unexpected_errors_are_quarantined_without_their_message() -> None:
    async def crash(event: EventBase) -> list[Outgoing]:
        raise ValueError("Zhang^Wei is not a valid value")

    [out] = run(*stable_record(), crash)
    body = out.event.body
    assert body.kind is QuarantineKind.PROCESSING_ERROR and body.reason == "unexpected_error"
    assert "ValueError" in body.detail and "Zhang" not in body.detail and "test_delivery.py" in body.detail


def test_quarantine_event_ids_are_stable_across_replays() -> None:
    async def reject(event: EventBase) -> list[Outgoing]:
        raise DataRejected("unknown_site", "no registered site")

    first = run(*stable_record(), reject)[0].event.event_id
    assert run(*stable_record(), reject)[0].event.event_id == first


@pytest.mark.parametrize(("attempt", "delay"), [(1, 0.5), (2, 1.0), (3, 2.0), (10, 30.0)])
def test_backoff_is_exponential_and_capped(attempt: int, delay: float) -> None:
    assert RetryPolicy(0.5, 30.0).delay(attempt) == delay
