"""Descriptor cleaning rules, date shifting and dummy values."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydicom.valuerep import validate_value

from services.deid.clean import TEXT_DUMMIES, TextCleaner, dummy_value, name_terms, shift_date, shift_datetime

CLEANER = TextCleaner([*name_terms("DOE^JANE^Q^MRS"), "MRN-778812", "Springfield", "ACC42X"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CT HEAD W/O CONTRAST", "CT HEAD W/O CONTRAST"),
        ("MR Brain T1 3mm 120kV", "MR Brain T1 3mm 120kV"),
        ("DWI b 0 500 1000", "DWI b 0 500 1000"),
        ("Thorax 0.625 1.25 2.5", "Thorax 0.625 1.25 2.5"),
        ("CT chest doe jane", "CT chest"),
        ("JANE DOE - abdomen", "abdomen"),
        ("Doe, Jane chest", "chest"),
        ("Doesburg chest", "Doesburg chest"),  # whole words only
        ("liver MRN-778812", "liver"),
        ("liver ACC42X", "liver"),
        ("ref Dr. Who brain", "ref brain"),
        ("REF DR. WHO BRAIN", "REF BRAIN"),
        ("Prof Jones spine", "spine"),
        ("knee 2021-03-04", "knee"),
        ("knee 04/03/21", "knee"),
        ("knee 4 Mar 2021", "knee"),
        ("knee March 4, 2021", "knee"),
        ("knee 20210304", "knee"),
        ("call 555-123-4567 pelvis", "call pelvis"),
        ("call +44 20 7946 0958", "call"),
        ("pt 12345 hip", "pt hip"),
        ("mail jane@example.org", "mail"),
        ("see https://host/x?y=1 now", "see now"),
        ("from Springfield ()", "from"),
        ("Doe", ""),
    ],
)
def test_cleaning_rules(text: str, expected: str) -> None:
    assert CLEANER.clean(text) == expected


def test_cleaning_keeps_lines() -> None:
    assert CLEANER.clean("line one DOE\nJANE\nline three") == "line one\nline three"


def test_terms_with_case_changing_length() -> None:
    assert TextCleaner(["Straße"]).clean("vor STRASSE und straße") == "vor STRASSE und"


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=80))
def test_cleaning_never_grows_the_text(text: str) -> None:
    assert len(CLEANER.clean(text)) <= len(text)


def test_name_terms() -> None:
    assert {"DOE", "JANE", "Q", "MRS", "JANE DOE"} <= set(name_terms("DOE^JANE^Q^MRS"))
    assert "Yamada" in name_terms("Yamada^Tarou=山田^太郎")


@pytest.mark.parametrize(
    ("value", "days", "expected"),
    [
        ("20200301", -1, "20200229"),
        ("20210101", -365, "20200102"),
        ("2020.03.01", -1, "20200229"),
        ("", -5, ""),
        ("2020030", -1, None),
        ("20201301", -1, None),
        ("0001010", -1, None),
    ],
)
def test_shift_date(value: str, days: int, expected: str | None) -> None:
    assert shift_date(value, days) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20200301120000.123456+0100", "20200229120000.123456+0100"),
        ("20200301", "20200229"),
        ("202003", "202002"),
        ("2020", "2019"),
        ("20200301-0500", "20200229-0500"),
        ("nonsense", None),
    ],
)
def test_shift_datetime(value: str, expected: str | None) -> None:
    assert shift_datetime(value, -1) == expected


@pytest.mark.parametrize("vr", sorted(TEXT_DUMMIES))
def test_text_dummies_are_valid_for_their_vr(vr: str) -> None:
    raw = dummy_value(vr)
    assert len(raw) % 2 == 0
    validate_value(vr, raw.decode("ascii").rstrip(" "), 2)  # 2 = RAISE


@pytest.mark.parametrize(("vr", "fmt"), [("US", "<H"), ("SS", "<h"), ("UL", "<L"), ("FL", "<f"), ("FD", "<d")])
def test_binary_dummies(vr: str, fmt: str) -> None:
    assert struct.unpack(fmt, dummy_value(vr)) == (0,)
    assert dummy_value(vr, little_endian=False) == struct.pack(">" + fmt[1], 0)


def test_person_name_dummy_is_anonymous() -> None:
    assert dummy_value("PN").strip() == b"ANONYMOUS"
    assert dummy_value("DA") == b"19000101"
    assert dummy_value("OB") == b"\x00\x00"
