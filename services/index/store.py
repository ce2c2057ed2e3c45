"""MongoDB adapter of the index: curated study documents, quarantine records and pipeline progress.

Collections:
- `studies`: one document per study, `_id` = pseudonymised StudyInstanceUID; `document_version`
  grows only when the curated content changes, so a re-delivered event or a re-sent identical study
  leaves the document as it is.
- `quarantine`: one record per quarantine event (`_id` = event id), never deleted by the pipeline.
- `pipeline`: per study (`_id` = correlation id), when each stage last reported it.
- `deidentified`: per study (`_id` = pseudonymised StudyInstanceUID), the latest de-identified record as
  de-identification published it: what `radcurate reharmonize` replays through harmonization.
- `review`: one item per question harmonize left for review (`_id` = its fingerprint), with the reviewer's
  answer; `review_occurrences`: which series asked it (`_id` = review id | series UID).
- `replays`: reharmonize requests (`_id` = request id), published by the index worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from contracts import QuarantinedBody, StudyDeidentifiedBody, StudyQCBody, TransientError

Document = dict[str, Any]

#: Stages recorded in `pipeline`, in pipeline order ("published" = sent on the curated topic).
PROGRESS_STAGES = ("stable", "deidentified", "harmonized", "checked", "indexed", "published", "quarantined")
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class UpsertResult:
    document_version: int
    changed: bool
    indexed_at: dt.datetime


def content_hash(body: StudyQCBody) -> str:
    """Hash of what a study document says (not when it was produced), to detect real changes."""
    content = body.model_dump(mode="json", exclude={"provenance"})
    content["rules"] = [(run.stage, sorted(run.rules.items())) for run in body.provenance]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _as_datetime(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def study_document(body: StudyQCBody, *, event_id: str, correlation_id: str, digest: str) -> Document:
    """The searchable document of a checked study (without version bookkeeping)."""
    data = body.model_dump(mode="json")
    study = data["study"]
    series = data["series"]
    body_parts = sorted({s["body_part"]["code"] for s in series})
    procedures = [s["procedure"] for s in series if s.get("procedure")]
    return {
        "study_uid": study["study_uid"],
        "patient_pseudonym": study["patient_pseudonym"],
        "site_id": study["site_id"],
        "study_date": _as_datetime(body.study.study_date),
        "study_description": study["study_description"],
        "modalities": study["modalities"] or sorted({s["modality"] for s in series}),
        "study_modalities": study["modalities"],
        "body_parts": body_parts,
        "body_part_names": sorted({(s["body_part"]["meaning"] or "").lower() for s in series} - {""}),
        "procedures": sorted({p["code"] for p in procedures if p.get("code")}),
        "procedure_names": sorted({p["meaning"] for p in procedures if p.get("meaning")}),
        "review_pending": sum(1 for s in series for m in (s.get("procedure"), s["body_part"]) if m
                              and m.get("status") == "review"),
        "series_count": len(series),
        "instance_count": sum(s["instance_count"] for s in series),
        "series": series,
        "qc": data["qc"],
        "qc_status": data["qc"]["verdict"],
        "eligible_for": data["qc"].get("eligible_for", []),
        "skipped_instances": data["skipped_instances"],
        "provenance": data["provenance"],
        "edge_study_id": study["edge_study_id"],
        "research_study_id": study["research_study_id"],
        "correlation_id": correlation_id,
        "source_event_id": event_id,
        "content_hash": digest,
    }


def qc_body_from_document(doc: Document) -> StudyQCBody:
    """The checked study a document was built from (to publish a study a reviewer released later)."""
    study_date = doc.get("study_date")
    return StudyQCBody.model_validate({
        "study": {
            "study_uid": doc["study_uid"], "patient_pseudonym": doc["patient_pseudonym"], "site_id": doc["site_id"],
            "edge_study_id": doc["edge_study_id"], "research_study_id": doc["research_study_id"],
            "study_date": study_date.date() if isinstance(study_date, dt.datetime) else study_date,
            "study_description": doc.get("study_description"), "modalities": doc.get("study_modalities",
                                                                                   doc["modalities"]),
        },
        "series": doc["series"],
        "qc": doc["qc"],
        "skipped_instances": doc.get("skipped_instances", []),
        "provenance": doc["provenance"],
    })


class IndexStore:
    def __init__(self, uri: str, database: str) -> None:
        self._client: AsyncMongoClient[Document] = AsyncMongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        db = self._client[database]
        self.db = db
        self.studies: AsyncCollection[Document] = db["studies"]
        self.quarantine: AsyncCollection[Document] = db["quarantine"]
        self.pipeline: AsyncCollection[Document] = db["pipeline"]
        self.deidentified: AsyncCollection[Document] = db["deidentified"]
        self.review: AsyncCollection[Document] = db["review"]
        self.review_occurrences: AsyncCollection[Document] = db["review_occurrences"]
        self.replays: AsyncCollection[Document] = db["replays"]

    async def close(self) -> None:
        await self._client.close()

    async def ping(self) -> bool:
        try:
            await self._client.admin.command("ping")
            return True
        except PyMongoError:
            return False

    async def ensure_indexes(self) -> None:
        try:
            for keys in ("site_id", "modalities", "body_parts", "body_part_names", "qc_status", "patient_pseudonym",
                         "correlation_id", "procedures", "eligible_for"):
                await self.studies.create_index([(keys, ASCENDING)])
            await self.studies.create_index([("study_date", DESCENDING)])
            await self.quarantine.create_index([("received_at", DESCENDING)])
            await self.quarantine.create_index([("stage", ASCENDING), ("reason", ASCENDING)])
            await self.quarantine.create_index([("study_uid", ASCENDING)])
            await self.deidentified.create_index([("deidentified_at", ASCENDING)])
            await self.review.create_index([("status", ASCENDING), ("field", ASCENDING)])
            await self.review_occurrences.create_index([("review_id", ASCENDING)])
            await self.replays.create_index([("status", ASCENDING)])
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def upsert_study(self, body: StudyQCBody, *, event_id: str, correlation_id: str) -> UpsertResult:
        """Insert or update the study's document; a new version only when its content changed."""
        digest = content_hash(body)
        fields = study_document(body, event_id=event_id, correlation_id=correlation_id, digest=digest)
        uid = fields["study_uid"]
        now = dt.datetime.now(dt.UTC)
        try:
            for _ in range(5):
                current = await self.studies.find_one(
                    {"_id": uid}, {"document_version": 1, "content_hash": 1, "indexed_at": 1}
                )
                if current is not None and current.get("content_hash") == digest:
                    return UpsertResult(int(current["document_version"]), False, current["indexed_at"])
                version = 1 if current is None else int(current["document_version"]) + 1
                entry = {"version": version, "content_hash": digest, "event_id": event_id, "indexed_at": now}
                if current is None:
                    try:
                        await self.studies.insert_one(
                            {"_id": uid, **fields, "document_version": version, "indexed_at": now,
                             "first_indexed_at": now, "history": [entry]}
                        )
                        return UpsertResult(version, True, now)
                    except DuplicateKeyError:
                        continue
                outcome = await self.studies.update_one(
                    {"_id": uid, "document_version": version - 1},
                    {"$set": {**fields, "document_version": version, "indexed_at": now},
                     "$push": {"history": {"$each": [entry], "$slice": -HISTORY_LIMIT}}},
                )
                if outcome.modified_count == 1:
                    return UpsertResult(version, True, now)
            raise TransientError("study document kept changing under concurrent updates")
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def record_quarantine(self, event_id: str, correlation_id: str, body: QuarantinedBody) -> bool:
        """Store a quarantine record once; False when it was already recorded."""
        record = {"_id": event_id, "correlation_id": correlation_id, **body.model_dump(mode="json"),
                  "received_at": dt.datetime.now(dt.UTC)}
        try:
            await self.quarantine.insert_one(record)
            return True
        except DuplicateKeyError:
            return False
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def supersede_quarantine(self, study_uid: str, version: int, at: dt.datetime) -> int:
        """Mark the study's earlier QC and review quarantine records as superseded by a published version
        (instance-level rejections stay: those instances are still missing from the research data)."""
        try:
            outcome = await self.quarantine.update_many(
                {"study_uid": study_uid, "stage": {"$in": ["qc", "index"]},
                 "superseded_by_version": {"$exists": False}},
                {"$set": {"superseded_by_version": version, "superseded_at": at}},
            )
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None
        return int(outcome.modified_count)

    async def record_progress(
        self, correlation_id: str, stage: str, *, event_id: str, at: dt.datetime, **fields: Any
    ) -> None:
        """Note that `stage` reported a study (for `radcurate status` and per-study timelines)."""
        if stage not in PROGRESS_STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        update: Document = {f"stages.{stage}": {"event_id": event_id, "at": at}, **fields}
        try:
            await self.pipeline.update_one({"_id": correlation_id}, {"$set": update}, upsert=True)
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def find_studies(
        self, query: Document, *, limit: int, offset: int
    ) -> tuple[int, list[Document]]:
        """Matching study documents, newest study date first, and the total number of matches."""
        try:
            total = await self.studies.count_documents(query)
            cursor = self.studies.find(query, {"history": 0}).sort(
                [("study_date", DESCENDING), ("_id", ASCENDING)]
            ).skip(offset).limit(limit)
            return total, [doc async for doc in cursor]
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def get_study(self, study_uid: str) -> Document | None:
        try:
            return await self.studies.find_one({"_id": study_uid})
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def find_quarantine(self, query: Document, *, limit: int, offset: int) -> tuple[int, list[Document]]:
        try:
            total = await self.quarantine.count_documents(query)
            cursor = self.quarantine.find(query).sort([("received_at", DESCENDING)]).skip(offset).limit(limit)
            return total, [doc async for doc in cursor]
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def stage_counts(self) -> dict[str, int]:
        """How many studies each stage has reported, plus QC verdicts and quarantine records."""
        counts: dict[str, int] = {}
        for stage in PROGRESS_STAGES:
            counts[stage] = await self.pipeline.count_documents({f"stages.{stage}": {"$exists": True}})
        for verdict in ("PASS", "FAIL", "ERROR"):
            counts[f"qc_{verdict.lower()}"] = await self.studies.count_documents({"qc_status": verdict})
        counts["studies_indexed"] = await self.studies.count_documents({})
        counts["quarantine_records"] = await self.quarantine.count_documents({})
        return counts


    # ---- de-identified records (for replays)

    async def record_deidentified(
        self, body: StudyDeidentifiedBody, *, event_id: str, correlation_id: str, at: dt.datetime
    ) -> bool:
        """Keep the study's latest de-identified record; False when a newer one is already stored."""
        record = {"event_id": event_id, "correlation_id": correlation_id, "deidentified_at": at,
                  "site_id": body.study.site_id, "body": body.model_dump(mode="json")}
        uid = body.study.study_uid
        try:
            await self.deidentified.update_one(
                {"_id": uid, "deidentified_at": {"$lte": at}}, {"$set": record}, upsert=True
            )
            return True
        except DuplicateKeyError:
            return False  # a newer record exists: the filter missed it and the upsert collided
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def count_deidentified(self, query: Document) -> int:
        try:
            return await self.deidentified.count_documents(query)
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def deidentified_records(self, query: Document) -> list[Document]:
        try:
            return [doc async for doc in self.deidentified.find(query).sort([("_id", ASCENDING)])]
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    # ---- review list

    async def record_question(
        self, question: Any, *, study_uid: str, site_id: str, vocabulary: str | None, at: dt.datetime
    ) -> None:
        """Add (or refresh) a review item and note the series that asked it."""
        try:
            await self.review.update_one(
                {"_id": question.review_id},
                {"$setOnInsert": {"field": question.field, "inputs": question.inputs, "status": "open",
                                  "first_seen": at, "occurrences": 0},
                 "$set": {"candidates": question.candidates, "confidence": question.confidence,
                          "rule": question.rule, "vocabulary": vocabulary, "last_seen": at,
                          "last_study_uid": study_uid, "site_id": site_id}},
                upsert=True,
            )
            await self.review.update_one({"_id": question.review_id, "status": "resolved"},
                                         {"$set": {"status": "open"}, "$unset": {"resolution": ""}})
            try:
                await self.review_occurrences.insert_one(
                    {"_id": f"{question.review_id}|{question.series_uid}", "review_id": question.review_id,
                     "study_uid": study_uid, "series_uid": question.series_uid, "site_id": site_id, "seen_at": at})
            except DuplicateKeyError:
                return
            await self.review.update_one({"_id": question.review_id}, {"$inc": {"occurrences": 1}})
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def resolve_questions(self, mapped: dict[str, str], *, vocabulary: str | None, at: dt.datetime) -> int:
        """Close open items whose question a later harmonization answered with confidence."""
        if not mapped:
            return 0
        try:
            open_ids = [d["_id"] async for d in self.review.find({"_id": {"$in": sorted(mapped)}, "status": "open"},
                                                               {"_id": 1})]
            for rid in open_ids:
                await self.review.update_one(
                    {"_id": rid, "status": "open"},
                    {"$set": {"status": "resolved",
                              "resolution": {"rule": mapped[rid], "vocabulary": vocabulary, "resolved_at": at}}},
                )
            return len(open_ids)
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def find_reviews(self, query: Document, *, limit: int, offset: int) -> tuple[int, list[Document]]:
        try:
            total = await self.review.count_documents(query)
            cursor = self.review.find(query).sort([("last_seen", DESCENDING), ("_id", ASCENDING)]).skip(offset)
            return total, [doc async for doc in cursor.limit(limit)]
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def get_review(self, review_id: str) -> Document | None:
        try:
            return await self.review.find_one({"_id": review_id})
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def review_studies(self, review_id: str, limit: int = 20) -> list[str]:
        try:
            cursor = self.review_occurrences.find({"review_id": review_id}, {"study_uid": 1}).limit(limit)
            return sorted({d["study_uid"] async for d in cursor})
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def answer_review(self, review_id: str, answer: Document) -> Document | None:
        """Store a reviewer's answer (the previous one goes to `answers`); None when there is no such item."""
        try:
            current = await self.review.find_one({"_id": review_id}, {"answer": 1})
            if current is None:
                return None
            update: Document = {"$set": {"answer": answer, "status": "answered"}}
            if current.get("answer"):
                update["$push"] = {"previous_answers": current["answer"]}
            await self.review.update_one({"_id": review_id}, update)
            return await self.review.find_one({"_id": review_id})
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    # ---- replay requests

    async def create_replay(self, request: Document) -> None:
        try:
            await self.replays.insert_one(request)
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def get_replay(self, request_id: str) -> Document | None:
        try:
            return await self.replays.find_one({"_id": request_id})
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def claim_replay(self, *, now: dt.datetime, lease: dt.timedelta) -> Document | None:
        """Take the oldest pending request (or one whose worker stopped holding it) for publishing."""
        try:
            for query in ({"status": "pending"}, {"status": "publishing", "claimed_at": {"$lt": now - lease}}):
                async for doc in self.replays.find(query).sort([("requested_at", ASCENDING)]).limit(1):
                    claimed = await self.replays.update_one(
                        {"_id": doc["_id"], "status": doc["status"], "claimed_at": doc.get("claimed_at")},
                        {"$set": {"status": "publishing", "claimed_at": now}},
                    )
                    if claimed.modified_count == 1:
                        return await self.replays.find_one({"_id": doc["_id"]})
            return None
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None

    async def finish_replay(self, request_id: str, *, published: int, at: dt.datetime) -> None:
        try:
            await self.replays.update_one(
                {"_id": request_id}, {"$set": {"status": "published", "published": published, "finished_at": at}}
            )
        except PyMongoError as exc:
            raise TransientError(f"index store unavailable ({type(exc).__name__})") from None
