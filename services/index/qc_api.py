"""API of the three-level QC review and the per-site QC statistics (mounted by services.index.api).

Reviewers act with their personal token: the decision records the user the token belongs to, and the
roles it holds decide what it may do (review: level 2; arbitrate: level 3).
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from contracts import Verdict
from services.index.qc_review import Decision, ReviewError, ReviewPolicy, ReviewState, StudyReview
from services.index.review_store import QCReviewStore, ReviewConflict
from services.index.users import ApiUser

UID = r"^[0-9]+(\.[0-9]+)*$"


class QueueItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    study_uid: str
    document_version: int
    site_id: str
    automatic: Verdict
    state: ReviewState
    level: int = Field(description="2: waiting for a reviewer, 3: waiting for arbitration.")
    codes: list[str] = Field(description="Finding codes of the automatic verdict.")
    updated_at: dt.datetime


class QueuePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[QueueItem]


class ReviewRecord(BaseModel):
    review: StudyReview
    previous: list[StudyReview] = Field(description="Reviews of earlier versions of the study, oldest first.")


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document_version: int = Field(ge=1, description="The version decided on (stale decisions are refused).")
    decision: Decision
    reason: str | None = Field(default=None, max_length=500)


class SiteWeek(BaseModel):
    site_id: str
    week: str = Field(description="ISO week of first indexing, e.g. 2026-W47.")
    studies: int
    verdicts: dict[str, int]
    review: dict[str, int]
    failure_reasons: dict[str, int] = Field(description="Studies with each finding code.")


class SiteStatistics(BaseModel):
    items: list[SiteWeek]


def qc_router(
    reviews_of: Callable[..., QCReviewStore],
    user_of: Callable[..., ApiUser],
    policy: ReviewPolicy,
    max_page_size: int,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/qc", tags=["qc review"])
    Reviews = Annotated[QCReviewStore, Depends(reviews_of)]
    User = Annotated[ApiUser, Depends(user_of)]
    StudyUID = Annotated[str, Path(pattern=UID, max_length=64)]

    @router.get("/queue", response_model=QueuePage)
    async def queue(
        reviews: Reviews,
        user: User,
        state: ReviewState | None = None,
        site: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=max_page_size)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> QueuePage:
        """Studies waiting for a reviewer or an arbitrator (or in `state`), oldest first."""
        total, docs = await reviews.queue(state=state, site=site, limit=limit, offset=offset)
        items = []
        for doc in docs:
            review = StudyReview.model_validate(doc["review"])
            items.append(QueueItem(
                study_uid=doc["_id"], document_version=doc["document_version"], site_id=doc["site_id"],
                automatic=review.automatic, state=review.state, level=review.level, codes=doc.get("codes", []),
                updated_at=doc["updated_at"],
            ))
        return QueuePage(total=total, limit=limit, offset=offset, items=items)

    @router.get("/statistics", response_model=SiteStatistics)
    async def statistics(
        reviews: Reviews,
        user: User,
        site: Annotated[str | None, Query(max_length=64)] = None,
        since: dt.date | None = None,
        until: Annotated[dt.date | None, Query(description="Exclusive")] = None,
    ) -> SiteStatistics:
        """Per site and week: studies by QC verdict and review state, and how often each failure reason
        occurred, so a site can be told what to fix."""
        def start_of(day: dt.date | None) -> dt.datetime | None:
            return None if day is None else dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)

        rows = await reviews.site_statistics(site=site, since=start_of(since), until=start_of(until))
        return SiteStatistics(items=[SiteWeek.model_validate(r) for r in rows])

    @router.get("/{study_uid}", response_model=ReviewRecord)
    async def get_review(reviews: Reviews, user: User, study_uid: StudyUID) -> ReviewRecord:
        found = await reviews.get(study_uid)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no review for this study")
        review, previous = found
        return ReviewRecord(review=review, previous=previous)

    @router.post("/{study_uid}/decision", response_model=StudyReview)
    async def decide(reviews: Reviews, user: User, study_uid: StudyUID, request: DecisionRequest) -> StudyReview:
        """Accept or reject the study version (level 2), or arbitrate (level 3); decided as the token's user."""
        try:
            return await reviews.decide(
                study_uid, version=request.document_version, reviewer=user.name, roles=user.roles,
                decision=request.decision, reason=request.reason, policy=policy, at=dt.datetime.now(dt.UTC),
            )
        except LookupError:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no review for this study") from None
        except ReviewConflict as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        except ReviewError as exc:
            code = status.HTTP_403_FORBIDDEN if "role" in str(exc) else status.HTTP_422_UNPROCESSABLE_CONTENT
            raise HTTPException(code, str(exc)) from None

    return router

