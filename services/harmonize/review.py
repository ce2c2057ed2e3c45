"""Review questions and reviewed rules: a reviewer's answer becomes a mapping rule of the next version.

A question is identified by its field and its normalised inputs (`question_id`), so the harmonizer, the
index (which stores the review list) and the exported rules agree on it without sharing code. Answers
are exported by `radcurate review export` into a rules file (`vocabulary/reviewed_rules.yaml` or
HARMONIZE_REVIEWED_RULES_FILE) whose `version` is recorded in every harmonize provenance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from services.harmonize.text import fingerprint, normalised_inputs

#: The answer a reviewer gives when a question has no answer in the vocabulary.
UNKNOWN = "unknown"
#: Version of an absent or empty rules file.
NO_RULES = "0"


class RulesError(ValueError):
    """The reviewed rules file is malformed or names an answer the vocabulary does not know."""


def question_id(field_name: str, inputs: Mapping[str, str | None]) -> str:
    """The review list's id of a question: its field and normalised inputs, hashed."""
    normal = normalised_inputs(inputs)
    return fingerprint(field_name, *(f"{k}={v}" for k, v in normal.items()))


@dataclass(frozen=True)
class ReviewedRule:
    review_id: str
    field: str
    inputs: dict[str, str]
    answer: str
    meaning: str | None = None
    reviewer: str | None = None
    answered_at: str | None = None


@dataclass(frozen=True)
class ReviewedRules:
    version: str = NO_RULES
    rules: dict[str, ReviewedRule] = field(default_factory=dict)

    def answer(self, field_name: str, inputs: Mapping[str, str | None]) -> ReviewedRule | None:
        rule = self.rules.get(question_id(field_name, inputs))
        return rule if rule is not None and rule.field == field_name else None


def load_rules(path: Path | None) -> ReviewedRules:
    """The rules of `path`; an absent file is version 0 with no rules."""
    if path is None or not path.is_file():
        return ReviewedRules()
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("rules", []), list):
        raise RulesError(f"{path.name}: expected a mapping with 'version' and a 'rules' list")
    rules: dict[str, ReviewedRule] = {}
    for i, item in enumerate(raw.get("rules") or []):
        try:
            inputs = {str(k): str(v) for k, v in dict(item["inputs"]).items()}
            rule = ReviewedRule(
                review_id=question_id(str(item["field"]), inputs), field=str(item["field"]), inputs=inputs,
                answer=str(item["answer"]), meaning=item.get("meaning"), reviewer=item.get("reviewer"),
                answered_at=None if item.get("answered_at") is None else str(item["answered_at"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RulesError(f"{path.name}: rule {i} is malformed ({type(exc).__name__})") from None
        if str(item.get("id", rule.review_id)) != rule.review_id:
            raise RulesError(f"{path.name}: rule {i}: id does not match its field and inputs")
        rules[rule.review_id] = rule
    return ReviewedRules(str(raw.get("version", NO_RULES)), rules)


def _next_version(version: str) -> str:
    try:
        return str(int(version) + 1)
    except ValueError:
        return f"{version}+1"


def export_rules(
    previous: ReviewedRules,
    answered: Iterable[Mapping[str, Any]],
    meaning_of: Callable[[str, str], str | None],
) -> tuple[ReviewedRules, list[str]]:
    """Merge answered review items (as the API lists them) into the rules; returns the rules and problems.

    `meaning_of(field, answer)` validates an answer against the vocabulary (None: unknown answer, skipped
    and reported). The version grows only when a rule was added or changed.
    """
    rules = dict(previous.rules)
    problems: list[str] = []
    for item in answered:
        answer = item.get("answer") or {}
        code = str(answer.get("code") or "")
        field_name = str(item["field"])
        inputs = {str(k): str(v) for k, v in dict(item.get("inputs") or {}).items()}
        rid = question_id(field_name, inputs)
        if rid != item.get("id"):
            problems.append(f"{item.get('id')}: inputs do not give the question's id, skipped")
            continue
        meaning = None if code == UNKNOWN else meaning_of(field_name, code)
        if code != UNKNOWN and meaning is None:
            problems.append(f"{rid}: {field_name} answer {code!r} is not in the vocabulary, skipped")
            continue
        rules[rid] = ReviewedRule(
            review_id=rid, field=field_name, inputs=normalised_inputs(inputs), answer=code, meaning=meaning,
            reviewer=answer.get("reviewer"), answered_at=answer.get("answered_at"),
        )
    changed = {k: (r.field, r.inputs, r.answer) for k, r in rules.items()} != {
        k: (r.field, r.inputs, r.answer) for k, r in previous.rules.items()
    }
    version = _next_version(previous.version) if changed else previous.version
    return ReviewedRules(version, rules), problems


def dump_rules(rules: ReviewedRules) -> str:
    """The YAML text of a rules file."""
    header = (
        "# Reviewers' answers, exported by `radcurate review export`: each is a mapping rule matched on its\n"
        "# field and normalised inputs before any table or reading. Generated: edit through the review API.\n"
    )
    body = {
        "version": rules.version,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "rules": [
            {"id": r.review_id, "field": r.field, "inputs": r.inputs, "answer": r.answer, "meaning": r.meaning,
             "reviewer": r.reviewer, "answered_at": r.answered_at}
            for r in sorted(rules.rules.values(), key=lambda r: (r.field, r.review_id))
        ],
    }
    return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
