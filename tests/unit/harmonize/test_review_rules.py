"""Reviewers' answers become rules: question ids, export (versioning, validation), load, use by the harmonizer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from services.harmonize.harmonize import answer_meaning, build_harmonizer
from services.harmonize.review import (
    NO_RULES,
    RulesError,
    dump_rules,
    export_rules,
    load_rules,
    question_id,
)

INPUTS = {"modality": "CT", "study_description": "RESEARCH PROTOCOL 7", "body_part_examined": "CHEST"}


def item(code: str, field: str = "procedure", inputs: dict[str, str] | None = None) -> dict[str, Any]:
    inputs = inputs or INPUTS
    return {"id": question_id(field, inputs), "field": field, "inputs": inputs,
            "answer": {"code": code, "reviewer": "dr x", "answered_at": "2026-11-22T09:00:00Z"}}


def test_question_ids_ignore_case_spacing_and_empty_inputs() -> None:
    assert question_id("procedure", INPUTS) == question_id(
        "procedure", {**{k: f"  {v.lower()} " for k, v in INPUTS.items()}, "protocol_name": None})
    assert question_id("procedure", INPUTS) != question_id("body_part", INPUTS)
    assert len(question_id("procedure", INPUTS)) == 16


def test_export_adds_rules_and_bumps_the_version_only_on_change(tmp_path: Path) -> None:
    first, problems = export_rules(load_rules(None), [item("24627-2")], answer_meaning)
    assert problems == [] and first.version == "1"
    [rule] = first.rules.values()
    assert (rule.answer, rule.meaning, rule.reviewer) == ("24627-2", "CT Chest", "dr x")
    path = tmp_path / "rules.yaml"
    path.write_text(dump_rules(first))
    again, _ = export_rules(load_rules(path), [item("24627-2")], answer_meaning)
    assert again.version == "1"
    changed, _ = export_rules(load_rules(path), [item("29252-4")], answer_meaning)
    assert changed.version == "2" and next(iter(changed.rules.values())).answer == "29252-4"


def test_export_refuses_answers_outside_the_vocabulary() -> None:
    rules, problems = export_rules(load_rules(None), [item("99999-9"), item("NOPE", "body_part")], answer_meaning)
    assert rules.rules == {} and rules.version == NO_RULES
    assert len(problems) == 2 and "not in the vocabulary" in problems[0]
    tampered = {**item("24627-2"), "id": "0" * 16}
    assert export_rules(load_rules(None), [tampered], answer_meaning)[1]


def test_unknown_is_an_answer() -> None:
    rules, problems = export_rules(load_rules(None), [item("unknown")], answer_meaning)
    assert problems == [] and next(iter(rules.rules.values())).answer == "unknown"
    harmonizer = build_harmonizer(None)
    harmonizer.reviewed = rules
    harmonizer.procedures.reviewed = rules
    result = harmonizer.procedures.map("CT", study_description="RESEARCH PROTOCOL 7", body_part_examined="CHEST")
    assert (result.status, result.code) == ("unmapped", None)


def test_exported_rules_drive_the_harmonizer_and_its_provenance(tmp_path: Path) -> None:
    before = build_harmonizer(None)
    assert before.procedures.map("CT", study_description="RESEARCH PROTOCOL 7",
                                 body_part_examined="CHEST").status == "review"
    rules, _ = export_rules(load_rules(None), [item("24627-2"), item("KNEE", "body_part", {"body_part_examined": "X"}),
                                               item("lung", "series_type.kernel_class",
                                                    {"manufacturer": "Acme", "convolution_kernel": "K9"})],
                            answer_meaning)
    path = tmp_path / "rules.yaml"
    path.write_text(dump_rules(rules))
    after = build_harmonizer(path)
    assert after.rules["reviewed_rules"] == "1" and before.rules["reviewed_rules"] == NO_RULES
    mapped = after.procedures.map("CT", study_description="research protocol 7", body_part_examined="chest")
    rid = question_id("procedure", INPUTS)
    assert (mapped.status, mapped.code, mapped.rule) == ("mapped", "24627-2", f"reviewed:{rid}")
    fields = {rule["field"] for rule in yaml.safe_load(path.read_text())["rules"]}
    assert fields == {"body_part", "procedure", "series_type.kernel_class"}


def test_malformed_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("version: '1'\nrules:\n  - field: procedure\n")
    with pytest.raises(RulesError, match="rule 0"):
        load_rules(path)
    path.write_text(f"version: '1'\nrules:\n  - id: '{'f' * 16}'\n    field: procedure\n    inputs: {{a: b}}\n"
                    "    answer: 24627-2\n")
    with pytest.raises(RulesError, match="id does not match"):
        load_rules(path)


def test_bundled_rules_file_is_valid_and_versioned() -> None:
    from services.harmonize.harmonize import BUNDLED_RULES

    rules = load_rules(BUNDLED_RULES)
    assert rules.version.isdigit()
