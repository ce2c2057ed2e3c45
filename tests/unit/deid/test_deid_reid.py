"""Vault records as pure logic: what is kept, how it is sealed, and that nothing leaks through repr."""

from __future__ import annotations

import pickle

import pytest

from services.deid.reid import OriginalIdentifiers, SealError, StudyMapping, VaultCipher, read_original_identifiers
from tests.unit.deid.helpers import PATIENT_ID, encode, lenient_read, rich_ct

KEY = bytes(range(32))


def mapping(series: dict[str, str] | None = None, **changes: str) -> StudyMapping:
    values = {"patient_id": PATIENT_ID, "accession_number": "ACC42X", "study_instance_uid": "1.2.3.4"}
    values.update(changes)
    return StudyMapping(study_pseudonym="2.25.7", patient_pseudonym="ABCDEFGHIJKLMNOP", key_id="k1",
                        key_fingerprint="00ff", series=series or {"2.25.8": "1.2.3.4.5"}, **values)


def test_originals_read_from_a_real_file() -> None:
    ds = rich_ct()
    originals = read_original_identifiers(encode(ds))
    assert originals == OriginalIdentifiers(
        patient_id=PATIENT_ID, accession_number="ACC42X", study_instance_uid=ds.StudyInstanceUID,
        series_instance_uid=ds.SeriesInstanceUID,
    )
    assert PATIENT_ID not in repr(originals)


def test_seal_round_trip_and_binding() -> None:
    cipher = VaultCipher(KEY, "vault-1")
    nonce, sealed = cipher.seal("2.25.7", mapping().sealed_part())
    assert PATIENT_ID.encode() not in sealed
    assert cipher.open("2.25.7", nonce, sealed) == mapping().sealed_part()
    assert cipher.seal("2.25.7", mapping().sealed_part())[0] != nonce  # a fresh nonce every time
    with pytest.raises(SealError):
        cipher.open("2.25.9", nonce, sealed)  # moved to another study's record
    with pytest.raises(SealError):
        cipher.open("2.25.7", nonce, sealed[:-1] + bytes([sealed[-1] ^ 1]))  # tampered with
    with pytest.raises(SealError):
        VaultCipher(KEY, "vault-2").open("2.25.7", nonce, sealed)  # relabelled key id
    with pytest.raises(SealError):
        VaultCipher(bytes(32), "vault-1").open("2.25.7", nonce, sealed)  # another key


def test_cipher_keeps_its_key() -> None:
    cipher = VaultCipher(KEY, "vault-1")
    assert repr(cipher) == "VaultCipher(key_id='vault-1')"
    with pytest.raises(TypeError):
        pickle.dumps(cipher)
    with pytest.raises(ValueError, match="32 bytes"):
        VaultCipher(KEY[:16], "vault-1")


def test_merge_adds_series_and_keeps_identifiers() -> None:
    merged = mapping().merge(mapping({"2.25.9": "1.2.3.4.6"}, accession_number=""))
    assert merged.series == {"2.25.8": "1.2.3.4.5", "2.25.9": "1.2.3.4.6"}
    assert merged.accession_number == "ACC42X"
    assert merged.merge(mapping()) == merged
    with pytest.raises(ValueError, match="different studies"):
        mapping().merge(StudyMapping("2.25.1", "P", "k1", "00"))
    assert PATIENT_ID not in repr(merged) and "ACC42X" not in repr(merged)


def test_mapping_from_an_instance() -> None:
    ds = rich_ct()
    originals = read_original_identifiers(encode(ds))
    made = StudyMapping.from_instance(originals, study_pseudonym="2.25.7", patient_pseudonym="P",
                                      series_pseudonym="2.25.8", key_id="k1", key_fingerprint="00")
    assert made.series == {"2.25.8": lenient_read(encode(ds)).SeriesInstanceUID}
    clear = {"study_pseudonym": "2.25.7", "patient_pseudonym": "P", "key_id": "k1", "key_fingerprint": "00"}
    assert StudyMapping.from_parts(clear, made.sealed_part()) == made
    assert PATIENT_ID in made.describe()  # shown only to an audited lookup
