"""MongoDB adapters of ingest: the change-feed cursor (a restarted ingest resumes where it stopped) and the
studies awaiting their StableStudy change."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from contracts import TransientError

COLLECTION = "ingest_cursors"
T = TypeVar("T")


class CursorStore:
    def __init__(self, uri: str, database: str, name: str) -> None:
        self._client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, serverSelectionTimeoutMS=5000)
        self._collection = self._client[database][COLLECTION]
        self._name = name

    async def load(self) -> int | None:
        """The last change sequence number fully published, or None if never set."""
        try:
            doc = await self._collection.find_one({"_id": self._name})
        except PyMongoError as exc:
            raise TransientError(f"cursor store unavailable ({type(exc).__name__})") from None
        return None if doc is None else int(doc["seq"])

    async def save(self, seq: int) -> None:
        try:
            await self._collection.update_one(
                {"_id": self._name},
                {"$set": {"seq": seq, "updated_at": datetime.now(UTC)}},
                upsert=True,
            )
        except PyMongoError as exc:
            raise TransientError(f"cursor store unavailable ({type(exc).__name__})") from None

    async def close(self) -> None:
        await self._client.close()


class PendingStudies:
    """Studies with new instances not yet announced stable, so that none is missed when the archive
    restarts inside its stability window (Orthanc then never logs their StableStudy change)."""

    COLLECTION = "ingest_pending"

    def __init__(self, uri: str, database: str, name: str) -> None:
        self._client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, serverSelectionTimeoutMS=5000,
                                                                         tz_aware=True)
        self._collection = self._client[database][self.COLLECTION]
        self._name = name

    async def touch(self, study_id: str, seq: int, at: datetime) -> None:
        await self._run(self._collection.update_one(
            {"_id": f"{self._name}:{study_id}"},
            {"$set": {"study_id": study_id, "feed": self._name, "seq": seq, "seen_at": at}},
            upsert=True,
        ))

    async def done(self, study_id: str) -> None:
        await self._run(self._collection.delete_one({"_id": f"{self._name}:{study_id}"}))

    async def quiet_since(self, before: datetime) -> list[tuple[str, int]]:
        """(study id, last change seq) of pending studies with no activity since `before`."""

        async def query() -> list[tuple[str, int]]:
            cursor = self._collection.find({"feed": self._name, "seen_at": {"$lt": before}})
            return [(doc["study_id"], int(doc["seq"])) async for doc in cursor]

        result: list[tuple[str, int]] = await self._run(query())
        return result

    async def _run(self, operation: Awaitable[T]) -> T:
        try:
            return await operation
        except PyMongoError as exc:
            raise TransientError(f"pending-study store unavailable ({type(exc).__name__})") from None

    async def close(self) -> None:
        await self._client.close()
