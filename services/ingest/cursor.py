"""Adapter for the change-feed cursor, persisted in MongoDB so a restarted ingest resumes where it stopped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from contracts import TransientError

COLLECTION = "ingest_cursors"


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
