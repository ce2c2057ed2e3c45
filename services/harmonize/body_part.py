"""Body Part Examined -> SNOMED CT code of DICOM CID 4031 (Common Anatomic Regions).

The header's Body Part Examined is tried first; when it is empty or unknown, the descriptions are searched
for words of `vocabulary/synonyms.yaml`. The vocabulary is versioned data, see `vocabulary/README.md`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydicom import Dataset

from contracts import BodyPart

VOCABULARY_DIR = Path(__file__).with_name("vocabulary")
VOCABULARY_VERSION = (VOCABULARY_DIR / "VERSION").read_text(encoding="utf-8").strip()

SOURCE_HEADER = "BodyPartExamined"
SOURCE_NONE = "none"
UNKNOWN = "unknown"
# Description attributes searched when Body Part Examined gives no answer, most specific first.
TEXT_ATTRIBUTES = ("SeriesDescription", "ProtocolName", "StudyDescription")

_MAX_WORDS = 5  # longest synonym, in words
_RUN = re.compile(r"[0-9A-Z]+|[\u3400-\u4dbf\u4e00-\u9fff]+")


class VocabularyError(ValueError):
    """The vocabulary files are inconsistent (a synonym names an unknown term, or two terms)."""


@dataclass(frozen=True)
class Term:
    code: str
    meaning: str


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[str, Term]  # defined term -> concept
    latin: dict[str, str]  # words joined without separators -> defined term
    cjk: dict[str, str]  # Chinese synonym -> defined term
    parts: dict[str, frozenset[str]]  # combined term -> its single regions
    combined: dict[frozenset[str], str]  # single regions -> combined term


def _is_cjk(run: str) -> bool:
    return not run[0].isascii()


def _runs(text: str) -> list[str]:
    """Upper-case Latin words and Chinese runs of `text`, after width folding (NFKC)."""
    return _RUN.findall(unicodedata.normalize("NFKC", text).upper())


def _key(text: str) -> str:
    return "".join(_runs(text))


@cache
def _vocabulary() -> Vocabulary:
    return load_vocabulary(VOCABULARY_DIR)


def load_vocabulary(directory: Path) -> Vocabulary:
    """Read and cross-check `cid4031_body_parts.csv` and `synonyms.yaml` of `directory`."""
    terms: dict[str, Term] = {}
    with (directory / "cid4031_body_parts.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            terms[row["body_part_examined"]] = Term(row["snomed_code"], row["code_meaning"])
    raw: dict[str, Any] = yaml.safe_load((directory / "synonyms.yaml").read_text(encoding="utf-8"))

    latin: dict[str, str] = {term: term for term in terms}
    cjk: dict[str, str] = {}
    for term, words in raw["synonyms"].items():
        if term not in terms:
            raise VocabularyError(f"synonyms.yaml: {term!r} is not a defined term of the CSV")
        for word in words:
            key = _key(str(word))
            table = cjk if _is_cjk(key) else latin
            if table.setdefault(key, term) != term:
                raise VocabularyError(f"synonyms.yaml: {word!r} maps to both {table[key]} and {term}")

    parts: dict[str, frozenset[str]] = {}
    for term, members in raw["combinations"].items():
        unknown = {term, *members} - terms.keys()
        if unknown:
            raise VocabularyError(f"synonyms.yaml combinations: unknown terms {sorted(unknown)}")
        parts[term] = frozenset(members)
    combined = {members: term for term, members in parts.items()}
    return Vocabulary(terms, latin, cjk, parts, combined)


def _matches(text: str, vocab: Vocabulary) -> list[str]:
    """Defined terms named in `text`; overlapping candidates resolved longest first."""
    runs = _runs(text)
    # candidate: (length of the matched key, stream, start, end, term); Latin words share stream -1
    candidates: list[tuple[int, int, int, int, str]] = []
    words = [(i, run) for i, run in enumerate(runs) if not _is_cjk(run)]
    for start in range(len(words)):
        for n in range(1, min(_MAX_WORDS, len(words) - start) + 1):
            key = "".join(run for _, run in words[start : start + n])
            if key in vocab.latin:
                candidates.append((len(key), -1, start, start + n, vocab.latin[key]))
    for stream, run in enumerate(runs):
        if not _is_cjk(run):
            continue
        for word, term in vocab.cjk.items():
            at = run.find(word)
            while at >= 0:
                candidates.append((len(word), stream, at, at + len(word), term))
                at = run.find(word, at + 1)

    taken: list[tuple[int, int, int]] = []
    found: list[str] = []
    for _, stream, start, end, term in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if any(s == stream and start < e and b < end for s, b, e in taken):
            continue
        taken.append((stream, start, end))
        found.append(term)
    return found


def _resolve(found: Iterable[str], vocab: Vocabulary) -> str | None:
    """One defined term for the regions found, or None when they are none or ambiguous."""
    regions: set[str] = set()
    for term in found:
        regions |= vocab.parts.get(term, {term})
    if len(regions) == 1:
        return regions.pop()
    return vocab.combined.get(frozenset(regions))


def _term_for(text: str, vocab: Vocabulary) -> str | None:
    key = _key(text)
    exact = vocab.latin.get(key) or vocab.cjk.get(key)
    return exact or _resolve(_matches(text, vocab), vocab)


def _body_part(term: str, raw: str | None, source: str, vocab: Vocabulary) -> BodyPart:
    concept = vocab.terms[term]
    return BodyPart(code=concept.code, scheme="SCT", meaning=concept.meaning, raw=raw, source=source)


def map_body_part(
    body_part_examined: str | None,
    texts: Sequence[str | None] | Mapping[str, str | None] = (),
) -> BodyPart:
    """Map Body Part Examined, else the first of `texts` that names one region, to a CID 4031 code.

    `texts` is either a mapping attribute keyword -> text (the keyword becomes `source`) or a plain
    sequence (source `texts[i]`). `raw` is always the header value as received.
    """
    vocab = _vocabulary()
    if body_part_examined and body_part_examined.strip():
        term = _term_for(body_part_examined, vocab)
        if term:
            return _body_part(term, body_part_examined, SOURCE_HEADER, vocab)
    if isinstance(texts, str):
        texts = (texts,)
    named = texts.items() if isinstance(texts, Mapping) else ((f"texts[{i}]", t) for i, t in enumerate(texts))
    for source, text in named:
        term = _term_for(text, vocab) if text else None
        if term:
            return _body_part(term, body_part_examined, source, vocab)
    return BodyPart(code=UNKNOWN, scheme=None, meaning=None, raw=body_part_examined, source=SOURCE_NONE)


def dataset_body_part(ds: Dataset) -> BodyPart:
    """`map_body_part` on one instance's Body Part Examined and descriptions (see TEXT_ATTRIBUTES)."""
    raw = ds.get("BodyPartExamined")
    texts = {keyword: str(ds.get(keyword) or "") for keyword in TEXT_ATTRIBUTES}
    return map_body_part(None if raw is None else str(raw), texts)
