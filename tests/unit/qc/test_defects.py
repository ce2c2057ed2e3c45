"""Measured, not asserted: each defect injected into real multi-slice series gives exactly its reason; clean
series (plain, tilted, multi-echo, diffusion, multi-phase, with localizers, derived) pass. bench/qc_eval.py
runs the same cases over many more seeded variants and prints recall and false-FAIL rates."""

from __future__ import annotations

import random

import pytest

from contracts import Verdict
from services.qc.rules import QCRules
from tests.unit.qc.defects import (
    DEFECTS,
    VARIANTS,
    Case,
    clean_case,
    compatible,
    correct,
    defect_case,
    judge,
    passes,
    problems,
    skewed_mr_case,
)

PAIRS = [(d, v) for d in DEFECTS for v in VARIANTS if compatible(d, v)]


pytestmark = pytest.mark.usefixtures("strict_pydicom")


def _explain(case: Case, rules: QCRules) -> str:
    qc, study = judge(case, rules)
    expected = f"{sorted(case.codes)} {case.verdict.value} + {sorted(case.recognised)}"
    got = f"{sorted(problems(study.findings))} {study.verdict.value} + {sorted(passes(qc.findings))}"
    return f"{case.kind} ({case.notes}): expected {expected}, got {got}"


@pytest.mark.parametrize(("defect", "variant"), PAIRS, ids=[f"{d}-{v}" for d, v in PAIRS])
def test_each_injected_defect_gives_exactly_its_reason(defect: str, variant: str, rules: QCRules) -> None:
    case = defect_case(defect, random.Random(f"test-{defect}-{variant}"), rules, variant)
    qc, study = judge(case, rules)
    assert correct(case, qc, study), _explain(case, rules)
    assert study.verdict is DEFECTS[defect].verdict


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_clean_variants_pass(variant: str, seed: int, rules: QCRules) -> None:
    case = clean_case(variant, random.Random(f"test-clean-{variant}-{seed}"))
    qc, study = judge(case, rules)
    assert study.verdict is Verdict.PASS, _explain(case, rules)
    assert correct(case, qc, study), _explain(case, rules)


@pytest.mark.parametrize("seed", range(3))
def test_skewed_mr_stack(seed: int, rules: QCRules) -> None:
    case = skewed_mr_case(random.Random(f"test-skew-{seed}"))
    qc, study = judge(case, rules)
    assert correct(case, qc, study), _explain(case, rules)


def test_every_defect_is_exercised_on_a_volume_and_a_special_series() -> None:
    assert {d for d, _ in PAIRS} == set(DEFECTS)
    assert all(len([v for d2, v in PAIRS if d2 == d]) >= 2 for d in DEFECTS)
