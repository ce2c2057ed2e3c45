"""Turning the edge archive's change feed into study-stable events (pure logic)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from contracts import (
    DataRejected,
    Producer,
    Sender,
    SeriesInventory,
    StudyStable,
    StudyStableBody,
    derived_event_id,
    study_correlation_id,
)
from services.ingest.sites import SiteRegistry

STABLE_STUDY = "StableStudy"
NEW_STUDY = "NewStudy"
NEW_SERIES = "NewSeries"


@dataclass(frozen=True)
class Change:
    seq: int
    change_type: str
    resource_type: str
    resource_id: str


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change]
    last: int
    done: bool


def parse_changes(payload: Mapping[str, Any]) -> ChangesPage:
    """Parse Orthanc's GET /changes answer."""
    changes = [
        Change(int(c["Seq"]), str(c["ChangeType"]), str(c["ResourceType"]), str(c["ID"]))
        for c in payload.get("Changes", [])
    ]
    return ChangesPage(changes=changes, last=int(payload["Last"]), done=bool(payload["Done"]))


def stable_studies(changes: Iterable[Change]) -> list[Change]:
    return [c for c in changes if c.change_type == STABLE_STUDY]


def sender_from_metadata(metadata: Mapping[str, str]) -> Sender:
    """How an instance reached Orthanc, from its metadata (RemoteAET, CalledAET, HttpUsername, Origin)."""
    return Sender(
        origin=metadata.get("Origin") or "Unknown",
        calling_aet=(metadata.get("RemoteAET") or "").strip() or None,
        called_aet=(metadata.get("CalledAET") or "").strip() or None,
        http_user=metadata.get("HttpUsername") or None,
    )


def study_stable_event(
    *,
    edge_study_id: str,
    change_seq: int,
    series: list[SeriesInventory],
    senders: list[Sender],
    registry: SiteRegistry,
    producer: Producer,
) -> StudyStable:
    """The study-stable event of one StableStudy change; DataRejected when the site is unknown or ambiguous.

    The event id is derived from the study and the change, so re-reading the same change (after a
    restart before the cursor was saved) yields the same event id.
    """
    if not senders or not series:
        raise DataRejected("empty_study", "the study has no instances in the edge archive")
    sites = sorted({registry.resolve(sender) for sender in senders})
    if len(sites) > 1:
        raise DataRejected("ambiguous_site", f"instances of one study came from several sites: {sites}")
    body = StudyStableBody(
        edge_study_id=edge_study_id,
        change_seq=change_seq,
        site_id=sites[0],
        sender=senders[0],
        series=series,
        instance_count=sum(len(s.instance_ids) for s in series),
    )
    return StudyStable.create(
        body,
        correlation_id=study_correlation_id(edge_study_id),
        producer=producer,
        event_id=derived_event_id(StudyStable.EVENT_TYPE, edge_study_id, change_seq),
    )
