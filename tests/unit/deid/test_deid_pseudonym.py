"""Keyed pseudonyms: valid, deterministic across processes, key-dependent, and never leaking the key."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydicom.valuerep import validate_value

from services.deid.pseudonym import Pseudonymizer
from tests.unit.deid.helpers import KEY, OTHER_KEY

UID = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322"


@given(st.text(alphabet="0123456789.", min_size=1, max_size=64))
def test_uid_is_a_valid_2_25_uid(original: str) -> None:
    uid = Pseudonymizer(KEY, "k").uid(original)
    assert re.fullmatch(r"2\.25\.(0|[1-9][0-9]{0,38})", uid)
    assert len(uid) <= 64
    assert int(uid[5:]) < 2**128
    validate_value("UI", uid, 2)  # raises on an invalid UID


def test_uid_is_deterministic_and_key_dependent() -> None:
    first, again, other = Pseudonymizer(KEY, "a"), Pseudonymizer(KEY, "b"), Pseudonymizer(OTHER_KEY, "c")
    assert first.uid(UID) == again.uid(UID) == first.uid(UID + "\x00")
    assert first.uid(UID) != other.uid(UID)
    assert first.uid(UID) != first.uid(UID + ".1")
    assert first.patient_id("P1") != other.patient_id("P1")


def test_same_output_in_another_process() -> None:
    script = (
        "from services.deid.pseudonym import Pseudonymizer;"
        f"p = Pseudonymizer({KEY!r}, 'k');"
        f"print(p.uid({UID!r}), p.patient_id('PAT-1'), p.date_shift_days(p.patient_id('PAT-1')))"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    here = Pseudonymizer(KEY, "k")
    assert output.split() == [
        here.uid(UID),
        here.patient_id("PAT-1"),
        str(here.date_shift_days(here.patient_id("PAT-1"))),
    ]


@given(st.text(min_size=0, max_size=64))
def test_patient_id_is_valid_lo_and_pn(original: str) -> None:
    pseudonym = Pseudonymizer(KEY, "k").patient_id(original)
    assert re.fullmatch(r"[A-Z2-7]{16}", pseudonym)
    validate_value("LO", pseudonym, 2)
    validate_value("PN", pseudonym, 2)


def test_ae_title_fits_ae() -> None:
    title = Pseudonymizer(KEY, "k").ae_title("CT01_OC0")
    assert len(title) == 16
    validate_value("AE", title, 2)


@given(st.text(min_size=1, max_size=20))
def test_date_shift_in_range_never_zero(patient: str) -> None:
    pseudonymizer = Pseudonymizer(KEY, "k")
    days = pseudonymizer.date_shift_days(patient)
    assert -365 <= days <= -1
    assert days == pseudonymizer.date_shift_days(patient)


def test_date_shift_range_is_configurable_and_spreads() -> None:
    pseudonymizer = Pseudonymizer(KEY, "k", shift_range=(10, 20))
    shifts = {pseudonymizer.date_shift_days(f"P{i}") for i in range(200)}
    assert shifts == set(range(10, 21))


@pytest.mark.parametrize("shift_range", [(-5, 5), (0, 10), (-10, 0), (5, 1)])
def test_shift_range_must_exclude_zero(shift_range: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="shift_range"):
        Pseudonymizer(KEY, "k", shift_range=shift_range)


def test_key_never_shown() -> None:
    pseudonymizer = Pseudonymizer(KEY, "key-2026")
    assert KEY.decode() not in repr(pseudonymizer)
    assert KEY.decode() not in str(vars(type(pseudonymizer)))
    assert repr(pseudonymizer) == "Pseudonymizer(key_id='key-2026')"
    with pytest.raises(TypeError) as excinfo:
        pickle.dumps(pseudonymizer)
    assert KEY.decode() not in str(excinfo.value)
    with pytest.raises(ValueError, match="at least 16 bytes") as short:
        Pseudonymizer(b"short-secret", "k")
    assert "short-secret" not in str(short.value)


def test_fingerprint_tells_keys_apart_without_showing_them() -> None:
    first, again, other = Pseudonymizer(KEY, "a"), Pseudonymizer(KEY, "b"), Pseudonymizer(OTHER_KEY, "a")
    assert first.fingerprint() == again.fingerprint()  # the key, not its id
    assert first.fingerprint() != other.fingerprint()
    assert len(first.fingerprint()) == 16
    assert first.fingerprint() not in KEY.hex()
