"""The confidence policy's loader (services/harmonize/policy.py) on policy.yaml and on small made-up files."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.harmonize.policy import VOCABULARY_DIR, default_policy, load_policy

POLICY_TEXT = (VOCABULARY_DIR / "policy.yaml").read_text(encoding="utf-8")


def test_a_named_only_qualifier_weighs_below_one_and_is_stated() -> None:
    policy = default_policy()
    for tracer in ("mertiatide", "thallium", "angioplasty", "spot"):
        assert policy.qualifier_weights[tracer] < 1.0  # said of a study no code names it for: not dropped
        assert tracer in policy.stated_qualifiers  # named by a code, unsaid: the code is not emitted
    assert policy.qualifier_weights["gated"] == 0.4 and "gated" in policy.stated_qualifiers


def test_a_qualifier_weighed_twice_is_refused(tmp_path: Path) -> None:
    doubled = POLICY_TEXT.replace("qualifier_weights:\n", "qualifier_weights:\n  thallium: 1.0\n", 1)
    path = tmp_path / "policy.yaml"
    path.write_text(doubled, encoding="utf-8")
    with pytest.raises(ValueError, match="weighed twice"):
        load_policy(path)


def test_without_named_only_qualifiers_the_lists_stand_as_written(tmp_path: Path) -> None:
    start = POLICY_TEXT.index("named_only_qualifiers:")
    end = POLICY_TEXT.index("]\n", start) + 2
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_TEXT[:start] + POLICY_TEXT[end:], encoding="utf-8")
    policy = load_policy(path)
    assert "thallium" not in policy.qualifier_weights and policy.stated_qualifiers == {"limited", "biopsy", "gated"}
