"""Re-identification mappings: what the vault keeps per study, and how it is sealed. No I/O here.

For each de-identified study the vault keeps, in the clear, only pseudonyms (study, patient, series), the
site id and the key ids; the original identifiers are sealed with AES-256-GCM under the vault key, which
is separate from the pseudonymisation key:

- Patient ID and Issuer of Patient ID, Accession Number, Study Instance UID, the edge archive's study id,
  and each series pseudonym's original Series Instance UID.

That is enough for the hospital to find the study in its own archive; names, birth dates and SOP Instance
UIDs are not kept (an instance pseudonym is re-derived from the original UID with the project key). The
associated data of each seal binds it to its study pseudonym, so a sealed payload cannot be moved to
another record.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pydicom

SEAL_VERSION = 1
_ORIGINAL_TAGS = ["SpecificCharacterSet", "PatientID", "IssuerOfPatientID", "AccessionNumber",
                  "StudyInstanceUID", "SeriesInstanceUID"]  # fmt: skip
PSEUDONYM = re.compile(r"^[A-Za-z0-9.]{1,64}$")


class SealError(ValueError):
    """A sealed payload cannot be opened with this key (wrong key, or tampered with)."""


@dataclass(frozen=True, slots=True)
class OriginalIdentifiers:
    """The identifiers of one instance that the vault keeps (read from the original, never logged)."""

    patient_id: str = ""
    issuer_of_patient_id: str = ""
    accession_number: str = ""
    study_instance_uid: str = ""
    series_instance_uid: str = ""

    def __repr__(self) -> str:
        return "OriginalIdentifiers(<sealed>)"


def read_original_identifiers(raw: bytes) -> OriginalIdentifiers:
    """The vault's identifiers from an encoded instance (header only, pixel data not read)."""
    ds = pydicom.dcmread(io.BytesIO(raw), stop_before_pixels=True, specific_tags=_ORIGINAL_TAGS, force=True)

    def text(keyword: str) -> str:
        value = ds.get(keyword)
        return "" if value is None else str(value).strip()

    return OriginalIdentifiers(
        patient_id=text("PatientID"),
        issuer_of_patient_id=text("IssuerOfPatientID"),
        accession_number=text("AccessionNumber"),
        study_instance_uid=text("StudyInstanceUID"),
        series_instance_uid=text("SeriesInstanceUID"),
    )


@dataclass(frozen=True, slots=True)
class StudyMapping:
    """One study's pseudonyms and the originals they stand for (the originals are sealed when stored)."""

    study_pseudonym: str
    patient_pseudonym: str
    key_id: str  # pseudonymisation key that made the pseudonyms
    key_fingerprint: str
    site_id: str | None = None
    patient_id: str = ""
    issuer_of_patient_id: str = ""
    accession_number: str = ""
    study_instance_uid: str = ""
    edge_study_id: str = ""
    series: Mapping[str, str] = field(default_factory=dict)  # series pseudonym -> original UID

    def __repr__(self) -> str:  # the originals never reach a log line through repr
        return f"StudyMapping(study={self.study_pseudonym!r}, key_id={self.key_id!r}, series={len(self.series)})"

    @classmethod
    def from_instance(
        cls,
        originals: OriginalIdentifiers,
        *,
        study_pseudonym: str,
        patient_pseudonym: str,
        series_pseudonym: str | None,
        key_id: str,
        key_fingerprint: str,
        site_id: str | None = None,
        edge_study_id: str = "",
    ) -> StudyMapping:
        series = {series_pseudonym: originals.series_instance_uid} if series_pseudonym else {}
        return cls(
            study_pseudonym=study_pseudonym,
            patient_pseudonym=patient_pseudonym,
            key_id=key_id,
            key_fingerprint=key_fingerprint,
            site_id=site_id,
            patient_id=originals.patient_id,
            issuer_of_patient_id=originals.issuer_of_patient_id,
            accession_number=originals.accession_number,
            study_instance_uid=originals.study_instance_uid,
            edge_study_id=edge_study_id,
            series=series,
        )

    def merge(self, other: StudyMapping) -> StudyMapping:
        """This mapping with the series (and any identifier missing here) of another of the same study."""
        if other.study_pseudonym != self.study_pseudonym:
            raise ValueError("mappings of different studies")
        return replace(
            self,
            site_id=self.site_id or other.site_id,
            patient_id=self.patient_id or other.patient_id,
            issuer_of_patient_id=self.issuer_of_patient_id or other.issuer_of_patient_id,
            accession_number=self.accession_number or other.accession_number,
            study_instance_uid=self.study_instance_uid or other.study_instance_uid,
            edge_study_id=self.edge_study_id or other.edge_study_id,
            series={**other.series, **self.series},
        )

    def sealed_part(self) -> dict[str, Any]:
        """What is encrypted."""
        return {
            "patient_id": self.patient_id,
            "issuer_of_patient_id": self.issuer_of_patient_id,
            "accession_number": self.accession_number,
            "study_instance_uid": self.study_instance_uid,
            "edge_study_id": self.edge_study_id,
            "series": dict(sorted(self.series.items())),
        }

    @classmethod
    def from_parts(cls, clear: Mapping[str, Any], sealed: Mapping[str, Any]) -> StudyMapping:
        return cls(
            study_pseudonym=str(clear["study_pseudonym"]),
            patient_pseudonym=str(clear["patient_pseudonym"]),
            key_id=str(clear["key_id"]),
            key_fingerprint=str(clear["key_fingerprint"]),
            site_id=clear.get("site_id"),
            patient_id=str(sealed.get("patient_id", "")),
            issuer_of_patient_id=str(sealed.get("issuer_of_patient_id", "")),
            accession_number=str(sealed.get("accession_number", "")),
            study_instance_uid=str(sealed.get("study_instance_uid", "")),
            edge_study_id=str(sealed.get("edge_study_id", "")),
            series={str(k): str(v) for k, v in dict(sealed.get("series", {})).items()},
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "study_pseudonym": self.study_pseudonym,
            "patient_pseudonym": self.patient_pseudonym,
            "site_id": self.site_id,
            "key_id": self.key_id,
            **self.sealed_part(),
        }

    def describe(self) -> str:
        """Human-readable lines for the lookup command (shows originals: only after an audited lookup)."""
        lines = [
            f"study {self.study_pseudonym} (patient {self.patient_pseudonym}, site {self.site_id}, "
            f"key {self.key_id})",
            f"  PatientID            {self.patient_id}",
            f"  IssuerOfPatientID    {self.issuer_of_patient_id}",
            f"  AccessionNumber      {self.accession_number}",
            f"  StudyInstanceUID     {self.study_instance_uid}",
            f"  edge study id        {self.edge_study_id}",
        ]
        lines += [f"  series {pseudo} -> {original}" for pseudo, original in sorted(self.series.items())]
        return "\n".join(lines)


class VaultCipher:
    """AES-256-GCM under the vault key (32 bytes), named by `key_id` in every record it seals."""

    __slots__ = ("__aead", "key_id")

    def __init__(self, key: bytes, key_id: str) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # needed only with the vault on

        if len(key) != 32:
            raise ValueError("the vault key must be 32 bytes (64 hex digits)")
        self.__aead = AESGCM(key)
        self.key_id = key_id

    def __repr__(self) -> str:
        return f"VaultCipher(key_id={self.key_id!r})"

    def __reduce__(self) -> Any:
        raise TypeError("a VaultCipher holds a secret key and cannot be pickled")

    def _aad(self, study_pseudonym: str) -> bytes:
        return f"radcurate-vault\x00{SEAL_VERSION}\x00{study_pseudonym}\x00{self.key_id}".encode()

    def seal(self, study_pseudonym: str, payload: Mapping[str, Any]) -> tuple[bytes, bytes]:
        """(nonce, ciphertext) of the JSON payload, bound to the study pseudonym."""
        nonce = os.urandom(12)
        plain = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
        return nonce, self.__aead.encrypt(nonce, plain, self._aad(study_pseudonym))

    def open(self, study_pseudonym: str, nonce: bytes, ciphertext: bytes) -> dict[str, Any]:
        from cryptography.exceptions import InvalidTag

        try:
            plain = self.__aead.decrypt(nonce, ciphertext, self._aad(study_pseudonym))
        except InvalidTag:
            raise SealError("the sealed identifiers do not open with this vault key") from None
        payload: dict[str, Any] = json.loads(plain)
        return payload
