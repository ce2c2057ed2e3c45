"""MongoDB adapter of the three-level QC review: one review per study (its current version), with history.

Collection `qc_reviews`: `_id` = study UID; the review of the current document version, the reviews of
earlier versions (`previous`), the site and the automatic findings' codes for the queue. The study
document carries `review_state` too, so cohort queries and the publisher can select on it. Reviewers'
reasons stay here (they are free text): quarantine records and events never copy them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from contracts import TransientError, Verdict
from services.index.qc_review import Decision, ReviewPolicy, ReviewState, Role, StudyReview, decide, start

Document = dict[str, Any]
PREVIOUS_LIMIT = 10


class ReviewConflict(Exception):
    """The review changed (a new version, or another decision) since the caller read it."""


def iso_week(at: dt.datetime) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


class QCReviewStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.reviews = db["qc_reviews"]
        self.studies = db["studies"]
        self.quarantine = db["quarantine"]

    async def ensure_indexes(self) -> None:
        await self._run(self.reviews.create_index([("state", ASCENDING), ("updated_at", ASCENDING)]))
        await self._run(self.reviews.create_index([("site_id", ASCENDING)]))
        await self._run(self.studies.create_index([("review_state", ASCENDING)]))
        await self._run(self.studies.create_index([("publish_pending", ASCENDING), ("indexed_at", ASCENDING)]))

    async def start(
        self, *, study_uid: str, version: int, automatic: Verdict, site_id: str, codes: list[str],
        policy: ReviewPolicy, at: dt.datetime,
    ) -> StudyReview:
        """The review of this study version, started now unless it exists (a replayed event)."""
        current = await self._run(self.reviews.find_one({"_id": study_uid}))
        if current is not None and current["document_version"] == version:
            return StudyReview.model_validate(current["review"])
        review = start(study_uid, version, automatic, policy, at)
        fields = {"review": review.model_dump(mode="json"), "document_version": version, "state": review.state.value,
                  "site_id": site_id, "codes": codes, "updated_at": at}
        if current is None:
            try:
                await self._run(self.reviews.insert_one({"_id": study_uid, **fields, "previous": []}))
            except DuplicateKeyError:
                raise TransientError("review started concurrently") from None
        else:
            await self._run(self.reviews.update_one(
                {"_id": study_uid, "document_version": current["document_version"]},
                {"$set": fields, "$push": {"previous": {"$each": [current["review"]], "$slice": -PREVIOUS_LIMIT}}},
            ))
        await self._set_state(study_uid, version, review.state)
        return review

    async def _set_state(self, study_uid: str, version: int, state: ReviewState) -> None:
        """Mirror the review state on the study document; an accepted version waits to be published."""
        update: Document = {"$set": {"review_state": state.value}}
        if state is ReviewState.ACCEPTED:
            update["$set"]["publish_pending"] = True
        await self._run(self.studies.update_one({"_id": study_uid, "document_version": version}, update))

    async def get(self, study_uid: str) -> tuple[StudyReview, list[StudyReview]] | None:
        doc = await self._run(self.reviews.find_one({"_id": study_uid}))
        if doc is None:
            return None
        return (StudyReview.model_validate(doc["review"]),
                [StudyReview.model_validate(r) for r in doc.get("previous", [])])

    async def decide(
        self, study_uid: str, *, version: int, reviewer: str, roles: frozenset[Role], decision: Decision,
        reason: str | None, policy: ReviewPolicy, at: dt.datetime,
    ) -> StudyReview:
        """Apply one decision (ReviewError when not allowed, ReviewConflict when the review moved on)."""
        found = await self.get(study_uid)
        if found is None:
            raise LookupError(study_uid)
        review, _ = found
        if review.document_version != version:
            raise ReviewConflict(f"the study is at version {review.document_version}, not {version}")
        updated = decide(review, reviewer=reviewer, roles=roles, decision=decision, reason=reason, policy=policy,
                         at=at)
        outcome = await self._run(self.reviews.update_one(
            {"_id": study_uid, "document_version": version, "review.history": {"$size": len(review.history)}},
            {"$set": {"review": updated.model_dump(mode="json"), "state": updated.state.value, "updated_at": at}},
        ))
        if outcome.modified_count != 1:
            raise ReviewConflict("another decision was recorded meanwhile")
        await self._set_state(study_uid, version, updated.state)
        if updated.state is ReviewState.REJECTED:
            await self._quarantine_rejected(updated, at)
        return updated

    async def _quarantine_rejected(self, review: StudyReview, at: dt.datetime) -> None:
        doc = await self._run(self.studies.find_one({"_id": review.study_uid}, {"site_id": 1, "correlation_id": 1,
                                                                               "edge_study_id": 1}))
        level = review.history[-1].level
        record = {
            "_id": f"review:{review.study_uid}:{review.document_version}", "stage": "index", "kind": "data_rejected",
            "reason": "review_rejected", "detail": f"rejected at review level {level} (version "
                                                   f"{review.document_version}); see the review history",
            "study_uid": review.study_uid, "series_uids": [], "edge_instance_ids": [], "findings": [],
            "site_id": (doc or {}).get("site_id"), "edge_study_id": (doc or {}).get("edge_study_id"),
            "correlation_id": (doc or {}).get("correlation_id", ""), "received_at": at,
        }
        with contextlib.suppress(DuplicateKeyError):
            await self._run(self.quarantine.insert_one(record))

    async def queue(self, *, state: ReviewState | None, site: str | None, limit: int, offset: int
                    ) -> tuple[int, list[Document]]:
        """Reviews waiting for a human decision (or in `state`), oldest first."""
        query: Document = {"state": state.value} if state else {
            "state": {"$in": [ReviewState.AWAITING_REVIEW.value, ReviewState.AWAITING_ARBITRATION.value]}}
        if site:
            query["site_id"] = site
        total = await self._run(self.reviews.count_documents(query))
        cursor = self.reviews.find(query, {"previous": 0}).sort([("updated_at", ASCENDING)]).skip(offset).limit(limit)
        docs: list[Document] = await self._run(cursor.to_list())
        return total, docs

    async def site_statistics(self, *, site: str | None, since: dt.datetime | None, until: dt.datetime | None
                              ) -> list[Document]:
        """Per site and ISO week of first indexing: studies by QC verdict and review state, failure reasons."""
        query: Document = {}
        if site:
            query["site_id"] = site
        window: Document = {}
        if since:
            window["$gte"] = since
        if until:
            window["$lt"] = until
        if window:
            query["first_indexed_at"] = window
        cursor = self.studies.find(query, {"site_id": 1, "first_indexed_at": 1, "qc_status": 1, "review_state": 1,
                                          "qc.findings.code": 1}).sort([("first_indexed_at", DESCENDING)])
        groups: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(
            lambda: {"verdicts": Counter(), "review": Counter(), "reasons": Counter()})
        async for doc in cursor:
            group = groups[(doc["site_id"], iso_week(doc["first_indexed_at"]))]
            group["verdicts"][doc.get("qc_status", "unknown")] += 1
            group["review"][doc.get("review_state", "unknown")] += 1
            group["reasons"].update({f["code"] for f in doc.get("qc", {}).get("findings", [])})
        return [
            {"site_id": site_id, "week": week, "studies": sum(g["verdicts"].values()),
             "verdicts": dict(g["verdicts"]), "review": dict(g["review"]), "failure_reasons": dict(g["reasons"])}
            for (site_id, week), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1]), reverse=False)
        ]

    async def unpublished_accepted(self, *, settled_before: dt.datetime, limit: int = 100) -> list[Document]:
        """Accepted study versions not published yet, indexed before `settled_before`."""
        cursor = self.studies.find({"publish_pending": True, "indexed_at": {"$lt": settled_before}}).limit(limit)
        docs: list[Document] = await self._run(cursor.to_list())
        return docs

    async def published(self, study_uid: str, version: int) -> bool:
        doc = await self._run(self.studies.find_one({"_id": study_uid}, {"published_version": 1}))
        return doc is not None and int(doc.get("published_version", 0)) >= version

    async def mark_published(self, study_uid: str, version: int) -> None:
        """Record that `version` went out on the curated topic (after the broker acknowledged it)."""
        await self._run(self.studies.update_one(
            {"_id": study_uid, "document_version": version},
            {"$set": {"published_version": version}, "$unset": {"publish_pending": ""}},
        ))

    @staticmethod
    async def _run(operation: Any) -> Any:
        try:
            return await operation
        except DuplicateKeyError:
            raise
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None
