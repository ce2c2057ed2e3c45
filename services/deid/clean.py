"""Value-level cleaning: descriptor text (action C), date shifting and VR-valid dummy values (action D).

Descriptor cleaning keeps the clinical words and removes, in this order:

1. e-mail addresses and URLs;
2. the identifying terms gathered from the same instance before they were replaced (patient name
   components, IDs, other names and IDs, address parts, phone numbers, accession number, study ID,
   physician and operator names), case-insensitively and only as whole words;
3. a title followed by a name (``Dr. John Smith``, ``Prof Jones``, ``DR. SMITH``; upper-case titles need
   the period, so that the modality ``MR`` is not taken for one, and take one word only);
4. dates written with separators (``2021-03-04``, ``04/03/21``, ``4 Mar 2021``, ``March 4, 2021``);
5. phone-like numbers: at least 7 digits in groups of 2 or more separated by spaces, dots, dashes or
   brackets, optionally after a +country code (``0 500 1000`` b-values or ``0.625 1.25`` are kept);
6. runs of 5 or more digits (record numbers, compact dates such as 20210304);

then collapses white space and trims separators left at the ends. Short numbers, units and protocol words
(``T1 3mm 120kV``) survive.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from collections.abc import Iterable

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_FIXED_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE),
)
_LATE_PATTERNS = (
    re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?"),
    re.compile(r"\b(?:DR|PROF|MR|MRS|MS|MISS|MX)\.\s*[A-Z][\w'-]*"),
    re.compile(r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b"),
    re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"),
    re.compile(rf"\b\d{{1,2}}\s*[-/ ]?\s*{_MONTHS}\s*[-/ ,]?\s*\d{{2,4}}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}\b", re.IGNORECASE),
)
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
_DIGITS = re.compile(r"\d{5,}")
_SPACES = re.compile(r"[ \t]{2,}")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")
_EDGE = " \t-_,;:/|.^"


class TextCleaner:
    """Removes identifying content from free text; `terms` are the instance's own identifiers.

    Terms are matched with ``str.find`` on lower-cased text (no per-instance regex compilation), only
    where neither neighbour is a letter or digit.
    """

    __slots__ = ("_terms",)

    def __init__(self, terms: Iterable[str]) -> None:
        words = {term.strip().lower() for term in terms}
        self._terms = sorted(
            (word for word in words if len(word) >= 3 or (len(word) == 2 and word.isalpha())),
            key=len,
            reverse=True,
        )

    def _remove_terms(self, text: str) -> str:
        lowered = text.lower()
        if len(lowered) != len(text):  # case folding changed the length: fall back to a regex
            for term in self._terms:
                pattern = rf"(?<![^\W_]){re.escape(term)}(?![^\W_])"
                text = re.sub(pattern, " " * len(term), text, flags=re.IGNORECASE)
            return text
        chars = list(text)
        for term in self._terms:
            start = lowered.find(term)
            while start >= 0:
                end = start + len(term)
                before = lowered[start - 1] if start else " "
                after = lowered[end] if end < len(lowered) else " "
                if not before.isalnum() and not after.isalnum():
                    chars[start:end] = " " * len(term)
                    lowered = lowered[:start] + " " * len(term) + lowered[end:]
                start = lowered.find(term, start + 1)
        return "".join(chars)

    def clean(self, text: str) -> str:
        """The cleaned text (possibly empty)."""
        for pattern in _FIXED_PATTERNS:
            text = pattern.sub(" ", text)
        if self._terms:
            text = self._remove_terms(text)
        for pattern in _LATE_PATTERNS:
            text = pattern.sub(" ", text)
        text = _PHONE.sub(_drop_phone, text)
        text = _DIGITS.sub(" ", text)
        text = _EMPTY_BRACKETS.sub(" ", text)
        lines = (_SPACES.sub(" ", line).strip(_EDGE) for line in text.splitlines())
        return "\n".join(line for line in lines if line)


def _drop_phone(match: re.Match[str]) -> str:
    text = match.group()
    groups = re.findall(r"\d+", text)
    if text.startswith("+"):
        groups = groups[1:]
    phone = sum(map(len, groups)) >= 7 and all(len(group) >= 2 for group in groups)
    return " " if phone else text


def name_terms(person_name: str) -> list[str]:
    """Components and full forms of a DICOM PN value (``Family^Given^Middle^Prefix^Suffix=...``)."""
    terms: list[str] = []
    for group in person_name.split("="):
        parts = [part.strip() for part in group.split("^") if part.strip()]
        terms.extend(parts)
        for part in parts:
            terms.extend(word for word in re.split(r"[\s,.]+", part) if word)
        if len(parts) > 1:
            terms.append(" ".join(parts))
            terms.append(" ".join(reversed(parts[:2])))
    return terms


def shift_date(value: str, days: int) -> str | None:
    """Shift a DA value (``YYYYMMDD``; ACR-NEMA ``YYYY.MM.DD`` accepted) by `days`; None if invalid."""
    text = value.strip().replace(".", "")
    if not text:
        return ""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        shifted = dt.date(int(text[:4]), int(text[4:6]), int(text[6:])) + dt.timedelta(days=days)
    except (ValueError, OverflowError):
        return None
    return shifted.strftime("%Y%m%d") if shifted.year >= 1000 else None


def shift_datetime(value: str, days: int) -> str | None:
    """Shift the date part of a DT value by `days`, keeping its precision, time and UTC offset."""
    text = value.strip()
    if not text:
        return ""
    match = re.fullmatch(r"(\d{4})(\d{2})?(\d{2})?([0-9.]*)([+-]\d{4})?", text)
    if match is None:
        return None
    year, month, day, rest, offset = match.groups()
    shifted = shift_date(f"{year}{month or '01'}{day or '01'}", days)
    if shifted is None:
        return None
    precision = 4 + (2 if month else 0) + (2 if day else 0)
    return shifted[:precision] + (rest or "") + (offset or "")


def _text(value: str) -> bytes:
    raw = value.encode("ascii")
    return raw + b" " if len(raw) % 2 else raw


# Dummy values for action D, chosen to be valid for their VR and obviously artificial.
TEXT_DUMMIES: dict[str, bytes] = {
    "AE": _text("ANONYMOUS"),
    "AS": _text("000Y"),
    "CS": _text("ANONYMIZED"),
    "DA": _text("19000101"),
    "DS": _text("0"),
    "DT": _text("19000101000000"),
    "IS": _text("0"),
    "LO": _text("ANONYMIZED"),
    "LT": _text("ANONYMIZED"),
    "PN": _text("ANONYMOUS"),
    "SH": _text("ANONYMIZED"),
    "ST": _text("ANONYMIZED"),
    "TM": _text("000000"),
    "UC": _text("ANONYMIZED"),
    "UR": _text("urn:anonymized"),
    "UT": _text("ANONYMIZED"),
}
_BINARY_DUMMIES: dict[str, tuple[str, int | float]] = {
    "FL": ("f", 0.0),
    "FD": ("d", 0.0),
    "SL": ("l", 0),
    "SS": ("h", 0),
    "SV": ("q", 0),
    "UL": ("L", 0),
    "US": ("H", 0),
    "UV": ("Q", 0),
    "AT": ("L", 0),
}
_BYTES_DUMMIES = {"OB": 2, "OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8, "UN": 2}


def dummy_value(vr: str, *, little_endian: bool = True) -> bytes:
    """Encoded dummy value for `vr` (UI and SQ are handled by the caller)."""
    text = TEXT_DUMMIES.get(vr)
    if text is not None:
        return text
    binary = _BINARY_DUMMIES.get(vr)
    if binary is not None:
        return struct.pack(("<" if little_endian else ">") + binary[0], binary[1])
    return b"\x00" * _BYTES_DUMMIES.get(vr, 2)
