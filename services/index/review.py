"""The review list's pure logic: questions from a harmonized study, answer validation, replay selection.

Harmonize withholds a mapping whose confidence is below its threshold (status `review`) and names the
question by a fingerprint of its field and inputs (`review_id`); the index keeps one review item per
question, however many series ask it, and closes it when a later harmonization maps it with confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from contracts import StudyHarmonizedBody

#: Fields whose mappings can be reviewed, and the form of an answer for each (`unknown`: no answer exists).
ANSWER_FORMS: dict[str, re.Pattern[str]] = {
    "procedure": re.compile(r"^(\d{1,7}-\d|unknown)$"),
    "body_part": re.compile(r"^(\d{5,18}|[A-Z]{2,24}|unknown)$"),
    "series_type.contrast_phase": re.compile(r"^[a-z_]{1,24}$"),
    "series_type.kernel_class": re.compile(r"^[a-z_]{1,24}$"),
    "series_type.sequence": re.compile(r"^([A-Z0-9_]{1,24}|unknown)$"),
}
SERIES_TYPE_FIELDS = ("contrast_phase", "kernel_class", "sequence")


@dataclass(frozen=True)
class Question:
    """One mapping withheld for review in one series."""

    review_id: str
    field: str
    inputs: dict[str, str]
    candidates: list[dict[str, Any]]
    confidence: float
    rule: str
    series_uid: str


@dataclass
class Harvest:
    questions: list[Question] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)  # review_id -> rule, for mappings now emitted


def _mappings(series: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if series.get("procedure"):
        found.append(("procedure", series["procedure"]))
    if series.get("body_part", {}).get("status"):
        found.append(("body_part", series["body_part"]))
    kind = series.get("series_type") or {}
    for name in SERIES_TYPE_FIELDS:
        if kind.get(name):
            found.append((f"series_type.{name}", kind[name]))
    return found


def harvest(body: StudyHarmonizedBody) -> Harvest:
    """The questions a harmonized study leaves for review, and the questions it now answers."""
    out = Harvest()
    for series in body.model_dump(mode="json")["series"]:
        for name, mapping in _mappings(series):
            rid = mapping.get("review_id")
            if not rid:
                continue
            if mapping.get("status") == "review":
                out.questions.append(Question(
                    review_id=rid, field=name, inputs=dict(mapping.get("inputs") or {}),
                    candidates=list(mapping.get("candidates") or []), confidence=float(mapping["confidence"]),
                    rule=str(mapping.get("rule") or ""), series_uid=series["series_uid"],
                ))
            elif mapping.get("status") == "mapped":
                out.mapped[rid] = str(mapping.get("rule") or "")
    return out


def rules_version(body: StudyHarmonizedBody) -> str | None:
    """The vocabulary version the study was harmonized with (from its harmonize StageRun)."""
    for run in reversed(body.provenance):
        if run.stage == "harmonize":
            return run.rules.get("vocabulary") or run.rules.get("body_part_vocabulary")
    return None


def valid_answer(field_name: str, code: str) -> bool:
    form = ANSWER_FORMS.get(field_name)
    return form is not None and bool(form.match(code))


def replay_filter(
    *, since: dt.date, until: dt.date | None = None, study_uids: list[str] | None = None, site: str | None = None
) -> dict[str, Any]:
    """Stored de-identified records to replay: de-identified on or after `since` (and before `until` + 1 day)."""
    start = dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC)
    window: dict[str, Any] = {"$gte": start}
    if until is not None:
        window["$lt"] = dt.datetime(until.year, until.month, until.day, tzinfo=dt.UTC) + dt.timedelta(days=1)
    query: dict[str, Any] = {"deidentified_at": window}
    if study_uids:
        query["_id"] = {"$in": sorted(set(study_uids))}
    if site:
        query["site_id"] = site.strip()
    return query
