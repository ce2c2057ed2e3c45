"""Keyed, deterministic pseudonyms: UIDs, patient IDs, AE titles and per-patient date offsets.

Every value is HMAC-SHA256 under the project key of a domain label and the original, so the same input
gives the same output in every process holding the key, a different key gives unrelated output, and
nothing can be reversed without the key. The key never appears in a repr, a message or a report.

Key rotation: a new key gets a new key id (``DEID_KEY_ID``); both travel together, and the key id (never
the key) is recorded with every output (event provenance, the offline report and manifest, the vault).
Everything de-identified under the new key gets new pseudonyms, unrelated to the old ones: a study sent
again becomes a new study in the research archive and the index, and links to data made under the old key
go through the re-identification vault (which keeps each mapping with its key id) or through the old key.
`fingerprint` tells keys apart without revealing them, so a key id reused for other key bytes is refused
(the offline command's OUT_DIR manifest, the vault's key registry).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import NoReturn

_MAX_CACHE = 200_000


class Pseudonymizer:
    """Pseudonyms under one secret key, identified in outputs only by `key_id`."""

    __slots__ = ("__key", "_shift_max", "_shift_min", "_uid_cache", "key_id")

    def __init__(self, key: bytes, key_id: str, *, shift_range: tuple[int, int] = (-365, -1)) -> None:
        if not isinstance(key, bytes) or len(key) < 16:
            raise ValueError("key must be at least 16 bytes")
        low, high = shift_range
        if low > high or low <= 0 <= high:
            raise ValueError("shift_range must be an ordered range of days that excludes 0")
        self.__key = key
        self.key_id = key_id
        self._shift_min, self._shift_max = low, high
        self._uid_cache: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Pseudonymizer(key_id={self.key_id!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Pseudonymizer holds a secret key and cannot be pickled")

    def _digest(self, domain: bytes, value: str) -> bytes:
        return hmac.new(self.__key, domain + b"\x00" + value.encode("utf-8"), hashlib.sha256).digest()

    def uid(self, original: str) -> str:
        """``2.25.<int>``, the integer being the first 128 bits of the keyed digest (<= 44 characters)."""
        original = original.strip(" \x00")
        cached = self._uid_cache.get(original)
        if cached is None:
            cached = "2.25." + str(int.from_bytes(self._digest(b"uid", original)[:16], "big"))
            if len(self._uid_cache) >= _MAX_CACHE:
                self._uid_cache.clear()
            self._uid_cache[original] = cached
        return cached

    def patient_id(self, original: str) -> str:
        """16 characters of RFC 4648 base32 (A-Z, 2-7): the first 80 bits of the keyed digest.

        Valid as LO (Patient ID) and as a single-component PN (Patient's Name).
        """
        digest = self._digest(b"patient", original.strip(" \x00"))
        return base64.b32encode(digest[:10]).decode("ascii")

    def ae_title(self, original: str) -> str:
        """A 16-character AE title standing for `original` (cleaned AE titles stay distinguishable)."""
        digest = self._digest(b"ae", original.strip(" \x00"))
        return "AE" + base64.b32encode(digest[:10]).decode("ascii")[:14]

    def fingerprint(self) -> str:
        """16 hex digits that tell keys apart (a keyed digest of a fixed label; reveals nothing of the key).

        Recorded next to the key id wherever outputs are kept, so that one key id never silently names two keys.
        """
        return self._digest(b"fingerprint", "radcurate").hex()[:16]

    def date_shift_days(self, patient_pseudonym: str) -> int:
        """Keyed offset in days within the configured range (never 0), the same for all of a patient's
        studies so that intervals between them are preserved."""
        digest = self._digest(b"date-shift", patient_pseudonym)
        span = self._shift_max - self._shift_min + 1
        return self._shift_min + int.from_bytes(digest[:8], "big") % span
