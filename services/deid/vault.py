"""The re-identification vault in MongoDB (off by default; DEID_VAULT_ENABLED). Blocking: call via to_thread.

Collections of the vault database (``DEID_VAULT_DB``, default ``radcurate_vault``):

- ``mappings``: one document per de-identified study, keyed by its study pseudonym; in the clear only
  pseudonyms, site id, key ids and times, the originals sealed (``reid.VaultCipher``);
- ``audit``: one document per lookup, written before anything is read and completed with the outcome;
- ``keys``: each pseudonymisation key id with its fingerprint, so that one key id never names two keys.

`MongoVault.lookup` is the only way to read originals, and it always writes the audit record first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    DuplicateKeyError,
    ExecutionTimeout,
    NetworkTimeout,
    ServerSelectionTimeoutError,
    WTimeoutError,
)

from contracts.errors import TransientError
from services.deid.reid import PSEUDONYM, SealError, StudyMapping, VaultCipher
from services.deid.settings import Settings

DEFAULT_DATABASE = "radcurate_vault"
MAX_REASON = 1000
_TRANSIENT = (AutoReconnect, ConnectionFailure, ExecutionTimeout, NetworkTimeout, ServerSelectionTimeoutError,
              WTimeoutError)  # fmt: skip
_RETRIES = 5


class VaultError(RuntimeError):
    """A lookup that cannot be served (bad request, wrong vault key); the message names no original value."""


class VaultKeyMismatch(TransientError):
    """The pseudonymisation key id is registered in the vault with another key.

    A TransientError on purpose: the stage pauses and says so, storing nothing, until its key is fixed.
    """


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def _transient(what: str) -> Iterator[None]:
    try:
        yield
    except _TRANSIENT as exc:
        raise TransientError(f"vault MongoDB {what} failed ({type(exc).__name__})") from None


class MongoVault:
    """Writes study mappings and serves audited lookups."""

    def __init__(self, db: Database[dict[str, Any]], cipher: VaultCipher, *, client: MongoClient[Any] | None = None):
        self._db = db
        self._cipher = cipher
        self._client = client
        self.mappings: Collection[dict[str, Any]] = db["mappings"]
        self.audit: Collection[dict[str, Any]] = db["audit"]
        self.keys: Collection[dict[str, Any]] = db["keys"]

    def __repr__(self) -> str:
        return f"MongoVault(db={self._db.name!r}, {self._cipher!r})"

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def ensure_indexes(self) -> None:
        with _transient("index creation"):
            self.mappings.create_index("patient_pseudonym")
            self.mappings.create_index("series_pseudonyms")
            self.audit.create_index("pseudonym")

    # ---------------------------------------------------------------------------------------- writing

    def check_key(self, key_id: str, fingerprint: str) -> None:
        """Register the pseudonymisation key id with its fingerprint, or check it against the registered one
        (and create the lookup indexes: called once before a process writes)."""
        self.ensure_indexes()
        with _transient("key check"):
            try:
                self.keys.insert_one({"_id": key_id, "fingerprint": fingerprint, "registered_at": _now()})
                return
            except DuplicateKeyError:
                registered = self.keys.find_one({"_id": key_id}) or {}
        if registered.get("fingerprint") != fingerprint:
            raise VaultKeyMismatch(
                f"key id {key_id!r} is registered in the vault with another key: give a new key a new key id "
                "(DEID_KEY_ID); nothing is de-identified until this is fixed"
            )

    def record(self, mapping: StudyMapping) -> None:
        """Add a study's mapping, merging it into what the vault already holds (idempotent)."""
        with _transient("write"):
            for _ in range(_RETRIES):
                current = self.mappings.find_one({"_id": mapping.study_pseudonym})
                if current is None:
                    try:
                        self.mappings.insert_one(self._document(mapping, revision=1, created_at=_now()))
                        return
                    except DuplicateKeyError:
                        continue  # written meanwhile by another worker: merge into it
                stored = self._open(current)
                merged = stored.merge(mapping)
                if merged == stored:
                    return
                document = self._document(merged, revision=int(current["revision"]) + 1,
                                          created_at=current.get("created_at", _now()))
                result = self.mappings.replace_one({"_id": current["_id"], "revision": current["revision"]}, document)
                if result.matched_count == 1:
                    return
        raise TransientError("vault mapping kept changing under concurrent writers; retrying")

    def _document(self, mapping: StudyMapping, *, revision: int, created_at: dt.datetime) -> dict[str, Any]:
        nonce, ciphertext = self._cipher.seal(mapping.study_pseudonym, mapping.sealed_part())
        return {
            "_id": mapping.study_pseudonym,
            "patient_pseudonym": mapping.patient_pseudonym,
            "series_pseudonyms": sorted(mapping.series),
            "site_id": mapping.site_id,
            "key_id": mapping.key_id,
            "key_fingerprint": mapping.key_fingerprint,
            "vault_key_id": self._cipher.key_id,
            "nonce": nonce,
            "sealed": ciphertext,
            "revision": revision,
            "created_at": created_at,
            "updated_at": _now(),
        }

    def _open(self, document: dict[str, Any]) -> StudyMapping:
        if document.get("vault_key_id") != self._cipher.key_id:
            raise VaultError(
                f"study {document['_id']} is sealed under vault key {document.get('vault_key_id')!r}, "
                f"not {self._cipher.key_id!r}"
            )
        try:
            sealed = self._cipher.open(str(document["_id"]), bytes(document["nonce"]), bytes(document["sealed"]))
        except SealError as exc:
            raise VaultError(f"study {document['_id']}: {exc}") from None
        clear = {"study_pseudonym": document["_id"], **document}
        return StudyMapping.from_parts(clear, sealed)

    # ---------------------------------------------------------------------------------------- reading

    def lookup(self, pseudonym: str, *, actor: str, reason: str) -> list[StudyMapping]:
        """The studies behind a study, series or patient pseudonym, after writing who asked, why and when.

        The audit record is written before the mappings are read; if it cannot be written nothing is read.
        It is completed with the outcome (studies found, or the failure) before anything is returned.
        """
        pseudonym, actor, reason = pseudonym.strip(), actor.strip(), reason.strip()
        if not PSEUDONYM.match(pseudonym):
            raise VaultError("a pseudonym is 1-64 characters of letters, digits and dots")
        if not actor:
            raise VaultError("a lookup needs the name of who asks")
        if not reason or len(reason) > MAX_REASON:
            raise VaultError(f"a lookup needs a reason of 1-{MAX_REASON} characters")
        audit_id = str(uuid.uuid4())
        with _transient("audit write"):
            self.audit.insert_one({"_id": audit_id, "at": _now(), "actor": actor, "reason": reason,
                                   "pseudonym": pseudonym, "outcome": "pending"})

        def finish(outcome: str, studies: list[str]) -> None:
            with _transient("audit write"):
                self.audit.update_one({"_id": audit_id},
                                      {"$set": {"outcome": outcome, "studies": studies, "finished_at": _now()}})

        query = {"$or": [{"_id": pseudonym}, {"patient_pseudonym": pseudonym}, {"series_pseudonyms": pseudonym}]}
        try:
            with _transient("read"):
                documents = list(self.mappings.find(query).sort("_id", 1))
            found = [self._open(document) for document in documents]
        except (VaultError, TransientError) as exc:
            finish("failed", [])
            raise exc from None
        finish("found" if found else "not_found", [mapping.study_pseudonym for mapping in found])
        return found


def open_vault(*, mongo_uri: str, database: str, key_hex: str, key_id: str, timeout_ms: int = 5000) -> MongoVault:
    """Connect to the vault (the key is hex, 32 bytes)."""
    try:
        key = bytes.fromhex(key_hex.strip())
    except ValueError:
        raise VaultError("DEID_VAULT_KEY is not hex") from None
    try:
        cipher = VaultCipher(key, key_id)
    except ValueError as exc:
        raise VaultError(f"DEID_VAULT_KEY: {exc}") from None
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms)
    return MongoVault(client[database], cipher, client=client)



def vault_from_settings(settings: Settings) -> MongoVault | None:
    """The service's vault, or None when DEID_VAULT_ENABLED is off (the settings validated the rest)."""
    if not settings.vault_enabled or settings.vault_key is None:
        return None
    return open_vault(mongo_uri=settings.mongo_uri or "", database=settings.vault_db,
                      key_hex=settings.vault_key.get_secret_value(), key_id=settings.vault_key_id or "")
