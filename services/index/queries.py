"""Cohort queries: API filters to MongoDB filters (pure logic)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from contracts import Verdict


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def study_filter(
    *,
    modality: str | None = None,
    body_part: str | None = None,
    site: str | None = None,
    qc_status: Verdict | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    patient: str | None = None,
    loinc: str | None = None,
    eligible_for: str | None = None,
    review_state: str | None = None,
) -> dict[str, Any]:
    """A MongoDB filter on study documents; every given filter must hold (AND).

    `body_part` matches a SNOMED code (e.g. 51185008) or a code meaning (e.g. "chest", any case).
    `date_to` is inclusive.
    """
    query: dict[str, Any] = {}
    if modality:
        query["modalities"] = modality.strip().upper()
    if body_part:
        term = body_part.strip()
        query["$or"] = [
            {"body_parts": term},
            {"body_part_names": {"$regex": f"^{re.escape(term.lower())}$"}},
        ]
    if site:
        query["site_id"] = site.strip()
    if qc_status:
        query["qc_status"] = qc_status.value
    if patient:
        query["patient_pseudonym"] = patient.strip()
    if loinc:
        query["procedures"] = loinc.strip()
    if eligible_for:
        query["eligible_for"] = eligible_for.strip()
    if review_state:
        query["review_state"] = review_state.strip()
    if date_from or date_to:
        window: dict[str, dt.datetime] = {}
        if date_from:
            window["$gte"] = _day_start(date_from)
        if date_to:
            window["$lt"] = _day_start(date_to + dt.timedelta(days=1))
        query["study_date"] = window
    return query


def quarantine_filter(
    *, stage: str | None = None, reason: str | None = None, site: str | None = None, study_uid: str | None = None,
    include_superseded: bool = False,
) -> dict[str, Any]:
    """Quarantine records; by default only those no published version of their study has superseded."""
    query: dict[str, Any] = {}
    for field, value in (("stage", stage), ("reason", reason), ("site_id", site), ("study_uid", study_uid)):
        if value:
            query[field] = value.strip()
    if not include_superseded:
        query["superseded_by_version"] = {"$exists": False}
    return query


def review_filter(*, status: str | None = None, field: str | None = None, site: str | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for name, value in (("status", status), ("field", field), ("site_id", site)):
        if value:
            query[name] = value.strip()
    return query
