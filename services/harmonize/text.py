"""Descriptions as words: normalisation, tokens and phrase matching shared by the mappers (pure functions).

Latin text is folded (NFKC, upper case, accents removed; Greek and Cyrillic in Latin letters), a few shorthands
whose punctuation carries meaning are rewritten (``W/O``, ``C+``, ``C-``, ``3+ VIEWS``, ``2-3 VIEWS``, ``&``), then
split into words; a phrase of the vocabulary matches a run of consecutive words whose letters, joined without
separators, equal the phrase's (so ``C-SPINE``, ``C SPINE`` and ``CSPINE`` are one entry, and ``C_A_P`` reads as
``CAP``). Chinese, traditional characters written in simplified ones, is matched as substrings of each run of CJK
characters. Overlaps are resolved longest first.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

#: Longest phrase, in words.
MAX_WORDS = 6

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_TOKEN = re.compile(rf"[0-9A-Z]+|[{_CJK}]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # C/T/L SPINE: the three parts letter by letter (not joined as the letters of CT LSPINE)
    (re.compile(r"(?<![A-Z0-9])C\s*[/-]\s*T\s*[/-]\s*L(?![A-Z0-9])"), " CERVICAL THORACIC LUMBAR "),
    (re.compile(r"\bW\s*[/\\]\s*O\b"), " WO "),  # W/O, W\O
    (re.compile(r"(?<![A-Z0-9])C\s*/\s*C(?![A-Z0-9])"), " CPLUS "),  # C/C: con (com) contraste
    (re.compile(r"(?<![A-Z0-9])S\s*/\s*C(?![A-Z0-9])"), " CMINUS "),  # S/C: sin (sem) contraste
    (re.compile(r"(?<![A-Z])C\s*-\s*C\s*\+"), " CPM "),  # C- C+, C-C+
    (re.compile(r"(?<![A-Z0-9])\+\s*/\s*-"), " CPM "),  # +/- CONTRAST
    (re.compile(r"(?<![A-Z])C\s*\+\s*/?\s*-"), " CPM "),  # C+/-, C+-
    (re.compile(r"(?<![A-Z])C\s*-\s*/?\s*\+"), " CPM "),  # C-/+
    (re.compile(r"(?<![A-Z])C\s*-\s*C(?![A-Z0-9+])"), " CPM "),  # C- C: C- C+ without its last sign
    (re.compile(r"(?<![A-Z])C\s*\+"), " CPLUS "),  # C+
    (re.compile(r"(?<![A-Z])C\s*-(?!\s*[A-Z])"), " CMINUS "),  # C- (but C-SPINE stays a spine)
    # C- IP; not +C - PE, nor the cervical spine said with others (C- SPINE, C- AND T-SPINE, C- T- L-SPINE)
    (re.compile(r"(?<![A-Z+])C-(?=\s+[A-Z])(?!\s+(SPINE|SP|S|AND|OR|T|L|TH|THORACIC|LUMBAR|THRU|TO)\b)"), " CMINUS "),
    (re.compile(r"\+\s*C\b(?!\s*-\s*(SPINE|SP)\b)"), " CPLUS "),  # +C (HEAD + C-SPINE: the spine; +C-CT)
    (re.compile(r"<\s*(?=\d)"), " LESS THAN "),  # < 14 WKS, <2 VIEWS
    (re.compile(r"(>\s*=|≥)\s*(?=\d)"), " GE "),  # >= 14 WKS
    (re.compile(r">\s*(?=\d)"), " GREATER THAN "),  # > 14 WKS
    # levels of the spine listed before one 椎 (颈、胸、腰椎; 颈/腰椎): written together (颈胸腰椎)
    (re.compile(r"([颈胸腰])\s*[、/,]\s*(?=[颈胸腰](?:\s*[、/,]\s*[颈胸腰])*\s*椎)"), r"\1"),
    # the week of a pregnancy (孕22-26周, 孕12+3周): 14 weeks or more, or fewer, as the trimester codes split them
    (re.compile(r"孕\s*(?:1[4-9]|[2-4]\d)\s*(?:\+\s*\d)?\s*(?:[-~～至到]\s*\d+\s*(?:\+\s*\d)?)?\s*周"),
     " GE 14 WEEKS "),
    (re.compile(r"孕\s*(?:1[0-3]|[1-9])\s*(?:\+\s*\d)?\s*(?:[-~～至到]\s*\d+\s*(?:\+\s*\d)?)?\s*周"),
     " LESS THAN 14 WEEKS "),
    (re.compile(r"(?<![A-Z0-9])B\s*/\s*L(?![A-Z0-9])"), " BILATERAL "),  # B/L: both sides (India, the Gulf)
    (re.compile(r"(?<![A-Z0-9])T\s*型?管"), " T TUBE "),  # T管造影: a T-tube cholangiogram
    (re.compile(r"(?<![A-Z0-9])X\s*光"), " X RAY "),  # X光: an X-ray (Taiwan, Hong Kong)
    (re.compile(r"(有|无)\s*/\s*(有|无)"), r"\1\2"),  # 有/无造影剂: with and without
    (re.compile(r"电影\s*(?:\+|加|和|及|与)\s*(?:LGE|延迟强化)"), " CINE AND LGE "),  # 心脏MR电影+LGE
    (re.compile(r"(\d)\s*\+"), r"\1 PLUS "),  # 3+ VIEWS
    (re.compile(r"\+"), " PLUS "),
    (re.compile(r"&"), " AND "),
    (re.compile(r"(\d)(VIEWS?|VWS?|V)\b"), r"\1 \2"),  # 1V, 2VIEWS
    (re.compile(r"\b(\d)\s*[-/]\s*(\d)\b"), r"\1 TO \2"),  # 2-3 VIEWS, 2/3 VIEWS
)


_ESCAPED = re.compile(r"U\+(00[C-F][0-9A-F]|01[0-9A-F]{2}|02[0-4][0-9A-F])")  # EXTRU+00C9MIT: É written out
_LATIN_ACCENTED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")
#: Latin letters NFKD does not take apart (Ð Icelandic, Ħ Maltese).
_LATIN_LETTERS = {"Ł": "L", "Ø": "O", "Đ": "D", "Ð": "D", "Æ": "AE", "Œ": "OE", "Þ": "TH", "ẞ": "SS", "Ħ": "H"}


def _unaccented(letter: str) -> str:
    if letter in _LATIN_LETTERS:
        return _LATIN_LETTERS[letter]
    return "".join(c for c in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(c))


#: Greek and Cyrillic letters (upper case, accents removed) in Latin letters: Greek by ELOT 743 (the Greek
#: standard, as Greek sites write their words in Latin letters: ΕΓΚΕΦΑΛΟΥ = EGKEFALOU), Cyrillic by one scheme for
#: Russian, Ukrainian, Belarusian, Bulgarian, Serbian and Macedonian (ГРУДНОЙ КЛЕТКИ = GRUDNOY KLETKI; Bulgarian Ъ
#: is a vowel, A). The vocabulary writes these languages' words in these letters.
_ROMAN_LETTERS = {
    **dict(zip("ΑΒΓΔΕΖΗΙΚΛΜΝΞΟΠΡΣΤΥΦΩ", "AVGDEZIIKLMNXOPRSTYFO", strict=True)),
    "Θ": "TH", "Χ": "CH", "Ψ": "PS",
    **dict(zip("АБВГҐДЕЁЗИІЙЈКЛМНОПРСТУЎФЫЭЪ", "ABVGGDEEZIIYJKLMNOPRSTUUFYEA", strict=True)),
    "Ж": "ZH", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ю": "YU", "Я": "YA", "Є": "YE",
    "Ї": "YI", "Ь": "", "Ђ": "DJ", "Ћ": "C", "Љ": "LJ", "Њ": "NJ", "Џ": "DZ", "Ѓ": "GJ", "Ќ": "KJ", "Ѕ": "DZ",
}
_DECOMPOSED = frozenset("ЙЇЎЃЌ")  # Cyrillic letters whose accent makes another letter
_GREEK_PAIRS = {"ΟΥ": "OU", "ΓΓ": "NG", "ΓΚ": "GK", "ΓΞ": "NX", "ΓΧ": "NCH"}
#: ΑΥ, ΕΥ, ΗΥ: V before a vowel or a voiced consonant, F otherwise (ELOT 743).
_GREEK_U = re.compile(r"([ΑΕΗ])Υ(?=([ΑΕΗΙΟΥΩΒΓΔΖΛΜΝΡ])?)")
_GREEK_CYRILLIC = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff]+")


def _romanised(run: str) -> str:
    """An upper-case run of Greek or Cyrillic letters in Latin letters (`_ROMAN_LETTERS`)."""
    run = "".join(_ROMAN_LETTERS.get(c, c) if c in _DECOMPOSED else c for c in run)  # Й: not И with its breve
    letters = "".join(c for c in unicodedata.normalize("NFKD", run) if not unicodedata.combining(c))
    letters = _GREEK_U.sub(lambda m: _ROMAN_LETTERS[m.group(1)] + ("V" if m.group(2) else "F"), letters)
    for pair, roman in _GREEK_PAIRS.items():
        letters = letters.replace(pair, roman)
    return "".join(_ROMAN_LETTERS.get(c, c) for c in letters)


def _read_traditional() -> dict[int, str]:
    """vocabulary/traditional_characters.tsv (generate_traditional.py) as a str.translate table."""
    path = Path(__file__).with_name("vocabulary") / "traditional_characters.tsv"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[2:] if line]
    return {ord(traditional): simplified for traditional, simplified in rows}


#: Traditional Chinese characters (and Taiwan and Hong Kong variants) -> simplified (頭顱 = 头颅).
_TRADITIONAL = _read_traditional()


def fold(text: str) -> str:
    """NFKC width folding, upper case, Latin letters without their accents (FÉMUR = FEMUR, MAŁEJ = MALEJ), Greek
    and Cyrillic in Latin letters (`_ROMAN_LETTERS`), traditional Chinese characters in simplified ones."""
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    folded = unicodedata.normalize("NFKC", text).upper().translate(_TRADITIONAL)
    folded = _GREEK_CYRILLIC.sub(lambda m: _romanised(m.group(0)), folded)
    return _LATIN_ACCENTED.sub(lambda m: _unaccented(m.group(0)), folded)


def is_cjk(token: str) -> bool:
    """Whether a token (or a text's character) is Chinese: tokens are either Chinese runs or Latin words."""
    return bool(token) and _CJK_CHAR.match(token[0]) is not None


def tokens(text: str | None) -> list[str]:
    """Upper-case Latin words and CJK runs of `text`, after the shorthand rewrites."""
    if not text:
        return []
    folded = fold(text).replace("_", " ")  # XR_KNEE_1-2_VIEWS: the words of XR KNEE 1-2 VIEWS
    for pattern, replacement in _REWRITES:
        folded = pattern.sub(replacement, folded)
    return _TOKEN.findall(folded)


def key(text: str | None) -> str:
    """Exact-match key of a text: its tokens joined by single spaces ('' for no text)."""
    return " ".join(tokens(text))


def compact(phrase: str) -> str:
    """A vocabulary phrase as matched: its tokens without separators (CJK unchanged)."""
    return "".join(tokens(phrase))


def fingerprint(*parts: object) -> str:
    """A short stable id for a question or a rule (hex, 16 characters)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Match(Generic[T]):
    """A phrase found in a text: its value, where (token indexes, CJK offsets) and the phrase itself."""

    value: T
    phrase: str
    start: int  # first token index
    end: int  # one past the last token index
    offset: int = 0  # for CJK: character offset inside the token
    cjk: bool = False

    @property
    def length(self) -> int:
        return len(self.phrase)


class PhraseTable(Generic[T]):
    """Phrases (Latin words or Chinese) mapped to values; finds non-overlapping matches, longest first."""

    def __init__(self, entries: Iterable[tuple[str, T]], spellings: Iterable[str] | None = None) -> None:
        """`entries`: phrases and values. With `spellings` (the phrases as written), a word of two letters or
        more is joined to a lone letter after it only in phrases written so (WO C, CHEST X RAY): "CT A/P" is
        not "CTA", nor "CT V ABD" "CTV"."""
        self.latin: dict[str, T] = {}
        self.cjk: dict[str, T] = {}
        self.guard_letters = spellings is not None
        self.letter_after_word = {compact(p) for p in spellings or () if _letter_after_word(tokens(p))}
        for phrase, value in entries:
            compacted = compact(phrase)
            if not compacted:
                raise ValueError(f"empty phrase {phrase!r}")
            if len({is_cjk(t) for t in tokens(phrase)}) > 1:
                raise ValueError(f"phrase {phrase!r} mixes Chinese and Latin: list its parts instead")
            table = self.cjk if is_cjk(compacted) else self.latin
            if compacted in table and table[compacted] != value:
                raise ValueError(f"phrase {phrase!r} has two meanings")
            table[compacted] = value

    def get(self, phrase: str) -> T | None:
        """The value of a phrase (as written or compacted), or None."""
        compacted = compact(phrase)
        return self.cjk.get(compacted) if is_cjk(compacted) else self.latin.get(compacted)

    def __contains__(self, phrase: str) -> bool:
        compacted = compact(phrase)
        return compacted in self.latin or compacted in self.cjk

    def find(self, words: Sequence[str], usable: Callable[[T], bool] | None = None) -> list[Match[T]]:
        """Matches in `words` (from `tokens`), in text order; overlapping candidates resolved longest first, those
        whose value is `usable` before the others (a phrase known only for other modalities does not hide one the
        reader can use)."""
        candidates: list[Match[T]] = []
        latin = [i for i, w in enumerate(words) if not is_cjk(w)]
        for a in range(len(latin)):
            joined = ""
            boundary = False
            for b in range(a, min(a + MAX_WORDS, len(latin))):
                if latin[b] - latin[a] != b - a:  # a CJK run interrupts the Latin words
                    break
                boundary = boundary or (self.guard_letters and b > a
                                        and _letter_after_word([words[latin[b - 1]], words[latin[b]]]))
                joined += words[latin[b]]
                if joined in self.latin and (not boundary or joined in self.letter_after_word):
                    candidates.append(Match(self.latin[joined], joined, latin[a], latin[b] + 1))
        for i, word in enumerate(words):
            if not is_cjk(word):
                continue
            for phrase, value in self.cjk.items():
                at = word.find(phrase)
                while at >= 0:
                    candidates.append(Match(value, phrase, i, i + 1, at, cjk=True))
                    at = word.find(phrase, at + 1)
        taken: list[Match[T]] = []
        for m in sorted(candidates, key=lambda m: (usable is not None and not usable(m.value), -m.length, m.start,
                                                   m.offset)):
            if any(_overlap(m, t) for t in taken):
                continue
            taken.append(m)
        return sorted(taken, key=lambda m: (m.start, m.offset))


def _letter_after_word(words: Sequence[str]) -> bool:
    """Whether a word of two letters or more comes right before a lone letter."""
    return any(len(w) >= 2 and not w.isdigit() and len(n) == 1 and n.isalpha() for w, n in pairwise(words))


def _overlap(a: Match[T], b: Match[T]) -> bool:
    if a.start >= b.end or b.start >= a.end:
        return False
    if a.cjk and b.cjk:  # the same CJK run: compare character spans
        return a.offset < b.offset + b.length and b.offset < a.offset + a.length
    return True


def normalised_inputs(inputs: Mapping[str, str | None]) -> dict[str, str]:
    """The non-empty inputs of a question, each as its exact-match key (for fingerprints and rules)."""
    return {name: key(value) for name, value in sorted(inputs.items()) if value and key(value)}
