"""Body Part Examined -> SNOMED CT code of DICOM CID 4031 (Common Anatomic Regions).

`map_body_part`: the header's Body Part Examined is tried first; when it is empty or unknown, the descriptions
are searched for words of `vocabulary/synonyms.yaml`. `resolve_body_part` reads every source (the anatomic
region code, the header, the descriptions), chooses one, gives it a confidence from the agreement of the
others and flags the sources that disagree; below the review threshold the code is withheld. The vocabulary
is versioned data, see `vocabulary/README.md`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydicom import Dataset

from contracts import BodyPart
from contracts.events import BodyPartEvidence, Candidate
from services.harmonize.policy import Policy
from services.harmonize.review import ReviewedRules, question_id
from services.harmonize.text import fold

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
    inside: dict[str, frozenset[str]] = field(default_factory=dict)  # region -> regions inside it
    by_code: dict[str, str] = field(default_factory=dict)  # SNOMED code -> defined term


def _is_cjk(run: str) -> bool:
    return not run[0].isascii()


def _runs(text: str) -> list[str]:
    """Upper-case Latin words (accents folded away) and Chinese runs of `text`, after width folding (NFKC)."""
    return _RUN.findall(fold(text))


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
    for term, words in [*raw["synonyms"].items(), *(raw.get("other_languages") or {}).items()]:
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
    inside: dict[str, frozenset[str]] = {}
    for term, members in (raw.get("inside") or {}).items():
        unknown = {term, *members} - terms.keys()
        if unknown:
            raise VocabularyError(f"synonyms.yaml inside: unknown terms {sorted(unknown)}")
        inside[term] = frozenset(members)
    by_code = {t.code: term for term, t in terms.items()}
    return Vocabulary(terms, latin, cjk, parts, combined, inside, by_code)


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


# ---------------------------------------------------------------- resolution with confidence

ANATOMIC_REGION = "AnatomicRegionSequence"
FIELD = "body_part"


@dataclass(frozen=True)
class Reading:
    """One source's answer: its defined term and how much that source is trusted on its own."""

    source: str
    term: str
    confidence: float
    raw: str | None


def _singles(term: str, vocab: Vocabulary) -> frozenset[str]:
    return vocab.parts.get(term, frozenset({term}))


def _contains(outer: str, inner: str, vocab: Vocabulary) -> bool:
    if outer == inner or outer == "WHOLEBODY":
        return True
    seen: set[str] = set()
    todo = [outer]
    while todo:
        region = todo.pop()
        for member in vocab.inside.get(region, ()):
            if member == inner:
                return True
            if member not in seen:
                seen.add(member)
                todo.append(member)
    return False


def compatible(a: str, b: str, vocab: Vocabulary | None = None) -> bool:
    """Two terms agree when they share a region or one lies inside the other (HEART and CHEST agree)."""
    vocab = vocab or _vocabulary()
    sa, sb = _singles(a, vocab), _singles(b, vocab)
    if sa & sb:
        return True
    return any(_contains(x, y, vocab) or _contains(y, x, vocab) for x in sa for y in sb)


def anatomic_code_term(code: str | None, scheme: str | None, vocab: Vocabulary | None = None) -> str | None:
    """The defined term of an AnatomicRegionSequence code (SCT, or legacy SRT through pydicom's mapping)."""
    if not code:
        return None
    vocab = vocab or _vocabulary()
    if scheme == "SRT":
        from pydicom.sr._snomed_dict import mapping

        code = mapping["SRT"].get(code, "")
    return vocab.by_code.get(code) if scheme in ("SCT", "SRT") else None


def readings(
    body_part_examined: str | None,
    texts: Mapping[str, str | None],
    anatomic_region: tuple[str | None, str | None, str | None] | None,
    weights: Mapping[str, float],
) -> list[Reading]:
    """Every source's answer, most trusted first: anatomic code, header, then the descriptions in order.

    `anatomic_region` is (code value, coding scheme, code meaning) of AnatomicRegionSequence.
    """
    vocab = _vocabulary()
    found: list[Reading] = []
    if anatomic_region is not None:
        value, scheme, meaning = anatomic_region
        term = anatomic_code_term(value, scheme, vocab) or (_term_for(meaning, vocab) if meaning else None)
        if term:
            found.append(Reading(ANATOMIC_REGION, term, weights["anatomic_region_code"], value))
    if body_part_examined and body_part_examined.strip():
        exact = vocab.latin.get(_key(body_part_examined)) or vocab.cjk.get(_key(body_part_examined))
        term = exact or _resolve(_matches(body_part_examined, vocab), vocab)
        if term:
            found.append(Reading(SOURCE_HEADER, term, weights["header" if exact else "header_searched"],
                                 body_part_examined))
    base = {"SeriesDescription": "series_description", "ProtocolName": "protocol_name",
            "StudyDescription": "study_description"}
    for source, text in texts.items():
        term = _term_for(text, vocab) if text else None
        if term:
            found.append(Reading(source, term, weights.get(base.get(source, ""), weights["study_description"]), text))
    return found


def resolve_body_part(
    body_part_examined: str | None,
    texts: Mapping[str, str | None],
    *,
    anatomic_region: tuple[str | None, str | None, str | None] | None = None,
    policy: Policy,
    reviewed: ReviewedRules | None = None,
    modality: str | None = None,
) -> BodyPart:
    """The body part with a confidence, the rule behind it and the sources that disagree.

    The most trusted source that names a region is chosen; each other source naming the same or a
    containing/contained region adds confidence, each naming a disjoint region removes some and is listed
    in `disagreements`. Below the review threshold the code is `unknown` and the answer a candidate.
    """
    vocab = _vocabulary()
    weights = policy.body_part
    inputs: dict[str, str | None] = {
        "modality": modality, "body_part_examined": body_part_examined,
        "anatomic_region": anatomic_region[0] if anatomic_region else None,
        **{_snake(k): v for k, v in texts.items()},
    }
    rid = question_id(FIELD, inputs)
    shown = {k: v for k, v in inputs.items() if v}
    rule = (reviewed or ReviewedRules()).answer(FIELD, inputs)
    if rule is not None:
        term = rule.answer if rule.answer in vocab.terms else vocab.by_code.get(rule.answer)
        if term is None:
            return BodyPart(code=UNKNOWN, raw=body_part_examined, source="review", status="unmapped",
                            confidence=policy.confidence["reviewed_rule"], rule=f"reviewed:{rule.review_id}",
                            review_id=rid)
        concept = vocab.terms[term]
        return BodyPart(code=concept.code, scheme="SCT", meaning=concept.meaning, raw=body_part_examined,
                        source="review", status="mapped", confidence=policy.confidence["reviewed_rule"],
                        rule=f"reviewed:{rule.review_id}", review_id=rid)
    found = readings(body_part_examined, texts, anatomic_region, weights)
    if not found:
        return BodyPart(code=UNKNOWN, scheme=None, meaning=None, raw=body_part_examined, source=SOURCE_NONE,
                        status="unmapped", confidence=0.0, rule="no_source", review_id=rid)
    def support(reading: Reading) -> tuple[float, list[Reading], list[Reading]]:
        others = [r for r in found if r is not reading]
        agree = [r for r in others if compatible(r.term, reading.term, vocab)]
        disagree = [r for r in others if not compatible(r.term, reading.term, vocab)]
        value = reading.confidence + weights["agreement_bonus"] * len(agree)
        return value - weights["disagreement_penalty"] * len(disagree), agree, disagree

    scored = sorted(((support(r), i, r) for i, r in enumerate(found)), key=lambda t: (-t[0][0], t[1]))
    (best, _, disagree), _, chosen = scored[0]
    confidence = round(max(0.0, min(0.99, best)), 3)
    how = f"{'cid4031' if chosen.source != ANATOMIC_REGION else 'anatomic_code'}:{chosen.source}"
    if disagree:
        how += f"+disagrees:{','.join(r.source for r in disagree)}"
    candidates: list[Candidate] = []
    for (value, _, _), _, r in scored:
        concept = vocab.terms[r.term]
        if concept.code not in {c.code for c in candidates}:
            candidates.append(Candidate(code=concept.code, meaning=concept.meaning,
                                        confidence=round(max(0.0, min(0.99, value)), 3)))
    evidence = [BodyPartEvidence(source=r.source, code=vocab.terms[r.term].code,
                                 meaning=vocab.terms[r.term].meaning, raw=r.raw) for r in disagree]
    concept = vocab.terms[chosen.term]
    status = policy.status(confidence)
    mapped = status == "mapped"
    return BodyPart(
        code=concept.code if mapped else UNKNOWN, scheme="SCT" if mapped else None,
        meaning=concept.meaning if mapped else None, raw=body_part_examined, source=chosen.source,
        status=status,
        confidence=confidence, rule=how, review_id=rid, candidates=candidates, disagreements=evidence,
        inputs=None if mapped else shown,
    )


def _snake(keyword: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(keyword))


def body_part_meaning(answer: str) -> str | None:
    """The code meaning of a reviewer's answer (a defined term or a SNOMED code of CID 4031), else None."""
    vocab = _vocabulary()
    term = answer if answer in vocab.terms else vocab.by_code.get(answer)
    return vocab.terms[term].meaning if term else None
