"""The three-level review: automatic verdict, reviewers, arbitration, with its history."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts import Verdict
from services.index.qc_review import (
    AUTOMATIC,
    Decision,
    ReviewError,
    ReviewPolicy,
    ReviewState,
    Role,
    decide,
    start,
)

AT = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
ONE = ReviewPolicy()
TWO = ReviewPolicy(reviewers_required=2)
STRICT = ReviewPolicy(accept_automatic_pass=False)
REVIEWER = frozenset({Role.REVIEW})
ARBITER = frozenset({Role.ARBITRATE})


def test_an_automatic_pass_is_accepted_at_level_one_unless_the_policy_wants_a_reviewer() -> None:
    review = start("2.25.1", 1, Verdict.PASS, ONE, AT)
    assert review.state is ReviewState.ACCEPTED
    assert review.history[0].by == AUTOMATIC
    assert start("2.25.1", 1, Verdict.PASS, STRICT, AT).state is ReviewState.AWAITING_REVIEW


@pytest.mark.parametrize("verdict", [Verdict.FAIL, Verdict.ERROR])
def test_failed_studies_wait_for_a_reviewer(verdict: Verdict) -> None:
    review = start("2.25.1", 1, verdict, ONE, AT)
    assert review.state is ReviewState.AWAITING_REVIEW
    assert review.level == 2


def test_a_reviewer_agreeing_with_the_automatic_verdict_ends_the_review() -> None:
    review = start("2.25.1", 1, Verdict.FAIL, ONE, AT)
    done = decide(review, reviewer="li", roles=REVIEWER, decision=Decision.REJECT, reason="gap at slice 40",
                  policy=ONE, at=AT)
    assert done.state is ReviewState.REJECTED
    assert [t.level for t in done.history] == [1, 2]


def test_a_reviewer_overruling_the_automatic_verdict_goes_to_arbitration() -> None:
    review = start("2.25.1", 1, Verdict.FAIL, ONE, AT)
    overruled = decide(review, reviewer="li", roles=REVIEWER, decision=Decision.ACCEPT,
                       reason="gap is outside the lungs", policy=ONE, at=AT)
    assert overruled.state is ReviewState.AWAITING_ARBITRATION
    final = decide(overruled, reviewer="wang", roles=ARBITER, decision=Decision.ACCEPT, reason="agree",
                   policy=ONE, at=AT)
    assert final.state is ReviewState.ACCEPTED
    assert [(d.level, d.reviewer) for d in final.decisions] == [(2, "li"), (3, "wang")]


def test_two_reviewers_who_disagree_go_to_arbitration() -> None:
    review = start("2.25.1", 1, Verdict.PASS, STRICT.model_copy(update={"reviewers_required": 2}), AT)
    first = decide(review, reviewer="li", roles=REVIEWER, decision=Decision.ACCEPT, reason=None, policy=TWO, at=AT)
    assert first.state is ReviewState.AWAITING_REVIEW
    second = decide(first, reviewer="zhou", roles=REVIEWER, decision=Decision.REJECT, reason="motion artefact",
                    policy=TWO, at=AT)
    assert second.state is ReviewState.AWAITING_ARBITRATION
    assert second.history[-1].reason == "reviewers disagree"


def test_two_agreeing_reviewers_end_the_review() -> None:
    review = start("2.25.1", 1, Verdict.FAIL, TWO, AT)
    first = decide(review, reviewer="li", roles=REVIEWER, decision=Decision.REJECT, reason="gap", policy=TWO, at=AT)
    second = decide(first, reviewer="zhou", roles=REVIEWER, decision=Decision.REJECT, reason="gap", policy=TWO,
                    at=AT)
    assert second.state is ReviewState.REJECTED


@pytest.mark.parametrize(
    ("reviewer", "roles", "decision", "reason", "message"),
    [
        ("li", frozenset({Role.READ}), Decision.REJECT, "gap", "review role"),
        ("li", REVIEWER, Decision.REJECT, None, "needs a reason"),
        ("li", REVIEWER, Decision.ACCEPT, "  ", "against the automatic verdict"),
    ],
)
def test_decisions_that_are_not_allowed(reviewer: str, roles: frozenset[Role], decision: Decision,
                                        reason: str | None, message: str) -> None:
    review = start("2.25.1", 1, Verdict.FAIL, ONE, AT)
    with pytest.raises(ReviewError, match=message):
        decide(review, reviewer=reviewer, roles=roles, decision=decision, reason=reason, policy=ONE, at=AT)


def test_arbitration_needs_another_person_with_the_arbitrate_role() -> None:
    review = start("2.25.1", 1, Verdict.FAIL, ONE, AT)
    waiting = decide(review, reviewer="li", roles=REVIEWER | ARBITER, decision=Decision.ACCEPT, reason="fine",
                     policy=ONE, at=AT)
    with pytest.raises(ReviewError, match="own review"):
        decide(waiting, reviewer="li", roles=ARBITER, decision=Decision.ACCEPT, reason="x", policy=ONE, at=AT)
    with pytest.raises(ReviewError, match="arbitrate role"):
        decide(waiting, reviewer="zhou", roles=REVIEWER, decision=Decision.ACCEPT, reason="x", policy=ONE, at=AT)


def test_a_final_review_cannot_change_and_a_reviewer_decides_once() -> None:
    done = start("2.25.1", 1, Verdict.PASS, ONE, AT)
    with pytest.raises(ReviewError, match="already accepted"):
        decide(done, reviewer="li", roles=REVIEWER, decision=Decision.REJECT, reason="x", policy=ONE, at=AT)
    review = start("2.25.1", 1, Verdict.FAIL, TWO, AT)
    once = decide(review, reviewer="li", roles=REVIEWER, decision=Decision.REJECT, reason="gap", policy=TWO, at=AT)
    with pytest.raises(ReviewError, match="already decided"):
        decide(once, reviewer="li", roles=REVIEWER, decision=Decision.REJECT, reason="gap", policy=TWO, at=AT)
