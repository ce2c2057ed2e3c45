"""The three-level quality review of a study version: automatic verdict, reviewer, arbitration (pure logic).

Level 1 is the automatic QC verdict. Level 2: reviewers accept or reject; when they agree with the
automatic verdict the review ends there. Level 3: an arbitrator decides when a reviewer disagrees with
the automatic verdict or two reviewers disagree with each other. Only an accepted study is published;
a rejected one stays in quarantine. Every step is kept in the history (who, when, what, why).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts import Verdict

AUTOMATIC = "automatic-qc"


class ReviewState(StrEnum):
    AWAITING_REVIEW = "awaiting_review"
    AWAITING_ARBITRATION = "awaiting_arbitration"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class Role(StrEnum):
    READ = "read"
    REVIEW = "review"
    ARBITRATE = "arbitrate"


FINAL = frozenset({ReviewState.ACCEPTED, ReviewState.REJECTED})


class ReviewError(ValueError):
    """A decision the review cannot take (wrong state, role or reviewer; missing reason)."""


class ReviewPolicy(BaseModel):
    """How much human review a study needs before it is published."""

    model_config = ConfigDict(extra="forbid")

    accept_automatic_pass: bool = Field(
        True, description="A study that passes automatic QC is accepted without a reviewer (level 1 only)."
    )
    reviewers_required: Literal[1, 2] = Field(1, description="Level-2 decisions needed before a verdict.")


class DecisionRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal[2, 3]
    reviewer: str
    decision: Decision
    reason: str | None = None
    at: dt.datetime


class Transition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: ReviewState
    by: str
    level: Literal[1, 2, 3]
    reason: str | None = None
    at: dt.datetime


class StudyReview(BaseModel):
    """The review of one version of a study document."""

    model_config = ConfigDict(extra="forbid")

    study_uid: str
    document_version: int
    automatic: Verdict
    state: ReviewState
    decisions: list[DecisionRecord] = Field(default_factory=list)
    history: list[Transition] = Field(default_factory=list)

    @property
    def level(self) -> int:
        """The review level the study is waiting for (0 when decided)."""
        return {ReviewState.AWAITING_REVIEW: 2, ReviewState.AWAITING_ARBITRATION: 3}.get(self.state, 0)


def agrees(decision: Decision, automatic: Verdict) -> bool:
    """A reviewer agrees with the automatic verdict when accepting a PASS or rejecting a FAIL / ERROR."""
    return (decision is Decision.ACCEPT) == (automatic is Verdict.PASS)


def start(study_uid: str, version: int, automatic: Verdict, policy: ReviewPolicy, at: dt.datetime) -> StudyReview:
    """The review of a newly indexed study version, after the automatic verdict (level 1)."""
    if automatic is Verdict.PASS and policy.accept_automatic_pass:
        state, reason = ReviewState.ACCEPTED, "automatic QC passed"
    else:
        state, reason = ReviewState.AWAITING_REVIEW, f"automatic QC {automatic.value}"
    return StudyReview(
        study_uid=study_uid, document_version=version, automatic=automatic, state=state,
        history=[Transition(to=state, by=AUTOMATIC, level=1, reason=reason, at=at)],
    )


def decide(
    review: StudyReview,
    *,
    reviewer: str,
    roles: frozenset[Role],
    decision: Decision,
    reason: str | None,
    policy: ReviewPolicy,
    at: dt.datetime,
) -> StudyReview:
    """The review after one human decision; ReviewError when the decision is not allowed."""
    reason = (reason or "").strip() or None
    if review.state in FINAL:
        raise ReviewError(f"the review of version {review.document_version} is already {review.state.value}")
    if not agrees(decision, review.automatic) and reason is None:
        raise ReviewError("a decision against the automatic verdict needs a reason")
    if decision is Decision.REJECT and reason is None:
        raise ReviewError("a rejection needs a reason")
    updated = review.model_copy(deep=True)
    if review.state is ReviewState.AWAITING_ARBITRATION:
        if Role.ARBITRATE not in roles:
            raise ReviewError("arbitration needs the arbitrate role")
        if reviewer in {d.reviewer for d in review.decisions if d.level == 2}:
            raise ReviewError("an arbitrator cannot arbitrate their own review")
        updated.decisions.append(DecisionRecord(level=3, reviewer=reviewer, decision=decision, reason=reason, at=at))
        final = ReviewState.ACCEPTED if decision is Decision.ACCEPT else ReviewState.REJECTED
        updated.state = final
        updated.history.append(Transition(to=final, by=reviewer, level=3, reason=reason, at=at))
        return updated

    if Role.REVIEW not in roles and Role.ARBITRATE not in roles:
        raise ReviewError("reviewing needs the review role")
    if reviewer in {d.reviewer for d in review.decisions}:
        raise ReviewError("this reviewer has already decided on this version")
    updated.decisions.append(DecisionRecord(level=2, reviewer=reviewer, decision=decision, reason=reason, at=at))
    level2 = [d for d in updated.decisions if d.level == 2]
    if len(level2) < policy.reviewers_required:
        updated.history.append(Transition(to=ReviewState.AWAITING_REVIEW, by=reviewer, level=2, reason=reason, at=at))
        return updated
    decisions = {d.decision for d in level2}
    if len(decisions) > 1:
        state, why = ReviewState.AWAITING_ARBITRATION, "reviewers disagree"
    elif not agrees(decision, review.automatic):
        state, why = ReviewState.AWAITING_ARBITRATION, "reviewer disagrees with the automatic verdict"
    else:
        state = ReviewState.ACCEPTED if decision is Decision.ACCEPT else ReviewState.REJECTED
        why = reason or "reviewer agrees with the automatic verdict"
    updated.state = state
    updated.history.append(Transition(to=state, by=reviewer, level=2, reason=why, at=at))
    return updated
