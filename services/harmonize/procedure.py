"""Procedure -> LOINC code of the LOINC/RSNA Radiology Playbook, with a confidence and the rule behind it.

Order of rules, first answer wins:

1. a reviewer's answer for the same question (`reviewed_rules.yaml`, see review.py);
2. MIDRC's StudyDescription table (`midrc_StudyDescription_mapping_table.tsv`): the same normalised
   description with a compatible modality;
3. the descriptions read as Playbook attributes (modality, regions, contrast, laterality, views, timing,
   qualifiers; `procedure_terms.yaml`) and scored against the attributes of every code of the catalogue
   (`loinc_procedures.csv`, generated from MIDRC's two files by reading their LOINC names the same way).

Confidence below the policy's threshold withholds the code (status `review`); the candidates remain.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from contracts.events import Candidate, PlaybookAttributes, ProcedureMapping
from services.harmonize.policy import VOCABULARY_DIR, Policy, default_policy
from services.harmonize.review import ReviewedRules, question_id
from services.harmonize.text import Match, PhraseTable, is_cjk, key, tokens

FIELD = "procedure"
TERMS_FILE = "procedure_terms.yaml"
CATALOGUE_FILE = "loinc_procedures.csv"
#: LOINC radiology procedure codes with their long common names (the `playbook` part of the catalogue).
PLAYBOOK_LIST = "loinc_radiology_codes.tsv"
#: Parts of the catalogue, smallest first: MIDRC's codes, then the Playbook codes the vocabulary reads.
CATALOGUE_SOURCES = ("midrc", "playbook")
MIDRC_TABLE = "midrc_StudyDescription_mapping_table.tsv"
MIDRC_ATTRIBUTES = "midrc_StudyDescription_filtering_attributes.csv"
#: Rows of MIDRC's table whose code adjudication found not to fit the description (see the vocabulary README).
MIDRC_CORRECTIONS = "midrc_corrections.csv"
#: Placeholders MIDRC's table uses for an empty description.
BLANKS = frozenset({"", "BLANK", "NONE"})
#: Modalities whose codes differ by contrast and by views.
CONTRAST_MODALITIES = frozenset({"CT", "MR", "RF", "XA"})
VIEW_MODALITIES = frozenset({"XR", "MG", "RF"})
#: Modalities whose whole-body codes fit a description naming the disease's site (PET lung cancer).
WHOLE_BODY_MODALITIES = frozenset({"PT", "PT+CT"})
#: Reading attributes that are sets of values the text adds up (a default adds what the text leaves out).
SET_ATTRIBUTES = ("qualifiers", "timing")
#: Inputs of a procedure question, in the order their texts are read (first says most).
TEXT_INPUTS = ("study_description", "requested_procedure_description", "protocol_name")

#: How far down the ranking a code keeping the purpose said is looked for when the best code drops it.
RERANKED = 8
#: An attribute scoring this low is a contradiction: the code says otherwise than the description.
CONTRADICTION = 0.2
#: Region credit by distance in the anatomy tree (index 1: parent/child, 2: grandparent...).
_MORE_SPECIFIC = (1.0, 0.8, 0.6, 0.4)
_LESS_SPECIFIC = (1.0, 0.6, 0.4, 0.3)


class VocabularyError(ValueError):
    """The procedure vocabulary files are inconsistent."""


# ---------------------------------------------------------------- readings


@dataclass(frozen=True)
class Views:
    """A view count range (`high` None: open ended) and the projections named."""

    low: int | None = None
    high: int | None = None
    projections: frozenset[str] = frozenset()

    @property
    def said(self) -> bool:
        return self.low is not None or bool(self.projections)

    def label(self) -> str | None:
        parts = []
        if self.low is not None:
            if self.high == self.low:
                parts.append(str(self.low))
            elif self.high is None:
                parts.append(f">={self.low}")
            else:
                parts.append(f"{self.low}-{self.high}")
        if self.projections:
            parts.append("+".join(sorted(self.projections)))
        return " ".join(parts) or None

    @staticmethod
    def parse(text: str) -> Views:
        """'1', '2-3', '>=3' (as in procedure_terms.yaml)."""
        if text.startswith(">="):
            return Views(int(text[2:]), None)
        if "-" in text:
            low, high = text.split("-", 1)
            return Views(int(low), int(high))
        return Views(int(text), int(text))


@dataclass
class Reading:
    """What descriptions say about a procedure, as Playbook attributes."""

    modalities: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    contrast: set[str] = field(default_factory=set)
    laterality: set[str] = field(default_factory=set)
    views: Views = field(default_factory=Views)
    timing: set[str] = field(default_factory=set)
    qualifiers: set[str] = field(default_factory=set)
    implied: dict[str, Any] = field(default_factory=dict)  # attribute -> value of a strong default
    assumed: dict[str, Any] = field(default_factory=dict)  # attribute -> value of a weak default
    phrases: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # content words the vocabulary does not know
    #: Chinese characters standing alone between what was read (锥 in 颈锥CT), not counted as unread words.
    unread_characters: list[str] = field(default_factory=list)
    #: Phrases known only for other modalities (a radiograph's view word in an MR name): passed over.
    inapplicable: list[str] = field(default_factory=list)
    #: One of them says a purpose (a PET's tumour or staging said in a CT's description).
    purpose_passed_over: bool = False
    conflicts: list[str] = field(default_factory=list)
    region_from_header: bool = False
    #: Contrast said to be either given or not (W OR WO): a contrast word after it says nothing more.
    contrast_either: bool = False
    #: A letter naming a cancer is said (LUNG CA): a PET's region beside it is the cancer's site.
    cancer_letter: bool = False
    #: Regions a said region containing them is narrowed to (Term.narrows).
    narrowed: set[str] = field(default_factory=set)
    #: Regions said with a part of them that gave way to the part (ABDOMEN of "ABD/RENAL": the kidney read).
    containers_given_way: set[str] = field(default_factory=set)
    #: Implications that hold only where the regions examined lie within some (Term.implies_within).
    implied_within: list[tuple[Mapping[str, Any], frozenset[str]]] = field(default_factory=list)

    @property
    def contrast_value(self) -> str | None:
        if not self.contrast:
            return None
        if "WO_W" in self.contrast or {"W", "WO"} <= self.contrast:
            return "WO_W"
        return next(iter(self.contrast))

    @property
    def laterality_value(self) -> str | None:
        if not self.laterality:
            return None
        if "bilateral" in self.laterality or {"left", "right"} <= self.laterality:
            return "bilateral"
        sides = self.laterality - {UNILATERAL}  # UNILAT LEFT: the left
        return next(iter(sides)) if sides else UNILATERAL

    def given(self, attribute: str) -> set[str]:
        """A set attribute (regions, qualifiers, projections, timing) as said, implied and assumed together."""
        said = self.views.projections if attribute == "projections" else getattr(self, attribute)
        return set(said) | set(self.implied.get(attribute, ())) | set(self.assumed.get(attribute, ()))

    def said(self, attribute: str) -> bool:
        """Whether the description itself (not a default) gives `attribute`."""
        if attribute == "views":
            return self.views.low is not None
        if attribute == "projections":
            return bool(self.views.projections)
        if attribute == "contrast":
            return bool(self.contrast)
        if attribute == "laterality":
            return bool(self.laterality)
        value = getattr(self, attribute)
        return bool(value)

    def attributes(self, modality: str | None) -> PlaybookAttributes:
        def with_defaults(name: str, value: Any) -> Any:
            return value or self.implied.get(name) or self.assumed.get(name)

        views = self.views
        if not views.said:
            count = self.implied.get("views") or self.assumed.get("views")
            named = self.implied.get("projections") or self.assumed.get("projections") or ()
            parsed = Views.parse(count) if isinstance(count, str) else Views()
            views = Views(parsed.low, parsed.high, frozenset(named))
        return PlaybookAttributes(
            modality=modality,
            regions=sorted(self.regions or set(with_defaults("regions", set()) or ())),
            contrast=with_defaults("contrast", self.contrast_value),
            # the events' laterality names a side or both: one side unsaid (UNILAT) is told by the code alone
            laterality=None if self.laterality_value == UNILATERAL else self.laterality_value,
            views=views.label(),
            timing=sorted(self.timing),
            qualifiers=sorted(self.qualifiers | set(self.implied.get("qualifiers", ()))
                              | set(self.assumed.get("qualifiers", ()))),
        )


@dataclass(frozen=True)
class Term:
    """One meaning of a vocabulary phrase."""

    means: Mapping[str, Any]
    implies: Mapping[str, Any] = field(default_factory=dict)
    assumes: Mapping[str, Any] = field(default_factory=dict)
    modalities: frozenset[str] | None = None  # only for these header modalities
    #: Regions a said region containing them is narrowed to (DISSECTION with the chest: the thoracic aorta).
    narrows: frozenset[str] = frozenset()
    #: Regions the implications (other than regions) hold for: where another is examined they say nothing (a high
    #: resolution CT is made without contrast by the chest's convention, not the temporal bone's: 颞骨HRCT).
    implies_within: frozenset[str] = frozenset()

    def applies(self, header_families: frozenset[str]) -> bool:
        return self.modalities is None or bool(self.modalities & header_families)


@dataclass(frozen=True)
class Default:
    when: Mapping[str, Any]
    unless: tuple[str, ...]
    assumes: Mapping[str, Any]
    implies: Mapping[str, Any] = field(default_factory=dict)  # a strong default (a CT angiogram: IV contrast)


#: The contrast value of "with or without" (W OR WO): which one is not said.
CONTRAST_EITHER = "EITHER"
#: The qualifier of a description (or a code's name) giving regions different contrast ("CT CHEST W, ABDOMEN
#: PELVIS WWO"; "CT Abdomen WO and CT Chest and Abdomen and Pelvis W contrast IV").
CONTRAST_BY_REGION = "contrast_by_region"
#: The laterality of one side, which one unsaid (MR Breast - unilateral).
UNILATERAL = "unilateral"

#: What a description cut short after "W/O &" may have gone on to say (WITH AND WI: without and with).
CUT_CONTRAST = ("WITH", "WITHOUT")
#: A word cut short by a field's length keeps at least this many letters, and lacks at most MAX_CUT of them.
MIN_CUT_WORD = 5
MAX_CUT = 3
#: Two vocabulary words written as one are read apart when the first has at least this many letters.
MIN_GLUED_PART = 4
#: A word of at least this many letters may also be two or three vocabulary words of at least MIN_GLUED_THREE
#: letters each written as one (ABDPELVIS, PELVISBONEBIOPSY).
MIN_GLUED_WORD = 8
MIN_GLUED_THREE = 3
#: A word of at least this many letters one typing slip from one vocabulary word is read as that word
#: (PULMNARY, MESSENTERIC, PELBIS); not a word that begins several vocabulary words (CONTRA: cut short).
MIN_MISTYPED_WORD = 6
#: A word one letter shorter is read so only for the slips least likely to make another word: a letter missing,
#: or one struck on a neighbouring key (BREAT, RIFHT; not LEVEL for LEVER, TRUNC for TRUNK).
MIN_SLIPPED_WORD = MIN_MISTYPED_WORD - 1
#: A four-letter word is read as a vocabulary word only with two neighbours swapped, its first letter kept (HAED).
MIN_SWAPPED_WORD = 4
#: A Chinese word typed with a wrong character of the same sound is read inside a longer unread run when it has
#: at least this many characters (and at the run's start or end).
MIN_HOMOPHONE_PART = 3
#: Where each letter lies on a QWERTY keyboard: (row, position along the row, each row set off from the one above).
_KEY_ROWS = (("QWERTYUIOP", 0.0), ("ASDFGHJKL", 0.25), ("ZXCVBNM", 0.75))
_KEYS = {ch: (row, col + offset) for row, (keys, offset) in enumerate(_KEY_ROWS) for col, ch in enumerate(keys)}


@dataclass(frozen=True)
class Lexicon:
    phrases: PhraseTable[tuple[Term, ...]]
    anatomy_parents: dict[str, frozenset[str]]
    dicom_modalities: dict[str, tuple[str, ...]]
    defaults: tuple[Default, ...]
    contrast_words: frozenset[str]
    with_words: frozenset[str]
    view_words: frozenset[str]
    view_numbers: dict[str, int]
    view_minimum: frozenset[str]
    view_range: frozenset[str]
    view_more: frozenset[str]
    #: Words before a number that make it one more than the most views (LESS THAN 4 VIEWS: 1 to 3).
    view_fewer: frozenset[str] = frozenset()
    #: Words before a number that make it the most views (LE 3 VIEWS, UP TO 3 VIEWS: 1 to 3).
    view_at_most: frozenset[str] = frozenset()
    #: Words that name neither anatomy nor an exam (IMPORT, OUTSIDE, TREATMENT PLAN...): not "unread"; an
    #: entry of several words also as its words written together (CENTRAL LINE, CENTRALLINE).
    silent_words: frozenset[str] = frozenset()
    #: The entries of silent_words and contrast_words written as several words, as word tuples (LINE PLACEMENT,
    #: NON IONIC), read where their words stand apart.
    silent_phrases: frozenset[tuple[str, ...]] = frozenset()
    contrast_phrases: frozenset[tuple[str, ...]] = frozenset()
    #: A lone letter ending a description after its anatomy (HIP R), or just before a paired part (L SHOULDER),
    #: read as the side.
    side_letters: dict[str, str] = field(default_factory=dict)
    #: A modality's name read as the side where it follows a paired part (RX GINOCCHIO DX: destro).
    sides_after_anatomy: dict[str, str] = field(default_factory=dict)
    #: A lone letter ending a description after its anatomy read as the contrast (CAP_C: with).
    contrast_letters: dict[str, str] = field(default_factory=dict)
    #: Letters naming regions where they stand for them (CT_CA_WO: chest and abdomen), per header family.
    region_letters: dict[str, tuple[frozenset[str], tuple[str, ...]]] = field(default_factory=dict)
    #: Parts of a region examined as regions of their own: a code for the containing region drops them.
    own_regions: frozenset[str] = frozenset()
    #: Extents said more narrowly than a region said with them (skull base to mid-thigh: the whole body).
    narrowing_regions: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Regions a PET names as a cancer's site, not as the region imaged, when a cancer word is said with them.
    cancer_sites: frozenset[str] = frozenset()
    #: Letters that say a cancer after its site (LUNG CA).
    cancer_letters: frozenset[str] = frozenset()
    #: Paired parts examined on one side or both: a code for them that names no side drops the side said.
    sided_regions: frozenset[str] = frozenset()
    #: A qualifier naming others together, and those others (ventilation_perfusion: ventilation, perfusion).
    joined_qualifiers: dict[str, frozenset[str]] = field(default_factory=dict)
    #: What a W / WITH before it is "with" when that is not contrast (CHEST W IRIS): phrases as word tuples.
    with_not_contrast: frozenset[tuple[str, ...]] = frozenset()
    #: Words that turn the contrast word after them into "without" (NO IVCON).
    negations: frozenset[str] = frozenset()
    #: Each region's parts (the regions it is a parent of).
    children: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Chinese words of the vocabulary (two characters or more) by each of their characters blanked (腰?: 腰椎),
    #: and each character's syllables (chinese_homophones.yaml): a wrong character of the same sound is read as
    #: the word's (腰锥: 腰椎).
    homophone_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    syllables: dict[str, frozenset[str]] = field(default_factory=dict)
    #: The vocabulary's one-word phrases, for words cut short by a field's length (SCREENIN).
    single_words: frozenset[str] = frozenset()
    #: The words of MIN_MISTYPED_WORD letters or more of the phrases of several words (ADDOME COMPLETO: COMPLETO,
    #: not COMPLETE; a shorter one may still be a word cut short: INTRA, INTRAOP).
    phrase_words: frozenset[str] = frozenset()
    #: The one-word phrases of MIN_CUT_WORD letters or more, by their first MIN_CUT_WORD letters.
    single_words_by_stem: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The one-word phrases of MIN_MISTYPED_WORD - 1 letters or more, by each of their one-letter deletions.
    single_words_by_deletion: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Names of a modality written with other vocabulary words as one word (CTAPWO, MRBRAIN; WBPETCT), longest
    #: first.
    modality_prefixes: tuple[str, ...] = ()

    @cached_property
    def view_count_words(self) -> frozenset[str]:
        """The words that say a count of views around its number (VIEWS, MIN, TO, PLUS...)."""
        return self.view_words | self.view_minimum | self.view_range | self.view_more

    @cached_property
    def modality_glue_words(self) -> frozenset[str]:
        """The words a modality's name may be glued to (CTAPWO: AP, WO): one-word phrases, with and contrast
        words."""
        return self.single_words | self.with_words | self.contrast_words

    @cached_property
    def words_read_as_they_are(self) -> frozenset[str]:
        """Words never completed or corrected to another (CONTR is contrast cut short, not CONTRALATERAL):
        one-word phrases, the words of longer ones, with, contrast, negation and silent words."""
        return (self.single_words | self.phrase_words | self.with_words | self.contrast_words | self.negations
                | self.silent_words)

    @cached_property
    def phrases_apart(self) -> tuple[tuple[tuple[str, ...], bool], ...]:
        """The silent and contrast entries of several words, each with whether it is a contrast entry."""
        return (*((p, False) for p in sorted(self.silent_phrases)), *((p, True) for p in sorted(self.contrast_phrases)))

    @cached_property
    def glue_words(self) -> frozenset[str]:
        """The words a word written as several is read apart into: one-word phrases, silent words of
        MIN_GLUED_PART letters or more (BONE in PELVISBONEBIOPSY), contrast and with words of three letters or
        more (CON in NON_CONCHEST, WITH in BODYWITH)."""
        return (self.single_words | {w for w in self.silent_words if len(w) >= MIN_GLUED_PART}
                | {w for w in self.contrast_words | self.with_words if len(w) >= MIN_GLUED_THREE})

    @cached_property
    def side_words(self) -> frozenset[str]:
        """One-word phrases that say a side and nothing else (LEFT, BILAT; pinyin ZUO, YOU, SHUANG) of
        MIN_GLUED_THREE letters or more: a side glued to the anatomy it names is read apart, one shorter than
        the MIN_GLUED_PART letters other glued words need too (ZUOSHOU; LEFTKNEE is read by the general rule)."""
        return frozenset(w for w in self.single_words if len(w) >= MIN_GLUED_THREE and (terms := self.phrases.get(w))
                         and all(set(t.means) == {"laterality"} and not t.implies and not t.assumes for t in terms))

    @cached_property
    def common_parts(self) -> dict[str, tuple[str, ...]]:
        """Region -> the regions that are its part in common with another region apart from it (AORTA ->
        ABDOMINAL_AORTA, shared with ABDOMEN; not a part of a region and of its own container)."""
        common: dict[str, list[str]] = {}
        for child, of in sorted(self.anatomy_parents.items()):
            if len(of) > 1 and not any(q in self.ancestors(p) for p in of for q in of):
                for p in of:
                    common.setdefault(p, []).append(child)
        return {p: tuple(cs) for p, cs in common.items()}

    def ancestors(self, region: str) -> frozenset[str]:
        seen: set[str] = set()
        todo = list(self.anatomy_parents.get(region, ()))
        while todo:
            r = todo.pop()
            if r not in seen:
                seen.add(r)
                todo.extend(self.anatomy_parents.get(r, ()))
        return frozenset(seen)

    def depth(self, region: str, ancestor: str) -> int | None:
        """How many levels `ancestor` lies above `region` (None: it does not contain it)."""
        level, frontier, seen = 0, {region}, {region}
        while frontier:
            level += 1
            frontier = {p for r in frontier for p in self.anatomy_parents.get(r, ())} - seen
            if ancestor in frontier:
                return level
            seen |= frontier
        return None

    def made_of_parts(self, region: str) -> bool:
        """Whether `region` is two or more parts that each lie in another region too (the aorta: its thoracic part
        in the chest, its abdominal part in the abdomen)."""
        parts = self.children.get(region, frozenset())
        return len(parts) > 1 and all(len(self.anatomy_parents.get(c, ())) > 1 for c in parts)

    def as_parts(self, regions: Iterable[str], named: Collection[str]) -> set[str]:
        """`regions` with each one whose parts (two or more) `named` holds every one of replaced by those parts (the
        aorta, where a code names the thoracic and the abdominal aorta)."""
        out: set[str] = set()
        for r in regions:
            parts = self.children.get(r, frozenset())
            out |= parts if len(parts) > 1 and parts <= set(named) else {r}
        return out

    def families(self, dicom_modality: str | None) -> tuple[str, ...]:
        if not dicom_modality:
            return ()
        return self.dicom_modalities.get(dicom_modality.strip().upper(), ())


def _words(values: Iterable[Any]) -> frozenset[str]:
    return frozenset("".join(tokens(str(v))) for v in values)


def load_lexicon(directory: Path = VOCABULARY_DIR) -> Lexicon:
    raw: dict[str, Any] = yaml.safe_load((directory / TERMS_FILE).read_text(encoding="utf-8"))
    entries: dict[str, list[Term]] = {}

    def add(word: str, term: Term) -> None:
        entries.setdefault(str(word), []).append(term)

    parents: dict[str, frozenset[str]] = {}
    for region, spec in raw["anatomy"].items():
        parents[region] = frozenset(spec.get("parents", ()))
        for word in spec.get("words", ()):
            add(word, Term({"regions": [region]}))
    unknown = {p for ps in parents.values() for p in ps} - parents.keys()
    if unknown:
        raise VocabularyError(f"{TERMS_FILE}: unknown parent regions {sorted(unknown)}")
    languages: dict[str, Any] = dict(raw.get("languages") or {})
    for name in raw.get("language_files") or ():  # generated languages (chinese_pinyin.yaml)
        languages[str(name)] = yaml.safe_load((directory / name).read_text(encoding="utf-8")) or {}
    for language, spec in languages.items():
        if bad := set(spec.get("anatomy", {})) - parents.keys():
            raise VocabularyError(f"{TERMS_FILE}: languages.{language}: unknown regions {sorted(bad)}")
        for region, words in spec.get("anatomy", {}).items():
            for word in words:
                add(word, Term({"regions": [region]}))
    for entry in [*raw["terms"], *(e for spec in languages.values() for e in spec.get("terms", ()))]:
        when = entry.get("when", {}).get("modality")
        term = Term(entry.get("means") or {}, entry.get("implies") or {}, entry.get("assumes") or {},
                    frozenset(when) if when else None, frozenset(entry.get("narrows") or ()),
                    frozenset(entry.get("implies_within", {}).get("regions", ())))
        for spec in (term.means, term.implies, term.assumes, {"regions": term.narrows | term.implies_within}):
            bad = set(spec.get("regions", ())) - parents.keys()
            if bad:
                raise VocabularyError(f"{TERMS_FILE}: unknown regions {sorted(bad)}")
        for word in entry["words"]:
            add(word, term)

    def entries_of(name: str) -> list[Any]:
        return [*raw.get(name, ()), *(w for spec in languages.values() for w in spec.get(name, ()))]

    def word_list(name: str) -> frozenset[str]:
        """A word list of the vocabulary with the same list of each language."""
        return _words(entries_of(name))

    def phrase_list(name: str) -> frozenset[tuple[str, ...]]:
        """The entries of a word list written as several words, as word tuples."""
        return frozenset(ws for ws in (tuple(tokens(str(w))) for w in entries_of(name)) if len(ws) > 1)
    single_words = frozenset(ws[0] for ws in (tokens(k) for k in entries) if len(ws) == 1)
    by_stem: dict[str, list[str]] = {}
    by_deletion: dict[str, set[str]] = {}
    for w in sorted(single_words):
        if len(w) >= MIN_CUT_WORD:
            by_stem.setdefault(w[:MIN_CUT_WORD], []).append(w)
        if len(w) >= MIN_MISTYPED_WORD - 1 and w.isalpha():
            for i in range(len(w)):
                by_deletion.setdefault(w[:i] + w[i + 1:], set()).add(w)
    # (not a word a one-word phrase begins with: PULMONAR, in EMBOLIA PULMONAR, is also PULMONARY cut short)
    phrase_words = frozenset(w for ws in (tokens(k) for k in entries) if len(ws) > 1 for w in ws
                             if w.isalpha() and len(w) >= MIN_MISTYPED_WORD
                             and not any(s != w and s.startswith(w) for s in by_stem.get(w[:MIN_CUT_WORD], ())))
    modality_prefixes = word_list("modality_prefixes")
    if stray := {w for w in modality_prefixes if not any(set(t.means) == {"modality"} for t in entries.get(w, ()))}:
        raise VocabularyError(f"{TERMS_FILE}: modality_prefixes {sorted(stray)} name no modality")
    for word, terms in entries.items():
        unconditional = [t for t in terms if t.modalities is None]
        if len(unconditional) > 1 and len({repr(t) for t in unconditional}) > 1:
            raise VocabularyError(f"{TERMS_FILE}: {word!r} has two unconditional meanings")
    merged: dict[str, list[Term]] = {}
    for word, terms in entries.items():
        merged.setdefault("".join(tokens(word)), []).extend(terms)
    table: PhraseTable[tuple[Term, ...]] = PhraseTable(
        ((word, tuple(sorted(terms, key=lambda t: t.modalities is None))) for word, terms in merged.items()),
        spellings=entries,
    )
    defaults = tuple(
        Default(d["when"], tuple(d.get("unless", ())), d.get("assumes", {}), d.get("implies", {}))
        for d in raw.get("defaults", ())
    )
    own_regions = frozenset(raw.get("own_regions", ()))
    sided_regions = frozenset(raw.get("sided_regions", ()))
    narrowing = {str(k): frozenset(v) for k, v in (raw.get("narrowing_regions") or {}).items()}
    cancer: dict[str, Any] = raw.get("cancer_sites") or {}
    named = own_regions | sided_regions | narrowing.keys() | {r for v in narrowing.values() for r in v}
    if bad_regions := named - parents.keys():
        raise VocabularyError(f"{TERMS_FILE}: unknown own, sided or narrowing regions {sorted(bad_regions)}")
    syllables: dict[str, set[str]] = {}
    for name in raw.get("homophone_files") or ():  # generated (chinese_homophones.yaml)
        spec = yaml.safe_load((directory / name).read_text(encoding="utf-8")) or {}
        for syllable, chars in (spec.get("syllables") or {}).items():
            for ch in str(chars):
                syllables.setdefault(ch, set()).add(str(syllable))
    children: dict[str, set[str]] = {}
    for region, ps in parents.items():
        for parent in ps:
            children.setdefault(parent, set()).add(region)
    homophone_words: dict[str, set[str]] = {}
    for word in {*entries, *entries_of("silent_words")}:
        word = str(word)
        if len(word) >= 2 and is_cjk(word) and all(ch in syllables for ch in word):
            for k in range(len(word)):
                homophone_words.setdefault(word[:k] + "?" + word[k + 1:], set()).add(word)
    return Lexicon(
        phrases=table,
        anatomy_parents=parents,
        dicom_modalities={k: tuple(v) for k, v in raw["dicom_modalities"].items()},
        defaults=defaults,
        contrast_words=word_list("contrast_words"),
        with_words=word_list("with_words"),
        view_words=_words(raw["view_words"]),
        view_numbers={"".join(tokens(k)): int(v) for k, v in raw["view_numbers"].items()},
        view_minimum=_words(raw["view_minimum"]),
        view_range=_words(raw["view_range"]),
        view_more=_words(raw["view_more"]),
        view_fewer=_words(raw.get("view_fewer", ())),
        view_at_most=_words(raw.get("view_at_most", ())),
        silent_words=word_list("silent_words"),
        silent_phrases=phrase_list("silent_words"),
        contrast_phrases=phrase_list("contrast_words"),
        modality_prefixes=tuple(sorted(modality_prefixes, key=len, reverse=True)),
        side_letters={str(k): str(v) for k, v in (raw.get("side_letters") or {}).items()},
        sides_after_anatomy={str(k): str(v) for k, v in (raw.get("sides_after_anatomy") or {}).items()},
        contrast_letters={str(k): str(v) for k, v in (raw.get("contrast_letters") or {}).items()},
        region_letters={str(k): (frozenset(v["when"]["modality"]), tuple(v["regions"]))
                        for k, v in (raw.get("region_letters") or {}).items()},
        own_regions=own_regions,
        sided_regions=sided_regions,
        narrowing_regions=narrowing,
        cancer_sites=frozenset(cancer.get("regions", ())),
        cancer_letters=frozenset(cancer.get("letters", ())),
        joined_qualifiers={str(k): frozenset(v) for k, v in (raw.get("joined_qualifiers") or {}).items()},
        with_not_contrast=frozenset(tuple(tokens(str(w))) for w in raw.get("with_not_contrast", ())),
        negations=word_list("negations"),
        homophone_words={k: tuple(sorted(v)) for k, v in homophone_words.items()},
        children={r: frozenset(c) for r, c in children.items()},
        syllables={ch: frozenset(v) for ch, v in syllables.items()},
        single_words=single_words,
        phrase_words=phrase_words,
        single_words_by_stem={stem: tuple(ws) for stem, ws in by_stem.items()},
        single_words_by_deletion={d: tuple(sorted(ws)) for d, ws in by_deletion.items()},
    )


def _apply(reading: Reading, spec: Mapping[str, Any]) -> None:
    for name, value in spec.items():
        if name == "modality":
            reading.modalities.add(str(value))
        elif name == "contrast" and value == CONTRAST_EITHER:
            reading.contrast_either = True
        elif name == "contrast":
            reading.contrast.add(str(value))
        elif name == "laterality":
            reading.laterality.add(str(value))
        elif name == "views":
            v = Views.parse(str(value))
            reading.views = Views(v.low, v.high, reading.views.projections)
        elif name == "projections":
            reading.views = replace(reading.views, projections=reading.views.projections | set(value))
        elif name in ("regions", "timing", "qualifiers"):
            getattr(reading, name).update(value)
        else:
            raise VocabularyError(f"unknown attribute {name!r}")


def _number(word: str, lexicon: Lexicon) -> int | None:
    if word.isdigit() and len(word) <= 2:
        return int(word)
    return lexicon.view_numbers.get(word)


def _view_counts(words: Sequence[str], free: Sequence[bool], lexicon: Lexicon) -> Views | None:
    """'2 VIEWS', '3 PLUS VIEWS', '2 TO 3 VIEWS', '1 OR 2 VIEWS', 'MINIMUM 3 VIEWS', 'GE 3 VIEWS', '3 VIEWS MIN',
    'LESS THAN 4 VIEWS', 'LE 3 VIEWS', 'UP TO 3 VIEWS'."""
    n = len(words)
    for i, word in enumerate(words):
        for size in (1, 2):  # (LE may be read as a region elsewhere: checked before the words' readings)
            if (i + size + 1 < n and "".join(words[i:i + size]) in lexicon.view_at_most
                    and words[i + size + 1] in lexicon.view_words
                    and (m := _number(words[i + size], lexicon)) is not None):
                return Views(1, m)
        if not free[i]:
            continue
        if (i + 3 < n and word + words[i + 1] in lexicon.view_fewer and words[i + 3] in lexicon.view_words
                and (m := _number(words[i + 2], lexicon)) is not None and m > 1):
            return Views(1, m - 1)
        if word in lexicon.view_minimum and i + 1 < n and (m := _number(words[i + 1], lexicon)) is not None:
            return Views(m, None)
        if (i + 2 < n and word + words[i + 1] in lexicon.view_minimum
                and (m := _number(words[i + 2], lexicon)) is not None):  # AT LEAST 3
            return Views(m, None)
        low = _number(word, lexicon)
        if low is None:
            continue
        j = i + 1
        if j + 1 < n and words[j] in lexicon.view_more and words[j + 1] in lexicon.view_words:
            return Views(low, None)
        if j + 2 < n and words[j] + words[j + 1] in lexicon.view_more and words[j + 2] in lexicon.view_words:
            return Views(low, None)  # 4 OR MORE VIEWS
        high = _number(words[j + 1], lexicon) if j + 1 < n and words[j] in lexicon.view_range else None
        if high is not None and j + 2 < n and words[j + 2] in lexicon.view_words and high >= low:
            return Views(low, high)
        if j < n and words[j] in lexicon.view_words:
            if j + 1 < n and words[j + 1] in lexicon.view_minimum:
                return Views(low, None)  # 3 VIEWS MIN
            return Views(low, low)
    return None


def read_text(text: str | None, header_families: Iterable[str], lexicon: Lexicon) -> Reading:
    """One description read as Playbook attributes (no defaults applied): a Chinese order's reason after the exam
    left out (_without_reasons), and Chinese left unread because a character was typed wrong for another of the same
    sound (腰锥CT: 腰椎; 颈锥CT, where 颈 alone is read, with the character before it) read again with the
    vocabulary's."""
    text = _without_reasons(text, header_families, lexicon)
    reading = _read_text(text, header_families, lexicon)
    if text and (reading.unread or reading.unread_characters):
        corrected = text
        for run in reading.unread:
            if is_cjk(run) and (word := _homophone_correction(run, lexicon)) is not None:
                corrected = corrected.replace(run, word, 1)
        for ch in reading.unread_characters:  # left after a word read without it (颈锥CT: 颈, then 锥 for 椎)
            if ((at := corrected.find(ch)) > 0 and is_cjk(corrected[at - 1])
                    and (word := _homophone_correction(corrected[at - 1:at + 1], lexicon)) is not None):
                corrected = corrected[:at - 1] + word + corrected[at + 1:]
        if corrected != text:
            return _read_text(corrected, header_families, lexicon)
    return reading


def _without_reasons(text: str | None, header_families: Iterable[str], lexicon: Lexicon) -> str | None:
    """A Chinese order's text without what follows the exam as its reason: where the first blank-separated part
    names the exam (a region and a modality or contrast), a later part that names a region but no modality,
    contrast or view is the diagnosis (左膝关节CT平扫 胫骨平台骨折: the tibial plateau is the fracture's site, the knee
    the exam's)."""
    if not text or not any(is_cjk(ch) for ch in text):
        return text
    parts = text.split()
    if len(parts) < 2:
        return text
    first = _read_text(parts[0], header_families, lexicon)
    if not first.regions or not (first.modalities or first.contrast):
        return text
    kept = [parts[0]]
    for part in parts[1:]:
        r = _read_text(part, header_families, lexicon)
        if not (r.regions and not (r.modalities or r.contrast or r.views.said)):
            kept.append(part)
    return " ".join(kept)


def _homophone_correction(run: str, lexicon: Lexicon) -> str | None:
    """A Chinese run with its longest part that is one character off a vocabulary word of the same sound replaced
    by that word (前列线: 前列腺); None when there is none, or two words fit the same part. The part is the whole
    run, or of MIN_HOMOPHONE_PART characters or more at its start or end: two characters inside a longer run are
    too often another word (压缩骨折, a compression fracture, holds the sound of 锁骨, the clavicle)."""
    for length in range(len(run), 1, -1):
        starts = range(len(run) - length + 1) if length == len(run) else (
            (0, len(run) - length) if length >= MIN_HOMOPHONE_PART else ())
        for start in starts:
            part = run[start:start + length]
            fits = {word for k, ch in enumerate(part)
                    for word in lexicon.homophone_words.get(part[:k] + "?" + part[k + 1:], ())
                    if word[k] != ch and lexicon.syllables.get(ch, frozenset()) & lexicon.syllables[word[k]]}
            if len(fits) == 1:
                return run[:start] + fits.pop() + run[start + length:]
            if fits:
                return None
    return None


def _read_text(text: str | None, header_families: Iterable[str], lexicon: Lexicon) -> Reading:
    families = frozenset(header_families)
    reading = Reading()
    words = _complete_cut_words(tokens(_camel_words(text, lexicon)), lexicon)
    if not words:
        return reading
    reading.cancer_letter = not lexicon.cancer_letters.isdisjoint(words)
    matches: list[Match[tuple[Term, ...]]] = lexicon.phrases.find(
        words, usable=lambda terms: any(t.applies(families) for t in terms))
    covered = [False] * len(words)
    modality_named = [False] * len(words)  # words of a phrase that names the modality alone (... MRI)
    starts: dict[int, Term] = {}
    contrast_at: dict[int, str] = {}  # where each contrast value is said
    regions_at: list[int] = []  # where regions are said (W WO PELVIS: the contrast, then the region)
    region_ends: dict[int, set[str]] = {}  # where phrases naming regions end: those regions
    for m in matches:
        term = next((t for t in m.value if t.applies(families)), None)
        for i in range(m.start, m.end):
            covered[i] = True
            modality_named[i] = term is not None and set(term.means) == {"modality"}
        if term is None:
            reading.inapplicable.append(m.phrase)
            reading.purpose_passed_over |= any("qualifiers" in t.means for t in m.value)
            continue
        starts.setdefault(m.start, term)
        if term.means.get("contrast") in ("W", "WO", "WO_W"):
            contrast_at[m.start] = str(term.means["contrast"])
        if "regions" in term.means:
            regions_at.append(m.end - 1 if "contrast" in term.means else m.start)
            region_ends.setdefault(m.end - 1, set()).update(term.means["regions"])
        reading.phrases.append(m.phrase)
        _apply(reading, term.means)
        for name, value in term.implies.items():
            if term.implies_within and name != "regions":
                reading.implied_within.append(({name: value}, term.implies_within))
            else:
                reading.implied.setdefault(name, value)
        for name, value in term.assumes.items():
            reading.assumed.setdefault(name, value)
        reading.narrowed |= term.narrows
    runs, reading.unread_characters = _unread_cjk(words, matches, lexicon)
    reading.unread += runs
    # what ends the description, before a modality's name, an age group, a routine or a count of views said
    # after it (ABD WO+W MRI, CHEST_C (ADULT), HIP R ROUTINE, HIP R 2 VIEWS)
    last = len(words) - 1
    while last > 0 and (modality_named[last] or (not covered[last] and words[last] != "AND" and (
            words[last] in lexicon.silent_words or words[last] in lexicon.view_count_words
            or _number(words[last], lexicon) is not None))):
        last -= 1
    contrast_words_at = _phrases_apart(words, covered, lexicon)
    contrast_said = bool(reading.contrast)
    bare_contrast = False
    with_between_regions: list[int] = []  # CHEST W ABDOMEN: with the abdomen, or the chest with contrast
    for i, word in enumerate(words):
        if covered[i] or is_cjk(word):
            continue
        if i in contrast_words_at:
            bare_contrast = True
        elif word in lexicon.with_words:
            nxt = starts.get(i + 1)
            follows_thing = (nxt is not None and "contrast" not in nxt.means and bool(set(nxt.means) - {"laterality"})
                             ) or any(
                tuple(words[i + 1:i + 1 + len(w)]) == w for w in lexicon.with_not_contrast)
            if (follows_thing and nxt is not None and set(nxt.means) == {"modality"} and i == last
                    and (_region_before(i, starts) or _said_before(i, starts, "contrast"))
                    and not reading.modalities & WHOLE_BODY_MODALITIES):
                follows_thing = False  # CHEST_ABD_PELVIS_WITH_CT, ABD WO+W MRI: the modality said last (not a PET's)
            if not follows_thing and not (i + 1 < len(words) and words[i + 1].isdigit()):
                reading.contrast.add("W")
                reading.phrases.append(word)
                contrast_at[i] = "W"
            elif nxt is not None and "regions" in nxt.means and _region_before(i, starts):
                with_between_regions.append(i)
        elif word in lexicon.contrast_words:
            if i > 0 and words[i - 1] in lexicon.negations and not covered[i - 1]:  # NO IVCON
                reading.contrast.add("WO")
                reading.phrases.append(f"{words[i - 1]} {word}")
            else:
                bare_contrast = True
        elif _content_word(word, lexicon):
            reading.unread.append(word)
    if bare_contrast and not contrast_said and not reading.contrast and not reading.contrast_either:
        reading.contrast.add("W")  # W OR WO CONTRAST says neither
        reading.phrases.append("CONTRAST")
    _contrast_by_region(reading, contrast_at, with_between_regions, regions_at)
    _contrast_cut_after_and(reading, words[:last + 1], covered, contrast_at)
    _plain_then_angiogram(reading, contrast_at, starts)
    if (last > 1 and words[last] == words[last - 1] and words[last] in lexicon.contrast_letters
            and not covered[last] and not covered[last - 1] and covered[last - 2] and reading.regions
            and not reading.contrast and not reading.contrast_either):  # PELVIS_C_C_: C- C+ without its signs
        reading.contrast |= {"W", "WO"}
        reading.phrases.append(f"{words[last]} {words[last]}")
        covered[last - 1] = covered[last] = True
    # a lone letter ending the description right after the anatomy: the contrast (CAP_C), else the side (HIP R)
    for letters, said, settled in ((lexicon.contrast_letters, reading.contrast, reading.contrast_either),
                                   (lexicon.side_letters, reading.laterality, False)):
        if (last > 0 and not covered[last] and words[last] in letters and covered[last - 1] and reading.regions
                and not said and not settled):
            said.add(letters[words[last]])
            reading.phrases.append(words[last])
            covered[last] = True
    _region_letters(reading, words, covered, starts, families, lexicon, last)
    def after_paired_part(i: int) -> bool:
        return bool(region_ends.get(i - 1, set()) & lexicon.sided_regions)

    def lone_side_letter(within: Sequence[str], fits: Callable[[int, Term], bool]) -> None:
        """The first lone side letter of `within` whose place `fits` (given the phrase after it) read as the side."""
        for i, word in enumerate(within):
            nxt = starts.get(i + 1)
            if (not covered[i] and word in lexicon.side_letters and not reading.laterality and nxt is not None
                    and fits(i, nxt)):
                reading.laterality.add(lexicon.side_letters[word])
                reading.phrases.append(word)
                covered[i] = True

    # L SHOULDER, R BREAST: a lone letter before a paired part
    lone_side_letter(words[:-1], lambda i, nxt: bool(set(nxt.means.get("regions", ())) & lexicon.sided_regions))
    # CHEVILLE G F/P: a lone letter after a paired part, the views said next
    lone_side_letter(words[:last], lambda i, nxt: after_paired_part(i) and set(nxt.means) <= {"views", "projections"}
                     and bool(nxt.means or nxt.implies.get("projections")))
    for i, word in enumerate(words):  # RX GINOCCHIO DX 2P: the side after a paired part, not the modality's name;
        # RODILLA DER: an abbreviation read nowhere else (German's article stands before the part)
        if (word in lexicon.sides_after_anatomy and (modality_named[i] or not covered[i]) and after_paired_part(i)
                and not reading.laterality):
            reading.laterality.add(lexicon.sides_after_anatomy[word])
            if not covered[i] and word in reading.unread:
                reading.unread.remove(word)
                reading.phrases.append(word)
    _side_decubitus(reading, lexicon)
    counts = _view_counts(words, [not c for c in covered], lexicon)
    if counts is not None:
        reading.views = Views(counts.low, counts.high, reading.views.projections)
    _count_and_obliques(reading)
    return reading


def _count_and_obliques(reading: Reading) -> None:
    """A frontal and a lateral view named by a count (正侧位: two views, the views implied) with other views named
    apart (正侧位+双斜位, 正侧位+张口位): the views named one by one (four, three)."""
    views, implied = reading.views, frozenset(reading.implied.get("projections", ()))
    named = _count(Views(projections=implied)) if implied else None
    apart = views.projections - _POSITIONS - _VIEW_MANNERS  # views, not the patient's position (KUB UPRIGHT)
    if (named is not None and named[0] >= 2 and (views.low, views.high) == named and apart
            and not views.projections & implied):
        reading.views = Views(projections=implied | views.projections)


def _region_letters(reading: Reading, words: Sequence[str], covered: list[bool], starts: Mapping[int, Term],
                    families: frozenset[str], lexicon: Lexicon, last: int) -> None:
    """Letters that name regions where they stand for them (CT C/A, CT_CA_WITH, THORAX_CA_W_WO: the chest and
    abdomen), not where they follow what they qualify (PANCREATIC_CA, CT CHEST CA, CA STAGING: a cancer): right
    after the modality, or before a contrast word, another region or the end of the text (after a region: before
    contrast only)."""
    for i in range(len(words)):
        for letters, (modalities, regions) in lexicon.region_letters.items():
            end = next((j for j in range(i + 1, min(len(words), i + len(letters)) + 1)
                        if "".join(words[i:j]) == letters), None)
            if end is None or any(covered[i:end]) or not modalities & families:
                continue
            nxt = words[end] if end < len(words) else None
            contrast_next = nxt is not None and (
                nxt in lexicon.with_words or nxt in lexicon.negations or nxt in lexicon.contrast_words
                or "contrast" in getattr(starts.get(end), "means", {}))
            at_end = end > last  # nothing but a modality, an age group, a routine... after them (CT_CA (ADULT))
            after_modality = i > 0 and words[i - 1] in modalities
            if _region_before(i, starts) and not contrast_next:
                continue
            regions_next = "regions" in getattr(starts.get(end), "means", {})  # CA.AP: a list of regions
            if contrast_next or at_end or after_modality or regions_next:
                reading.regions.update(regions)
                reading.phrases.append(letters)
                for k in range(i, end):
                    covered[k] = True


def _contrast_cut_after_and(reading: Reading, words: Sequence[str], covered: Sequence[bool],
                            contrast_at: Mapping[int, str]) -> None:
    """A description cut short after one contrast and AND (W/O &, WITH AND WI): without and with."""
    last = len(words) - 1
    cut = not covered[last] and words[last] != "AND" and any(w.startswith(words[last]) for w in CUT_CONTRAST)
    and_at = last - 1 if cut else last
    said = contrast_at.get(and_at - 1)
    if and_at >= 1 and words[and_at] == "AND" and not covered[and_at] and said in ("W", "WO"):
        reading.contrast |= {"W", "WO"}
        reading.phrases.append(" ".join(words[and_at - 1:]))


def _plain_then_angiogram(reading: Reading, contrast_at: Mapping[int, str], starts: Mapping[int, Term]) -> None:
    """A plain CT said, then a CT angiogram (头颅平扫+CTA, CT HEAD WO AND CTA HEAD): without, then with contrast.
    (An MR angiogram after a plain MR is often without contrast: not read so.)"""
    if reading.contrast != {"WO"}:
        return
    plain = max(i for i, value in contrast_at.items() if value == "WO") if "WO" in contrast_at.values() else None
    if plain is not None and any(i > plain and term.means.get("modality") == "CT"
                                 and "angio" in term.means.get("qualifiers", ()) for i, term in starts.items()):
        reading.contrast.add("W")


def _region_before(i: int, starts: Mapping[int, Term]) -> bool:
    """Whether the phrase read last before position `i` names a region."""
    return _said_before(i, starts, "regions")


def _said_before(i: int, starts: Mapping[int, Term], attribute: str) -> bool:
    """Whether the phrase read last before position `i` says `attribute`."""
    before = [s for s in starts if s < i]
    return bool(before) and attribute in starts[max(before)].means


def _contrast_by_region(reading: Reading, contrast_at: Mapping[int, str], with_between_regions: Sequence[int],
                        regions_at: Sequence[int]) -> None:
    """Contrast said apart for different regions: a W of one region and a WO (or WO and W) of another, a region
    named between them. A W between two regions counts as contrast only when such a WO is said ("CHEST W
    ABDOMEN PELVIS WWO"; "CHEST W ABDOMEN" is the chest with the abdomen)."""
    paired: set[int] = set()  # WO+W, WO AND W: without and with, of one region
    for i, v in contrast_at.items():
        j = next((j for j in (i + 1, i + 2) if contrast_at.get(j) == "W"), None)
        if v == "WO" and j is not None and not any(i < r < j for r in regions_at):
            paired |= {i, j}
    without = [i for i, v in contrast_at.items() if v in ("WO", "WO_W") and i not in paired]
    if not without:
        return
    withs = [i for i, v in contrast_at.items() if v == "W" and i not in paired] + list(with_between_regions)
    if any(any(min(w, o) < r < max(w, o) for r in regions_at) for w in withs for o in without):
        reading.contrast.add("W")
        reading.qualifiers.add(CONTRAST_BY_REGION)


def _phrases_apart(words: Sequence[str], covered: list[bool], lexicon: Lexicon) -> set[int]:
    """Silent and contrast entries of several words found among the words no phrase read (LINE PLACEMENT, NON
    IONIC; entries may overlap: CENTRAL LINE PL): their words marked covered, and the positions where a contrast
    entry starts returned, to be read as a contrast word."""
    read_by_phrase = list(covered)
    contrast_at: set[int] = set()
    for i in range(len(words)):
        for phrase, is_contrast in lexicon.phrases_apart:
            end = i + len(phrase)
            if tuple(words[i:end]) != phrase or any(read_by_phrase[i:end]):
                continue
            for j in range(i + 1 if is_contrast else i, end):
                covered[j] = True
            if is_contrast:
                contrast_at.add(i)
    return contrast_at


def _side_decubitus(reading: Reading, lexicon: Lexicon) -> None:
    """A side word on unpaired anatomy beside a decubitus view is the view's side ("CHEST DECUBITUS 1 VW LEFT")."""
    projections = reading.views.projections
    if ("DECUBITUS" not in projections or not reading.laterality or not reading.regions
            or reading.regions & lexicon.sided_regions):
        return
    sides = {"left": {"LEFT_DECUBITUS"}, "right": {"RIGHT_DECUBITUS"},
             "bilateral": {"LEFT_DECUBITUS", "RIGHT_DECUBITUS"}}[reading.laterality_value or "bilateral"]
    reading.views = Views(reading.views.low, reading.views.high, (projections - {"DECUBITUS"}) | sides)
    reading.laterality.clear()


def _read_named_protocol(text: str, header_families: Iterable[str], lexicon: Lexicon) -> Reading:
    """A text read as read_text reads it; in a protocol name "CATEGORY^PROTOCOL" (THORAX^CT_CA_WO,
    HEAD^DE_CTA_NECK) the category is the protocol tree's folder: the anatomy the protocol part names, when it
    names some, is the exam's."""
    reading = read_text(text, header_families, lexicon)
    category, caret, protocol = text.partition("^")
    if caret and category.strip() and protocol.strip():
        protocol_reading = read_text(protocol, header_families, lexicon)
        if protocol_reading.regions:
            folder = reading.regions - protocol_reading.regions
            reading.regions = set(protocol_reading.regions)
            # the folder's region holding the protocol's (ABDOMEN^RENAL_PROTOCOL): said, given way to its part
            reading.containers_given_way |= {r for r in folder
                                             if all(r in lexicon.ancestors(p) for p in reading.regions)}
        elif (protocol_reading.implied.get("regions")
              and reading.regions <= read_text(category, header_families, lexicon).regions):
            reading.regions = set()  # ABDOMEN^STONES: the exam's own extent (abdomen and pelvis), not the folder
    return reading


def _unread_cjk(words: Sequence[str], matches: Sequence[Match[tuple[Term, ...]]],
                lexicon: Lexicon) -> tuple[list[str], list[str]]:
    """The runs of two or more Chinese characters that no phrase of the vocabulary covers (阴囊 in 阴囊彩超): a
    Chinese run is one token, so a phrase found inside it must not hide the rest of it; and the characters left
    alone (锥 in 颈锥CT)."""
    unread: list[str] = []
    alone: list[str] = []
    for i, word in enumerate(words):
        if not is_cjk(word):
            continue
        covered = [False] * len(word)
        for m in matches:
            if m.cjk and m.start == i:
                covered[m.offset:m.offset + len(m.phrase)] = [True] * len(m.phrase)
        run = ""
        for ch, seen in zip([*word, ""], [*covered, True], strict=True):
            if not seen:
                run += ch
                continue
            if len(run) >= 2 and run not in lexicon.silent_words:
                unread.append(run)
            elif len(run) == 1:
                alone.append(run)
            run = ""
    return unread, alone


_RUNS = re.compile(r"\d+|[A-Z]+")
#: A vocabulary word of at least this many letters glued to a number is read apart from it (THORAX1WB: THORAX 1
#: WB; 1CAP).
MIN_NUMBERED_WORD = 3
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_CAMEL_CUT = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: A modality's name glued to at most this many vocabulary words (CTABDPELW: CT ABD PEL W).
MAX_MODALITY_GLUED = 3
#: A word of this many letters or more that is several vocabulary words written as one is read apart into at most
#: MAX_LONG_GLUED of them (pinyin glued whole: SHANGFUBUCTPINGSAOJIAZENGQIANG), when one reading has the fewest.
MIN_LONG_GLUED = 12
MAX_LONG_GLUED = 5


def _camel_words(text: str | None, lexicon: Lexicon) -> str | None:
    """Words written together in camel case read apart (AbdomenTRIPLE_PHASE, ChestAbdomenPelvis), unless the
    whole is a vocabulary phrase (DaTscan) or one cut short (UnEnhan)."""
    if not text:
        return text

    def cut(run: re.Match[str]) -> str:
        word = run.group(0)
        whole = word.upper()
        if word.isupper() or word.islower() or whole in lexicon.phrases or _cut_short(whole, lexicon):
            return word
        return _CAMEL_CUT.sub(" ", word)
    return _LATIN_RUN.sub(cut, text)


def _modality_ways(text: str, lexicon: Lexicon) -> list[tuple[str, ...]]:
    """The ways `text` is a modality's name with the vocabulary words after it written as one word (at most
    MAX_MODALITY_GLUED of them, a contrast letter last allowed)."""
    ways: list[tuple[str, ...]] = []
    for prefix in lexicon.modality_prefixes:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            ways += [(prefix, *w) for w in _segmentations(text[len(prefix):], lexicon.modality_glue_words,
                                                          MAX_MODALITY_GLUED, ending=lexicon.contrast_letters)]
    return ways


def _modality_glued(word: str, lexicon: Lexicon) -> tuple[str, ...] | None:
    """A modality's name written as one word with the vocabulary words after it (CTAPWO, CTABDPELW, MRBRAIN; a
    contrast letter last: CTCAPC): the reading with the fewest words, when only one has that few."""
    best = _fewest(_modality_ways(word, lexicon))
    return best[0] if len(best) == 1 else None


def _modality_last(word: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """A vocabulary word of two letters or more with a modality's name written after it as one word (WBPETCT:
    WB PETCT; BREASTMR), the longest name that leaves such a word."""
    for name in lexicon.modality_prefixes:  # longest first
        head = word[:-len(name)]
        if word.endswith(name) and len(head) >= 2 and head in lexicon.single_words:
            return head, name
    return None


def _modality_inside(word: str, lexicon: Lexicon) -> tuple[str, ...] | None:
    """A vocabulary word of MIN_GLUED_THREE letters or more, a modality's name and the vocabulary words after it
    written as one word (PENQCTZENGQ: PENQ CT ZENGQ; CHESTCTWO): the reading with the fewest words, when only one
    has that few."""
    ways = [(word[:start], *w) for start in range(MIN_GLUED_THREE, len(word) - 3)
            if word[:start] in lexicon.single_words for w in _modality_ways(word[start:], lexicon)]
    best = _fewest(ways)
    return best[0] if len(best) == 1 else None


def _segmentations(text: str, words: frozenset[str], most: int,
                   ending: Container[str] = ()) -> list[tuple[str, ...]]:
    """The ways `text` is at most `most` of `words` written together (W alone; others of two letters or more),
    the last of them also one of `ending` (a contrast letter: CAPC)."""
    def part(word: str) -> bool:
        return word in words and (len(word) >= 2 or word == "W")
    found: list[tuple[str, ...]] = [(text,)] if part(text) or text in ending else []
    if most > 1:
        for k in range(1, len(text)):
            if part(text[:k]):
                found += [(text[:k], *rest) for rest in _segmentations(text[k:], words, most - 1, ending)]
    return found


def _complete_cut_words(words: list[str], lexicon: Lexicon) -> list[str]:
    """Words cut short (protocol names and descriptions are cut at the field's length: SCREENIN, PULMONAR)
    completed to the one vocabulary word they begin, when only one fits; a vocabulary word glued to a number
    in a protocol name (MAXILLOFACIAL1, 1CHEST, THORAX1WB), or to another vocabulary word (CHESTPA), read apart
    from it."""
    split: list[str] = []
    for word in words:
        runs = _RUNS.findall(word) if not is_cjk(word) else []
        if len(runs) > 1 and any(len(r) >= MIN_NUMBERED_WORD
                                 and (r in lexicon.phrases or r in lexicon.silent_words
                                      or len(_glued_words(r, lexicon)) == 1
                                      or (r.isalpha() and (_modality_glued(r, lexicon) or _modality_last(r, lexicon))))
                                 for r in runs):
            split += runs  # THORAX1WB, PET1PETCT, 1CAP, 01ACRINCOLONOGRAPHY, CTCH1, ACRIN6667
        else:
            split.append(word)
    words = split
    completed: list[str] = []
    for i, word in enumerate(words):
        if (len(word) >= 4 and word.isalpha() and word not in lexicon.phrases
                and (glued_to_modality := _modality_glued(word, lexicon))):
            completed += glued_to_modality
            continue
        if word.isalpha() and word not in lexicon.phrases and (modality_last := _modality_last(word, lexicon)):
            completed += modality_last  # WBPETCT, BREASTMR: a vocabulary word, then the modality
            continue
        if (len(word) >= MIN_GLUED_WORD and word.isalpha() and word not in lexicon.phrases
                and (modality_inside := _modality_inside(word, lexicon))):
            completed += modality_inside  # PENQCTZENGQ: a vocabulary word, the modality, vocabulary words
            continue
        known = (is_cjk(word) or word in lexicon.words_read_as_they_are or word in lexicon.phrases
                 or not word.isalpha() or (i + 1 < len(words) and word + words[i + 1] in lexicon.phrases))
        if len(word) == MIN_SWAPPED_WORD and not known:  # (silent words are among words_read_as_they_are)
            swapped = _swapped(word, lexicon)
            completed.append(swapped[0] if len(swapped) == 1 else word)  # HAED: HEAD
            continue
        if len(word) < MIN_CUT_WORD or known:
            completed.append(word)
            continue
        pairs = _fewest(_glued_words(word, lexicon))
        if len(pairs) == 1:  # vocabulary words written as one (CHESTPA, PELVISAP, ABDPELVIS, PELVISBONEBIOPSY)
            completed += pairs[0]
            continue
        if len(word) >= MIN_LONG_GLUED and len(ways := _fewest(_segmentations(word, lexicon.glue_words,
                                                                                MAX_LONG_GLUED))) == 1:
            completed += ways[0]  # SHANGFUBUCTPINGSAOJIAZENGQIANG: four words, the modality among them
            continue
        fits = _alike(_cut_short(word, lexicon), lexicon)
        if not fits and len(word) >= MIN_MISTYPED_WORD:
            fits = _alike(_mistyped(word, lexicon), lexicon)
        elif not fits:  # a shorter word: two neighbours swapped (CHSET, BRIAN), or a likely slip (BREAT, RIFHT)
            fits = _swapped(word, lexicon)
            if not fits and len(word) == MIN_SLIPPED_WORD:
                fits = _alike([w for w in _mistyped(word, lexicon) if _likely_slip(word, w)], lexicon)
        completed.append(fits[0] if len(fits) == 1 else word)
    return completed


def _cuts_into_stem(word: str, way: tuple[str, ...], lexicon: Lexicon) -> bool:
    """Whether `way` reads apart a word that is a vocabulary word of MIN_MISTYPED_WORD letters or more with one
    stray letter after it, cutting into that word (ABDOMENT: ABDOMEN and a slip, not ABDOME NT)."""
    stem = word[:-1]
    return len(stem) >= MIN_MISTYPED_WORD and stem in lexicon.single_words and len(way[0]) < len(stem)


def _fewest(ways: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The ways of reading a word apart with the fewest words (CHESTABDPEL: CHEST ABDPEL, not CHEST ABD PEL)."""
    fewest = min((len(w) for w in ways), default=0)
    return [w for w in ways if len(w) == fewest]


def word_meaning(word: str, lexicon: Lexicon) -> str:
    """What the vocabulary says `word` means, as a comparable string (the same for two words of one meaning)."""
    return repr(lexicon.phrases.get(word))


def read_alone(word: str, lexicon: Lexicon) -> list[str]:
    """The words a word standing alone is read as: itself, or the vocabulary words it was cut short from, mistyped
    for or glued from (_complete_cut_words)."""
    return _complete_cut_words([word], lexicon)


def _alike(fits: list[str], lexicon: Lexicon) -> list[str]:
    """The first of `fits` when they all mean the same (SCREE: SCREEN or SCREENER; ABDOMNE: ABDOMEN or ABDOME)."""
    return fits[:1] if len({word_meaning(w, lexicon) for w in fits}) == 1 else fits


def _cut_short(word: str, lexicon: Lexicon) -> list[str]:
    """The vocabulary words `word` may be cut short from (at most MAX_CUT letters missing at its end)."""
    return [w for w in lexicon.single_words_by_stem.get(word[:MIN_CUT_WORD], ())
            if w.startswith(word) and len(w) - len(word) <= MAX_CUT]


def _glued_words(word: str, lexicon: Lexicon) -> list[tuple[str, ...]]:
    """The ways `word` is two vocabulary (or silent) words written as one (the first of MIN_GLUED_PART letters or
    more; or a with word glued to a contrast word or after a vocabulary word), or, when it has at least
    MIN_GLUED_WORD letters, two or three of MIN_GLUED_THREE letters or more; none that cuts into a vocabulary word
    written with one stray letter after it (_cuts_into_stem)."""
    words = lexicon.glue_words
    ways: list[tuple[str, ...]] = []
    if word[:1] in lexicon.with_words and word[1:] in lexicon.contrast_words and len(word) > MIN_GLUED_PART:
        ways.append((word[:1], word[1:]))  # WCONTRAST
    if word[-1:] in lexicon.with_words and len(word) > MIN_GLUED_PART and word[:-1] in lexicon.single_words:
        ways.append((word[:-1], word[-1:]))  # ABDOMENW
    contrast_or_with = lexicon.contrast_words | lexicon.with_words
    # a head shorter than the loop below takes, before a contrast or with word or as a side
    for k in range(MIN_GLUED_THREE, min(MIN_GLUED_PART, len(word) - MIN_GLUED_THREE + 1)):
        head, rest = word[:k], word[k:]
        if head in words and rest in contrast_or_with:
            ways.append((head, rest))  # PELCONT, ABDWITH
        if head in lexicon.side_words and rest in words:
            ways.append((head, rest))  # ZUOSHOU: the left hand
    shortest = MIN_GLUED_THREE if len(word) >= MIN_GLUED_WORD else MIN_GLUED_PART
    for k in range(shortest, len(word) - 1):
        head, rest = word[:k], word[k:]
        if head not in words:
            continue
        if rest in words and (len(rest) >= 2 if k >= MIN_GLUED_PART else len(rest) >= MIN_GLUED_THREE):
            ways.append((head, rest))
        if len(word) >= MIN_GLUED_WORD:
            ways += [(head, rest[:j], rest[j:]) for j in range(MIN_GLUED_THREE, len(rest) - MIN_GLUED_THREE + 1)
                     if rest[:j] in words and rest[j:] in words]
    return [way for way in ways if not _cuts_into_stem(word, way, lexicon)]


def _mistyped(word: str, lexicon: Lexicon) -> list[str]:
    """The vocabulary words one typing slip from `word` (a letter missing, added, changed or two swapped),
    beginning with its letter."""
    deletions = {word[:i] + word[i + 1:] for i in range(len(word))}
    near = set(lexicon.single_words_by_deletion.get(word, ()))  # a letter missing
    near |= deletions & lexicon.single_words  # a letter added
    for d in deletions:  # a letter changed, or two swapped
        near.update(w for w in lexicon.single_words_by_deletion.get(d, ()) if len(w) == len(word))
    return sorted(w for w in near if w[0] == word[0] and _one_slip(word, w))


def _likely_slip(typed: str, meant: str) -> bool:
    """Whether `typed` is `meant` with a letter missing, or with one letter struck on a neighbouring key."""
    if len(meant) == len(typed) + 1:
        return True
    changed = [(a, b) for a, b in zip(typed, meant, strict=False) if a != b] if len(meant) == len(typed) else []
    if len(changed) != 1 or not {changed[0][0], changed[0][1]} <= _KEYS.keys():
        return False
    (row_a, col_a), (row_b, col_b) = _KEYS[changed[0][0]], _KEYS[changed[0][1]]
    return (row_a == row_b and abs(col_a - col_b) == 1) or (abs(row_a - row_b) == 1 and abs(col_a - col_b) <= 0.75)


def _swapped(word: str, lexicon: Lexicon) -> list[str]:
    """The vocabulary words `word` is with two neighbouring letters swapped, its first letter kept."""
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)}
    return sorted(swaps - {word} & lexicon.single_words)


def _one_slip(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by one letter missing, added or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                              and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])


def _content_word(word: str, lexicon: Lexicon) -> bool:
    """An unread Latin word that may name what was examined: not a number or code, not a view or silent word
    (Chinese runs are read by _unread_cjk)."""
    if len(word) < 3 or any(ch.isdigit() for ch in word):
        return False
    return not (word in lexicon.silent_words or word in lexicon.view_count_words or word in lexicon.view_numbers)


def _merge(readings: Sequence[Reading]) -> Reading:
    """Readings of the study's texts, first text first: each attribute from the first text that has it."""
    merged = Reading()
    for r in readings:
        merged.modalities |= r.modalities
        for name in ("regions", "contrast", "laterality", "timing", "qualifiers"):
            mine, theirs = getattr(merged, name), getattr(r, name)
            if not mine:
                mine |= theirs
            elif theirs and name in ("regions", "contrast", "laterality") and not theirs <= mine | _near(mine):
                merged.conflicts.append(name)
            elif name in SET_ATTRIBUTES:
                mine |= theirs
        if not merged.views.said:
            merged.views = r.views
        for name, value in r.implied.items():
            merged.implied.setdefault(name, value)
        for name, value in r.assumed.items():
            merged.assumed.setdefault(name, value)
        merged.phrases += r.phrases
        merged.unread += r.unread
        merged.unread_characters += r.unread_characters
        merged.inapplicable += r.inapplicable
        merged.purpose_passed_over = merged.purpose_passed_over or r.purpose_passed_over
        merged.contrast_either = merged.contrast_either or r.contrast_either
        merged.cancer_letter = merged.cancer_letter or r.cancer_letter
        merged.narrowed |= r.narrowed
        merged.containers_given_way |= r.containers_given_way
        merged.implied_within += r.implied_within
    return merged


def _near(values: set[str]) -> set[str]:
    """Values that do not contradict `values` (contrast WO_W contains W and WO; one side and the left)."""
    near = {"W", "WO"} if "WO_W" in values else set()
    if UNILATERAL in values:
        near |= {"left", "right"}
    if values & {"left", "right"}:
        near.add(UNILATERAL)
    return near


def _attribute(reading: Reading, name: str) -> Any:
    if name == "modality":
        return reading.modalities
    if name == "contrast":
        return reading.contrast_value
    if name == "projections":
        return reading.views.projections
    return getattr(reading, name)


def refine_regions(reading: Reading, lexicon: Lexicon) -> None:
    """Keep the most specific anatomy: implied or narrowing regions inside a said one replace it (PE: chest ->
    pulmonary arteries), two regions sharing a part name the part (aorta + abdomen), a region named with one of its
    parts gives way to the part (chest + pulmonary arteries); an extent drops the wider region said with it."""
    for narrow, wider in lexicon.narrowing_regions.items():
        if narrow in reading.regions:
            reading.regions -= wider
    for narrower, whole_stays in ((set(reading.implied.get("regions", ())), False), (reading.narrowed, True)):
        if reading.regions and narrower:
            # a narrowing word does not narrow a region made of parts said whole (AORTA DISSECTION: the whole aorta)
            inside = {r for r in narrower if any(not (whole_stays and lexicon.made_of_parts(a))
                                                 for a in lexicon.ancestors(r) & reading.regions)}
            if inside:
                covered = {a for r in inside for a in lexicon.ancestors(r)}
                reading.regions = (reading.regions - covered) | inside
    for r in sorted(reading.regions):
        # a region named with another, apart from it, holding part of it is that part (AORTA with ABDOMEN: the
        # abdominal aorta; not HEART with CHEST, which holds the heart whole)
        common = [c for c in lexicon.common_parts.get(r, ()) if lexicon.anatomy_parents[c] - {r} <= reading.regions]
        if len(common) == 1:
            reading.regions = (reading.regions - {r} - lexicon.anatomy_parents[common[0]]) | {common[0]}
    containers = {a for r in reading.regions for a in lexicon.ancestors(r)} & reading.regions
    if not containers:
        return
    inner = {r for r in reading.regions if lexicon.ancestors(r) & containers}
    related = containers | {a for c in containers for a in lexicon.ancestors(c)}
    if any(not (lexicon.ancestors(r) | {r}) & related for r in reading.regions - inner - containers):
        # more regions than one region and its parts (CHEST/ABD (LIVER)): the parts are the protocol's focus
        reading.regions -= inner
    else:  # a region and its part (ABDOMEN LIVER): the part
        reading.regions -= containers
        reading.containers_given_way |= containers


def _has(reading: Reading, condition: str) -> bool:
    """`views`, `projections`, `contrast`... said; `qualifiers.angio`: that value said or implied; `regions=HEAD`:
    that region said and no other."""
    if "=" in condition:
        name, _, value = condition.partition("=")
        return set(_attribute(reading, name) or ()) == {value}
    name, _, value = condition.partition(".")
    if name == "views":
        return reading.views.low is not None
    if name == "projections":
        return bool(reading.views.projections)
    have = _attribute(reading, name)
    if value:
        return value in (have or ()) or value in reading.implied.get(name, ())
    return bool(have)


def apply_defaults(reading: Reading, modality: str | None, lexicon: Lexicon) -> None:
    """Fill unsaid attributes from the vocabulary's defaults (strong `implies`, weak `assumes`)."""
    for d in lexicon.defaults:
        ok = True
        for name, want in d.when.items():
            if name == "modality":
                ok = modality == want
            elif isinstance(want, list):
                have = set(_attribute(reading, name) or reading.implied.get(name, ()))
                if name == "regions":  # a region inside the wanted one counts (pancreas: abdomen)
                    have |= {a for r in have for a in lexicon.ancestors(r)}
                    ok = bool(set(want) & have)
                else:
                    ok = set(want) <= have
            if not ok:
                break
        if not ok:
            continue
        if any(_has(reading, cond) for cond in d.unless):
            continue
        for name, value in d.implies.items():
            if name in SET_ATTRIBUTES:
                if name not in reading.implied and (extra := _unsaid_values(reading, name, value)):
                    reading.implied[name] = sorted(extra)
            elif not reading.said(name) and name not in reading.implied:
                reading.implied[name] = value
        for name, value in d.assumes.items():
            if name in SET_ATTRIBUTES:
                if extra := _unsaid_values(reading, name, value):
                    reading.assumed[name] = sorted(set(reading.assumed.get(name, ())) | extra)
            elif not reading.said(name) and name not in reading.implied:
                reading.assumed.setdefault(name, value)


def _join_qualifiers(reading: Reading, lexicon: Lexicon) -> None:
    """Qualifiers said apart that one qualifier names together, replaced by it (Lexicon.joined_qualifiers)."""
    for joined, parts in lexicon.joined_qualifiers.items():
        if parts <= reading.qualifiers:
            reading.qualifiers -= parts
            reading.qualifiers.add(joined)


def _imply_within(reading: Reading, lexicon: Lexicon) -> None:
    """The implications held for some regions (Term.implies_within), where the regions examined (said, else
    implied) lie within them."""
    examined = reading.regions or set(reading.implied.get("regions", ()))
    within = examined | {a for r in examined for a in lexicon.ancestors(r)}
    for implications, regions in reading.implied_within:
        if within & regions:
            for name, value in implications.items():
                if not reading.said(name):
                    reading.implied.setdefault(name, value)


def _unsaid_values(reading: Reading, name: str, values: Iterable[str]) -> set[str]:
    """The values of a set attribute (SET_ATTRIBUTES) a default gives that the text neither says nor implies."""
    said: set[str] = getattr(reading, name)
    return set(values) - said - set(reading.implied.get(name, ()))


# ---------------------------------------------------------------- catalogue and table


@dataclass(frozen=True)
class Procedure:
    """A LOINC code of the catalogue with its Playbook attributes."""

    code: str
    name: str
    modality: str | None
    regions: frozenset[str]
    contrast: str | None
    laterality: str | None
    views: Views
    timing: frozenset[str]
    qualifiers: frozenset[str]
    source: str = "midrc"


@dataclass(frozen=True)
class TableRow:
    line: int
    modalities: frozenset[str]  # DICOM modalities; empty: any
    description: str
    key: str
    code: str  # MIDRC's code, or the adjudicated one where MIDRC's was found not to fit ("" : no code fits)
    midrc_code: str = ""  # set when `code` is a correction


def clean_code(value: str) -> str:
    """A LOINC code from MIDRC's files without the stray tabs and spaces some rows carry."""
    return "".join(value.split())


def read_midrc_corrections(directory: Path = VOCABULARY_DIR) -> dict[int, tuple[str, str, str]]:
    """Line of MIDRC's table -> (its description, MIDRC's code, the adjudicated code or "" when none fits)."""
    path = directory / MIDRC_CORRECTIONS
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {int(r["line"]): (r["description"], r["midrc_code"], "" if r["code"] == "none" else r["code"])
                for r in csv.DictReader(f)}


def read_midrc_table(directory: Path = VOCABULARY_DIR, *, corrected: bool = True) -> list[TableRow]:
    """MIDRC's table as published, with the adjudicated corrections applied unless `corrected` is false."""
    corrections = read_midrc_corrections(directory) if corrected else {}
    rows: list[TableRow] = []
    with (directory / MIDRC_TABLE).open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader)
        for line, row in enumerate(reader, start=2):
            modality, description, code = row[0], row[1], clean_code(row[2])
            mods = frozenset(m.strip().upper() for m in modality.replace(";", ",").split(",")) - {"[BLANK]", ""}
            k = key(description)
            fix = corrections.pop(line, None)
            if fix is not None and (fix[0], fix[1]) != (description, code):
                raise VocabularyError(f"{MIDRC_CORRECTIONS}: line {line} does not match MIDRC's table")
            rows.append(TableRow(line, mods, description, "" if k in BLANKS else k, fix[2] if fix else code,
                                 midrc_code=code if fix else ""))
    if corrections:
        raise VocabularyError(f"{MIDRC_CORRECTIONS}: lines {sorted(corrections)} are not in MIDRC's table")
    return rows


def read_midrc_names(directory: Path = VOCABULARY_DIR) -> dict[str, str]:
    """LOINC code -> long common name, from both MIDRC files (the filtering attributes file first)."""
    names: dict[str, str] = {}
    with (directory / MIDRC_ATTRIBUTES).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            names.setdefault(clean_code(row["LOINC code"]), " ".join(row["L-Long Common Name"].split()))
    with (directory / MIDRC_TABLE).open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader)
        for line in reader:
            names.setdefault(clean_code(line[2]), " ".join(line[3].split()))
    return names


def read_playbook_list(directory: Path = VOCABULARY_DIR) -> dict[str, str]:
    """LOINC code -> long common name, from the list of LOINC radiology procedure codes."""
    with (directory / PLAYBOOK_LIST).open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        if next(reader) != ["loinc", "long_common_name"]:
            raise VocabularyError(f"{PLAYBOOK_LIST}: header must be loinc, long_common_name")
        return {code: " ".join(name.split()) for code, name in reader}


def read_catalogue(directory: Path = VOCABULARY_DIR, sources: Iterable[str] = CATALOGUE_SOURCES) -> list[Procedure]:
    """The catalogue's codes from the given sources (`midrc`: the codes of MIDRC's files only)."""
    wanted = set(sources)
    if unknown := wanted - set(CATALOGUE_SOURCES):
        raise VocabularyError(f"unknown catalogue sources {sorted(unknown)}")
    out: list[Procedure] = []
    with (directory / CATALOGUE_FILE).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["source"] not in wanted:
                continue
            views = Views.parse(row["views"]) if row["views"] else Views()
            out.append(Procedure(
                code=row["loinc"], name=row["long_common_name"], modality=row["modality"] or None,
                regions=frozenset(row["regions"].split()), contrast=row["contrast"] or None,
                laterality=row["laterality"] or None,
                views=Views(views.low, views.high, frozenset(row["projections"].split())),
                timing=frozenset(row["timing"].split()), qualifiers=frozenset(row["qualifiers"].split()),
                source=row["source"],
            ))
    return out


# ---------------------------------------------------------------- scoring


def _promote(scored: list[tuple[Procedure, Score]], keeps: Callable[[Procedure], bool]) -> bool:
    """Move the first of the closest codes after the best (RERANKED) that keeps what `keeps` asks, and that the
    description does not contradict, to the front; whether one was moved."""
    keeper = next((i for i, (p, sc) in enumerate(scored[1:RERANKED], start=1) if not sc.contradicted and keeps(p)),
                  None)
    if keeper is not None:
        scored.insert(0, scored.pop(keeper))
    return keeper is not None


@dataclass(frozen=True)
class Score:
    value: float
    implied: tuple[str, ...]  # attributes matched through a strong default
    assumed: tuple[str, ...]  # attributes matched through a weak default
    contradicted: tuple[str, ...] = ()  # attributes the description says otherwise (2 views vs >= 4)


class ProcedureMapper:
    """Maps a series' procedure inputs to a LOINC code; one instance per vocabulary version."""

    def __init__(
        self,
        *,
        lexicon: Lexicon,
        catalogue: Sequence[Procedure],
        table: Sequence[TableRow],
        policy: Policy,
        reviewed: ReviewedRules | None = None,
        exclude_keys: Iterable[str] = (),
        prior_rows: Sequence[TableRow] | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.catalogue = {p.code: p for p in catalogue}
        self._by_modality: dict[str | None, list[Procedure]] = {}
        for p in self.catalogue.values():
            self._by_modality.setdefault(p.modality, []).append(p)
        self._region_scores: dict[tuple[frozenset[str], frozenset[str]], float] = {}
        #: the regions codes name together, by modality
        self._region_sets_by_modality: dict[str | None, set[frozenset[str]]] = {}
        for p in catalogue:
            if len(p.regions) > 1:
                self._region_sets_by_modality.setdefault(p.modality, set()).add(frozenset(p.regions))
        self._region_sets = set().union(*self._region_sets_by_modality.values())
        #: the regions some PET code images
        self._pet_regions = {r for p in catalogue if p.modality in WHOLE_BODY_MODALITIES for r in p.regions}
        #: (modality, region) of the codes of one side unsaid (MR Breast - unilateral)
        self._one_side_coded = {(p.modality, r) for p in catalogue if p.laterality == UNILATERAL for r in p.regions}
        self.policy = policy
        self.reviewed = reviewed or ReviewedRules()
        excluded = set(exclude_keys)
        self.table: dict[str, list[TableRow]] = {}
        for row in table:
            if row.key not in excluded and row.code in self.catalogue:
                self.table.setdefault(row.key, []).append(row)
        used = [r for r in (prior_rows if prior_rows is not None else table) if r.key not in excluded]
        self.votes = self._learn_votes(r for r in used if r.code in self.catalogue)
        counts = Counter(r.code for r in used)
        top = max(counts.values(), default=1)
        self.prior = {code: math.log1p(n) / math.log1p(top) for code, n in counts.items()}

    # ---- public

    def map(
        self,
        modality: str | None,
        *,
        study_description: str | None = None,
        requested_procedure_description: str | None = None,
        protocol_name: str | None = None,
        body_part_examined: str | None = None,
        series_description: str | None = None,
        study_modalities: Iterable[str] = (),
    ) -> ProcedureMapping:
        """The LOINC procedure of a series; SeriesDescription is read only when the three others are empty."""
        inputs = {
            "modality": (modality or "").strip().upper() or None,
            "study_description": study_description,
            "requested_procedure_description": requested_procedure_description,
            "protocol_name": protocol_name,
            "body_part_examined": body_part_examined,
        }
        if not (study_description or requested_procedure_description or protocol_name) and series_description:
            inputs["series_description"] = series_description
        rid = question_id(FIELD, inputs)
        shown = {k: v for k, v in inputs.items() if v}
        rule = self.reviewed.answer(FIELD, inputs)
        if rule is not None:
            known = self.catalogue.get(rule.answer)
            status = "unmapped" if known is None else "mapped"
            return ProcedureMapping(
                status=status, confidence=self.policy.confidence["reviewed_rule"], rule=f"reviewed:{rule.review_id}",
                review_id=rid, code=known.code if known else None, meaning=known.name if known else None,
                candidates=[Candidate(code=known.code, meaning=known.name, confidence=1.0)] if known else [],
            )
        texts = [inputs.get(name) for name in (*TEXT_INPUTS, "series_description")]
        if not self._families(inputs["modality"], _study_modalities(study_modalities)) and not any(texts):
            return ProcedureMapping(status="unmapped", confidence=0.0, rule="no_input", review_id=rid)
        reading, modality_used, families = self.read(inputs["modality"], texts, body_part_examined, study_modalities)
        ranked = self._rank(reading, modality_used, families)
        attributes = reading.attributes(modality_used)
        if not ranked:
            return ProcedureMapping(status="unmapped", confidence=0.0, rule="no_candidate", review_id=rid,
                                    attributes=attributes, inputs=shown)
        table_answer = self._table([texts[0], texts[1], texts[3]], inputs["modality"], reading, ranked)
        if table_answer is not None:
            code, confidence, rule_name = table_answer
        else:
            code, confidence, rule_name = self._confidence(reading, ranked)
            unsaid: frozenset[str] | None = None
            if reading.phrases and not reading.region_from_header and "contradicts" not in rule_name:
                voted = self._votes(_signature(attributes, reading.laterality_value), code, confidence, rule_name)
                # a convention does not give the description a purpose or tracer it does not say (an FDG code for
                # "PET SARCOMA"); conventions of views and projections stand (which portable chest code)
                if voted[0] == code:
                    code, confidence, rule_name = voted
                else:
                    winner = self.catalogue[voted[0]]
                    winner_unsaid = self.unsaid(reading, winner)
                    # nor trade the very region said for another (skull base to mid-thigh for the whole body)
                    exact = set(self.catalogue[code].regions) == set(reading.regions) != set(winner.regions)
                    # nor give a code of a modality the study's series cannot have (a PET code for a CT study)
                    possible = any(p.code == winner.code for p, _ in ranked)
                    if not winner_unsaid & winner.qualifiers and not exact and possible:
                        (code, confidence, rule_name), unsaid = voted, winner_unsaid
            if unsaid is None:
                unsaid = self.unsaid(reading, self.catalogue[code])
            dropped = self.dropped(reading, self.catalogue[code], unspecified_purposes=True)
            if unsaid or dropped:
                confidence = min(confidence, self.policy.confidence["unsaid_cap"])
                if unsaid:
                    rule_name += "+unsaid:" + ",".join(sorted(unsaid))
                if dropped:
                    rule_name += "+drops:" + ",".join(sorted(dropped))
            elif "UNSPECIFIED" in self.catalogue[code].regions and reading.unread:
                confidence = min(confidence, self.policy.confidence["unread_words_cap"])
                rule_name += "+unread"
        best = self.catalogue[code]
        candidates = [Candidate(code=best.code, meaning=best.name, confidence=round(confidence, 3))]
        for p, s in ranked:
            if p.code != code and len(candidates) < 3:
                candidates.append(Candidate(code=p.code, meaning=p.name,
                                            confidence=round(max(0.0, min(confidence, s.value) - 0.05), 3)))
        status = self.policy.status(confidence)
        return ProcedureMapping(
            status=status,
            confidence=round(confidence, 3),
            rule=rule_name,
            review_id=rid,
            code=best.code if status == "mapped" else None,
            meaning=best.name if status == "mapped" else None,
            candidates=candidates,
            inputs=shown if status != "mapped" else None,
            attributes=attributes,
        )

    def unsaid(self, reading: Reading, p: Procedure) -> frozenset[str]:
        """What code `p` states that the reading neither gives nor takes from a default: regions (see
        unsaid_regions), contrast, side, views or projections, and purposes weighing 1 or more in the policy
        (angio, pulmonary embolus, screening, guidance...) or listed as stated only (limited)."""
        def given(name: str) -> bool:
            return name in reading.implied or name in reading.assumed

        weights = self.policy.qualifier_weights
        unsaid = {q for q in p.qualifiers - reading.given("qualifiers")
                  if weights.get(q, 1.0) >= 1.0 or q in self.policy.stated_qualifiers}
        if p.laterality and not reading.laterality and not given("laterality"):
            unsaid.add("laterality")
        if p.contrast and not reading.contrast and not given("contrast"):
            unsaid.add("contrast")  # "ABDOMEN^LIVER" -> "MR Abdomen WO and W contrast IV"
        if p.timing - reading.given("timing"):
            unsaid.add("timing")  # "NM HEART AMYLOID SCAN" -> "NM Heart Views W stress"
        if p.views.said:
            named = reading.given("projections")
            if not reading.views.said and not named and not given("views"):
                unsaid.add("views")  # "LT FOOT" -> "XR Foot - left GE 3 Views"
            elif p.views.projections and not named:
                unsaid.add("projections")  # "CHEST 2 VIEWS" -> "XR Chest PA and Lateral"
            elif _count_unsaid(reading.views, p.views):
                unsaid.add("views")  # "MINIMUM 2 VIEWS" -> "GE 3 Views"
            elif reading.views.low is None and p.views.low is not None and (
                    (named_count := _count(Views(projections=frozenset(named)))) is not None
                    and _range_relation(named_count, (p.views.low, p.views.high)) == "apart"):
                unsaid.add("views")  # "LUMBAR SPINE (LATERAL ONLY)" -> "2 or 3 Views": the text names fewer
            if p.views.projections & _SIDED_DECUBITUS and "DECUBITUS" in named:
                unsaid.add("projections")  # "CHEST DECUBITUS" -> "XR Chest AP left lateral-decubitus"
            if (p.views.projections & _EPONYMOUS_VIEWS) - named:
                unsaid.add("projections")  # "NASAL BONES LATERAL" -> "XR Nasal bones Lateral and Waters"
        return self.unsaid_regions(reading, p) | unsaid

    def dropped(self, reading: Reading, p: Procedure, *, unspecified_purposes: bool = False) -> frozenset[str]:
        """What the description says and code `p` leaves out: regions examined on their own (procedure_terms.yaml
        own_regions) that `p` replaces by a region containing them (sinuses -> "CT Head", a finger -> "XR Hand"),
        regions `p` does not reach at all (neither the same, a containing nor a contained region),
        purposes weighing 1 or more in the policy that `p` lacks (an MR angiogram -> "MR Brain"), and the side of
        a paired part when `p` names none; the PET of a PET or PET/CT when `p` is a CT code and the description
        names no CT of its own ("CT CHEST (PETCT)"). An "Unspecified body region" code drops no anatomy, and drops
        a purpose only with `unspecified_purposes` (the emitted code's confidence: a guided injection is not
        "CT Guidance for biopsy of Unspecified body region"; the ranking keeps it before codes of other anatomy)."""
        said = set(reading.regions) | set(reading.implied.get("regions", ()))
        pet = frozenset({"PET"}) if (reading.modalities & {"PT", "PT+CT"} and "CT" not in reading.modalities
                                     and p.modality == "CT") else frozenset()
        weights = self.policy.qualifier_weights
        purposes = {q for q in reading.qualifiers - p.qualifiers if weights.get(q, 1.0) >= 1.0}
        if not p.regions or "UNSPECIFIED" in p.regions:
            return pet | purposes if unspecified_purposes else pet
        dropped = set(pet) | purposes
        for r in said & self.lexicon.own_regions:
            kept = any(c == r or r in self.lexicon.ancestors(c) for c in p.regions)
            if not kept and any(c in self.lexicon.ancestors(r) for c in p.regions):
                dropped.add(r)
        whole_body = p.modality in WHOLE_BODY_MODALITIES and "WHOLEBODY" in p.regions
        named = set(reading.regions) or said  # an implied region stands only where none is named (颞骨HRCT)
        for r in named - set(p.regions):  # a region the code does not reach at all (PE study "... PELVIS")
            related = {r, *self.lexicon.ancestors(r)}
            if not whole_body and not any(c in related or r in self.lexicon.ancestors(c) for c in p.regions):
                dropped.add(r)
        one_side = reading.laterality_value == UNILATERAL
        if (reading.laterality and not p.laterality and p.regions & said & self.lexicon.sided_regions
                and (not one_side or any((p.modality, r) in self._one_side_coded for r in p.regions))):
            dropped.add("laterality")  # "钼靶-双乳" -> "MG Breast Views"; one knee unsaid -> "MR Knee" drops nothing
        if reading.views.low is not None and reading.views.high is not None and not p.views.said:
            dropped.add("views")  # "SCOLIOSIS STUDY 2 OR 3 VIEWS" -> "... Views for scoliosis"
        return frozenset(dropped)

    def unsaid_regions(self, reading: Reading, p: Procedure) -> frozenset[str]:
        """Regions code `p` states that the reading neither gives nor contains: the code names more anatomy
        (MR thoracic spine -> "Cervical and thoracic and lumbar spine") or a part of what was said (MR chest ->
        "Heart"). A code naming a region that contains the said one is not unsaid (prostate -> "Pelvis")."""
        said = set(reading.regions) | set(reading.implied.get("regions", ()))
        if not said:
            said = set(reading.assumed.get("regions", ()))
        if not said or not p.regions or "UNSPECIFIED" in p.regions:
            return frozenset()
        said |= self.lexicon.as_parts(said, p.regions)  # every part of a region said: the aorta's two
        containing = {a for r in said for a in self.lexicon.ancestors(r)}
        if p.modality in WHOLE_BODY_MODALITIES and "tumor_localization" in reading.qualifiers:
            containing.add("WHOLEBODY")  # tumour imaging of a cancer's site covers the whole body (not "PET liver")
        return frozenset(r for r in p.regions if r not in said and r not in containing)

    # ---- steps

    def read(
        self, modality: str | None, texts: Sequence[str | None], body_part_examined: str | None = None,
        study_modalities: Iterable[str] = (), *, whole_study: bool = True,
    ) -> tuple[Reading, str | None, frozenset[str]]:
        """The study's texts read together, refined and completed by the defaults; the modality it is read as.
        `whole_study`: `study_modalities` are all the study's series' (a table row's modality is its own only)."""
        others = _study_modalities(study_modalities)
        study = others | {modality} if modality else others
        families = self._families(modality, others)
        reading = _merge([_read_named_protocol(t, families, self.lexicon) for t in texts if t])
        if not reading.regions and body_part_examined:
            header = read_text(body_part_examined, families, self.lexicon)
            if header.regions:
                reading.regions = header.regions
                reading.region_from_header = True
        _join_qualifiers(reading, self.lexicon)
        if not self._named_together(reading.regions, families):
            refine_regions(reading, self.lexicon)
        self._organs_as_their_region(reading, families)
        modality_used = self._modality(reading, families, pet_ct_study={"CT", "PT"} <= study)
        if (modality_used == "PT+CT" and whole_study and others and "PT" not in others and "CT" in families
                and not reading.qualifiers and not reading.purpose_passed_over):
            modality_used = "CT"  # a study of CT series alone named PET/CT, no PET purpose said: its CT
        if modality_used in WHOLE_BODY_MODALITIES and reading.regions & self.lexicon.cancer_sites:
            if "tumor_localization" in reading.qualifiers or reading.cancer_letter:
                reading.regions -= self.lexicon.cancer_sites  # PET/CT LUNG CA: the cancer's site, the region unsaid
            else:  # PETCT_OVARIAN: a site no PET code images is the cancer's, not the region imaged
                reading.regions -= self.lexicon.cancer_sites - self._pet_regions
        if reading.phrases:
            _imply_within(reading, self.lexicon)
            apply_defaults(reading, modality_used, self.lexicon)
        return reading, modality_used, families

    def _organs_as_their_region(self, reading: Reading, families: frozenset[str]) -> None:
        """Organs of one region named together where no code (of a modality the series may be: any when none is
        known) names them so (LIVER_PANC; a cervical and a lumbar spine film): that region."""
        regions = frozenset(reading.regions)
        if len(regions) < 2 or self._a_code_names(regions, families):
            return
        parents = {r: self.lexicon.anatomy_parents.get(r, frozenset()) for r in regions}
        shared = frozenset.intersection(*parents.values())
        if len(shared) == 1:
            reading.regions = set(shared)

    def _named_together(self, regions: set[str], families: frozenset[str]) -> bool:
        """A region with parts examined as regions of their own, or regions holding a part in common, that codes of
        the catalogue name together (brain and internal auditory canal, head and temporal bone, maxilla and
        mandible), codes of a modality the series may be (any when none is known): kept as said, not reduced to
        the part."""
        parts = {r for r in regions if self.lexicon.ancestors(r) & regions}
        shared = not parts and len(regions) > 1 and any(self.lexicon.common_parts.get(r) for r in regions)
        if not shared and (not parts or not parts <= self.lexicon.own_regions):
            return False
        return self._a_code_names(frozenset(regions), families)

    def _a_code_names(self, regions: frozenset[str], families: frozenset[str]) -> bool:
        """Whether a catalogue code of a modality the series may be (any when none is known) names exactly
        `regions`."""
        if not families:
            return regions in self._region_sets
        return any(regions in self._region_sets_by_modality.get(m, ()) for m in families)

    def _learn_votes(self, rows: Iterable[TableRow]) -> dict[tuple[Any, ...], Counter[str]]:
        """For each reading of a table row's description, which codes MIDRC gave it (its conventions)."""
        votes: dict[tuple[Any, ...], Counter[str]] = {}
        for row in rows:
            if not row.key:
                continue
            modality = series_modality(row.modalities - {"CTPT"}) or series_modality(row.modalities)
            reading, used, _ = self.read(modality, [row.description], None, row.modalities, whole_study=False)
            if reading.phrases:
                signature = _signature(reading.attributes(used), reading.laterality_value)
                votes.setdefault(signature, Counter())[row.code] += 1
        return votes

    def _votes(self, signature: tuple[Any, ...], code: str, confidence: float, rule: str) -> tuple[str, float, str]:
        """Table rows read the same way vote: their code confirms the reading's, or replaces it (with less
        confidence) when MIDRC's convention differs (e.g. which portable chest code)."""
        votes = self.votes.get(signature)
        if not votes:
            return code, confidence, rule
        c = self.policy.confidence
        winner, n = votes.most_common(1)[0]
        total = sum(votes.values())
        share = n / total
        strong = total >= 2 and share >= 0.75
        label = f"midrc-reading:{n}/{total}"
        if winner == code:
            return code, max(confidence, c["reading_votes"] if strong else c["reading_vote_weak"]), f"{rule}+{label}"
        if not strong:  # a split or single row does not overrule the reading
            return code, confidence, rule
        return winner, c["reading_votes"] - c["reading_vote_disagrees"], f"{label}(playbook:{code})"

    def _families(self, modality: str | None, others: frozenset[str]) -> frozenset[str]:
        """The header families a series of `modality` is read with, in a study of the modalities `others`
        (_study_modalities)."""
        families = set(self.lexicon.families(modality))
        if modality in ("CT", "PT") and {"CT", "PT"} <= (others | {modality}):
            families.add("PT+CT")
        elif modality == "PT" and others:  # a study of PET series alone: a PET/CT code only where one is said
            families.discard("PT+CT")
        if modality == "CT" and others & {"NM", "ST"}:  # the CT of a SPECT/CT study carries the study's procedure
            families.update(self.lexicon.families("NM"))
        return frozenset(families)

    def _modality(self, reading: Reading, families: frozenset[str], pet_ct_study: bool = False) -> str | None:
        """The Playbook modality the reading is coded in; `pet_ct_study`: the study holds CT and PT series."""
        said = reading.modalities
        if not families:
            if not said and reading.views.said:
                return "XR"  # views and projections are said of radiographs
            return next(iter(sorted(said)), None)
        if "PT+CT" in said and families & {"CT", "PT"}:  # "PET/CT ... WITH CT": the study is the PET/CT
            return "PT+CT"
        if "SPECT" in said and families & {"NM", "SPECT"}:  # "NM HEART ... SPECT": the tomographic study
            return "SPECT"
        for m in sorted(said):
            if m in families or (m == "CT" and pet_ct_study and not said & {"PT", "PT+CT"}):
                # (a PET/CT study's CT described alone)
                return m
        if said & {"PT", "PT+CT"} and families & {"CT", "PT"}:
            return "PT+CT"
        if "SPECT" in said and families & {"NM", "CT"}:
            return "SPECT"
        if said - {"PT", "PT+CT"} and not said & families:
            reading.conflicts.append("modality")
        if "XA" in families and (not reading.qualifiers or "angio" in reading.qualifiers):
            # an XA series' angiogram (CEREBRAL ANGIOGRAM), or its study naming no purpose (XA_Pelvis): a fluoroscopic
            # angiogram's codes (RFA); another purpose (XA_Biopsy_Bone): fluoroscopy's
            return "XA"
        return sorted(families, key=lambda f: (f in ("PT+CT", "SPECT"), f))[0]

    def _rank(self, reading: Reading, modality: str | None, families: frozenset[str]) -> list[tuple[Procedure, Score]]:
        allowed = set(families) | ({modality} if modality else set())
        if modality == "PT+CT":  # a PET code only where the study holds PET series (a CT study named PET/CT: not); a
            # CT code only where the series may be the CT, whose families hold CT already (a PET series: none)
            allowed |= {"CT", "PT"} if not families else ({"PT"} if families & {"PT", "PT+CT"} else set())
        codes = ([p for m in sorted(allowed) for p in self._by_modality.get(m, ())] if allowed
                 else list(self.catalogue.values()))
        scored = [(p, self._score(reading, p, modality)) for p in codes]
        # a code whose modality, purpose, tracer or timing the description contradicts (DOTATATE against an FDG
        # code) is not a candidate while any code is not contradicted so
        scored.sort(key=lambda ps: (bool({"qualifiers", "timing", "modality"} & set(ps[1].contradicted)), -ps[1].value,
                                    ps[0].code))
        # among the closest codes, one that keeps the purpose said (angio, arthrogram...) comes before one that
        # drops it ("CTA Thoracic Aorta" before "CT Thoracic Aorta W contrast IV" for a thoracic aneurysm CTA)
        # (one naming no region unsaid first: "腹主动脉MRA" is "MRA Abdominal vessels", not the thoracoabdominal
        # aorta's; FDG alone, a PET's usual tracer, does not bring one naming a region unsaid: "PET CT BRAIN FDG"
        # is "PT Brain", not the head and neck's FDG code)
        kept = reading.qualifiers | {"PET"}  # and a PET/CT's PET ("PET-CT NATIV": "PT", not "CT ... WO contrast")
        if scored and (dropped_kept := self.dropped(reading, scored[0][0]) & kept):
            def keeps_said(p: Procedure, *, within: bool) -> bool:
                return (("UNSPECIFIED" not in p.regions or not reading.regions)
                        and not self.dropped(reading, p) & kept
                        and not ((within or dropped_kept == {"fdg"}) and reading.regions
                                 and self.unsaid_regions(reading, p)))
            if not _promote(scored, lambda p: keeps_said(p, within=True)):
                _promote(scored, lambda p: keeps_said(p, within=False))
        # so does a code of a region containing the several regions said before one naming a part unsaid beside
        # them (thoracolumbar spine: "MR Spine" before "MR Cervical and thoracic and lumbar spine")
        if scored and len(reading.regions) > 1 and (best_unsaid := self.unsaid_regions(reading, scored[0][0])):
            best = scored[0][0]
            unsaid_by_best = self.unsaid(reading, best) - best_unsaid
            dropped_by_best = self.dropped(reading, best) | reading.regions  # (each said part: inside the code's)
            def keeps(p: Procedure, *, exactly: bool) -> bool:
                return (p.modality == best.modality and "UNSPECIFIED" not in p.regions
                        and not self.unsaid(reading, p) - unsaid_by_best
                        and not self.dropped(reading, p) - dropped_by_best
                        and all(any(c == r if exactly else c in self.lexicon.ancestors(r) for c in p.regions)
                                for r in reading.regions))
            _promote(scored, lambda p: keeps(p, exactly=False))
            _promote(scored, lambda p: keeps(p, exactly=True))  # the regions said, and no more, before either
        # so does a code of a region said with a part of it, stating nothing unsaid, before the part's code stating
        # a contrast or a side unsaid (ABD/RENAL: "CT Abdomen" before "CT Kidney WO and W contrast IV")
        if scored and reading.containers_given_way:
            if self.unsaid(reading, scored[0][0]) & {"contrast", "laterality"}:
                self._promote_containing(scored, reading, reading.containers_given_way)
        # and a code of the region holding several parts said, where the closest codes name them together, each
        # stating a contrast or a side unsaid (CT Thoracic and Lumbar Spine, 全脊柱CT: "CT Spine" before those and
        # before "CT Lumbar spine", as close, which drops the thoracic spine)
        elif holding := self._holding(reading, scored):
            self._promote_containing(scored, reading, holding)
        # so does a whole-body code where the whole body is said with a part of it (PET-CT 头部+全身: the head and the
        # whole body) before the part's code, which drops the whole body
        if scored and "WHOLEBODY" in self.dropped(reading, scored[0][0]):
            best = scored[0][0]
            _promote(scored, lambda p: p.modality == best.modality and "WHOLEBODY" in p.regions
                     and not self.dropped(reading, p) and not self.unsaid(reading, p))
        # so does one that keeps the breathing or stress phases said ("HRCT CHEST INSP/EXP": the inspiration and
        # expiration code before the chest's without contrast that a high-resolution CT implies)
        if scored and reading.timing and not reading.timing <= scored[0][0].timing:
            dropped_by_best = self.dropped(reading, scored[0][0])
            _promote(scored, lambda p: reading.timing <= p.timing
                     and not self.dropped(reading, p) - dropped_by_best)
        return scored

    def _promote_containing(self, scored: list[tuple[Procedure, Score]], reading: Reading,
                            containers: set[str] | frozenset[str]) -> None:
        """Move first the codes of the best code's modality whose regions are among those said and `containers`,
        naming each region said or one holding it, stating nothing unsaid but a container and dropping no more
        than a region said."""
        best = scored[0][0]
        _promote(scored, lambda p: p.modality == best.modality and bool(p.regions)
                 and p.regions <= reading.regions | containers
                 and self.unsaid(reading, p) <= containers
                 and self.dropped(reading, p) <= reading.regions
                 and all(any(c == r or c in self.lexicon.ancestors(r) for c in p.regions) for r in reading.regions))

    def _holding(self, reading: Reading, scored: list[tuple[Procedure, Score]]) -> set[str]:
        """The regions holding every one of several parts said (TSPINE, LSPINE: SPINE; the whole body aside), where
        codes of the best code's modality name those parts together, each stating a contrast or a side unsaid, and
        one of them is as close as the best."""
        if len(reading.regions) < 2 or not scored:
            return set()
        best, best_score = scored[0]
        together = [(p, s) for p, s in scored if p.modality == best.modality and p.regions == reading.regions]
        if (not together or any(not self.unsaid(reading, p) & {"contrast", "laterality"} for p, _ in together)
                or max(s.value for _, s in together) < best_score.value):
            return set()
        return set(frozenset.intersection(*map(self.lexicon.ancestors, reading.regions))) - {"WHOLEBODY", "UNSPECIFIED"}

    def _score(self, reading: Reading, p: Procedure, modality: str | None) -> Score:
        w = self.policy.weights
        implied: list[str] = []
        assumed: list[str] = []
        parts: list[tuple[float, float]] = []

        def pick(name: str, said: Any) -> tuple[Any, str]:
            if said:
                return said, ""
            if name in reading.implied:
                return reading.implied[name], "implied"
            if name in reading.assumed:
                return reading.assumed[name], "assumed"
            return None, ""

        def note(how: str, name: str, matched: bool) -> None:
            if matched and how == "implied":
                implied.append(name)
            elif matched and how == "assumed":
                assumed.append(name)

        # modality
        if p.modality == modality:
            ms = 1.0
        elif p.modality is None or modality is None:
            ms = 0.5
        elif {p.modality, modality} <= {"PT", "PT+CT"}:
            ms = 0.9
        else:
            ms = 0.8
        parts.append((w["modality"], ms))
        # regions
        regions, how = pick("regions", reading.regions)
        rs = self._regions(set(regions or ()), set(p.regions))
        if regions and p.modality in WHOLE_BODY_MODALITIES and "WHOLEBODY" in p.regions:
            rs = max(rs, (_MORE_SPECIFIC[1] + _LESS_SPECIFIC[1]) / 2)  # the whole body as every region's parent
        if how == "assumed" and ("UNSPECIFIED" in p.regions or rs >= 0.99):
            # a guessed region (a PET's whole body): the unspecified-region code says no more than the text
            rs = 0.95 if "UNSPECIFIED" in p.regions else 0.9
        note(how, "regions", rs >= 0.9 and "UNSPECIFIED" not in p.regions)
        parts.append((w["regions"], rs))
        # contrast
        contrast, how = pick("contrast", reading.contrast_value)
        cs = _contrast_score(contrast, p.contrast)
        if contrast and p.contrast is None and any(
                self.policy.contrast_of_purpose.get(q) == contrast for q in p.qualifiers):
            cs = 1.0  # the contrast the code's purpose is made with (an arthrogram's, in the joint)
        if how == "assumed" and p.contrast in (None, contrast):
            # a guessed phase: a code silent on contrast says no more than the text (CTA chest)
            cs = 0.95 if p.contrast is None else 0.9
        note(how, "contrast", p.contrast is not None and contrast == p.contrast)
        parts.append((w["contrast"] if p.modality in CONTRAST_MODALITIES else w["contrast_other"], cs))
        # qualifiers
        qs, used_implied, used_assumed = self._qualifiers(reading, p)
        if used_implied:
            implied.append("qualifiers")
        if used_assumed:
            assumed.append("qualifiers")
        parts.append((w["qualifiers"], qs))
        # views
        views, how = pick("views", reading.views if reading.views.said else None)
        if isinstance(views, str):
            views = Views.parse(views)
        if how and not isinstance(views, Views):
            views = None
        if how and isinstance(views, Views) and "projections" in (reading.implied if how == "implied"
                                                                 else reading.assumed):
            source = reading.implied if how == "implied" else reading.assumed
            views = Views(views.low, views.high, frozenset(source["projections"]))
        elif not how and reading.views.low is None and reading.views.projections and (
                "views" in reading.implied or "views" in reading.assumed):  # said projections, a default count
            how = "implied" if "views" in reading.implied else "assumed"
            count = Views.parse((reading.implied if how == "implied" else reading.assumed)["views"])
            views = Views(count.low, count.high, reading.views.projections)
        elif not how and not reading.views.said:
            source = reading.implied if "projections" in reading.implied else reading.assumed
            if "projections" in source:
                how = "implied" if source is reading.implied else "assumed"
                views = Views(projections=frozenset(source["projections"]))
        # the usual frontal view: PA for the erect chest, AP at the bedside and for the other regions
        usual = "PA" if "CHEST" in p.regions and "portable" not in p.qualifiers else "AP"
        vs = _views_score(views if isinstance(views, Views) else Views(), p.views, usual)
        note(how, "views", vs >= 0.99 and p.views.said)
        parts.append((w["views"] if p.modality in VIEW_MODALITIES else w["views_other"], vs))
        # a modality the description names, other than the code's ("NM HEART ... SPECT" on the CT of the study)
        said_modalities = {kin for named in reading.modalities for kin in _MODALITY_KIN.get(named, {named})}
        modality_contradicted = bool(said_modalities) and p.modality is not None and p.modality not in said_modalities
        contradicted = ["modality"] if modality_contradicted else []
        contradicted += [name for name, said, score in (
            ("regions", bool(reading.regions) and not reading.region_from_header, rs),
            ("contrast", bool(reading.contrast), cs),
            ("views", reading.views.said, vs),
        ) if said and score <= CONTRADICTION]
        # laterality
        laterality, how = pick("laterality", reading.laterality_value)  # HIPS: both, unless a side is said
        ls = _laterality_score(laterality, p.laterality)
        note(how, "laterality", p.laterality is not None and laterality == p.laterality)
        if reading.laterality and ls <= CONTRADICTION:
            contradicted.append("laterality")
        parts.append((w["laterality"], ls))
        contrary = self.policy.contradicting_qualifiers
        if any(p.qualifiers & contrary.get(q, frozenset()) for q in reading.qualifiers):
            contradicted.append("qualifiers")
        # timing
        timing, how = pick("timing", reading.timing)
        ts = _set_score(set(timing or ()), set(p.timing))
        note(how, "timing", bool(p.timing) and ts >= 0.99)
        if reading.timing and p.timing and not reading.timing & p.timing:
            contradicted.append("timing")  # a rest-only study and a stress code
        parts.append((w["timing"], ts))
        total = sum(weight for weight, _ in parts)
        value = sum(weight * s for weight, s in parts) / total
        value += w["prior"] * self.prior.get(p.code, 0.0)
        return Score(value, tuple(implied), tuple(assumed), tuple(contradicted))

    def _regions(self, said: set[str], code: set[str]) -> float:
        if "UNSPECIFIED" in code or not code:
            return 1.0 if not said else 0.15
        if not said:
            return 0.2
        key = (frozenset(said), frozenset(code))
        score = self._region_scores.get(key)
        if score is None:
            if len(self._region_scores) > 200_000:  # pairs of region sets: bounded, cleared when full
                self._region_scores.clear()
            said = self.lexicon.as_parts(said, code)  # a region whose parts the code names every one of
            score = self._region_scores[key] = (self._cover(said, code) + self._cover(code, said)) / 2
        return score

    def _cover(self, these: set[str], those: set[str]) -> float:
        """How well each region of `these` is matched in `those`: 1 same, less for a containing or contained
        region, the less the further apart in the anatomy tree."""
        total = 0.0
        for r in these:
            best = 0.0
            for other in those:
                if r == other:
                    best = 1.0
                    break
                if (d := self.lexicon.depth(r, other)) is not None:
                    best = max(best, _MORE_SPECIFIC[min(d, 3)])  # r lies inside other
                elif (d := self.lexicon.depth(other, r)) is not None:
                    best = max(best, _LESS_SPECIFIC[min(d, 3)])  # r contains other
            total += best
        return total / len(these)

    def _qualifiers(self, reading: Reading, p: Procedure) -> tuple[float, bool, bool]:
        weights = self.policy.qualifier_weights
        implied = set(reading.implied.get("qualifiers", ()))
        assumed = set(reading.assumed.get("qualifiers", ()))
        said = reading.qualifiers
        penalty = 0.0
        used_implied = used_assumed = False
        for q in p.qualifiers:
            if q in said:
                continue
            if q in implied:
                used_implied = True
            elif q in assumed:
                used_assumed = True
            else:
                penalty += 0.5 * weights.get(q, 1.0)
        for q in said - p.qualifiers:
            penalty += 0.25 * weights.get(q, 1.0)
        for q in implied - said - p.qualifiers:
            penalty += 0.25 * weights.get(q, 1.0)
        for q in assumed - said - implied - p.qualifiers:
            penalty += 0.1 * weights.get(q, 1.0)
        return max(0.0, 1.0 - penalty), used_implied, used_assumed

    def _table(
        self,
        texts: Sequence[str | None],
        modality: str | None,
        reading: Reading,
        ranked: Sequence[tuple[Procedure, Score]],
    ) -> tuple[str, float, str] | None:
        c = self.policy.confidence
        keys = [key(t) for t in texts if t and key(t) not in BLANKS]
        if not keys and not reading.regions:
            keys = [""]  # nothing said at all: MIDRC's blank rows (unspecified body region)
        for k in keys[:2]:  # StudyDescription, then RequestedProcedureDescription (else SeriesDescription)
            rows = [r for r in self.table.get(k, ()) if _compatible(r.modalities, modality)]
            if not rows:
                continue
            codes = {r.code for r in rows}
            source = "midrc-adjudicated" if any(r.midrc_code for r in rows) else "midrc"
            lines = "+".join(f"L{r.line}" for r in sorted(rows, key=lambda r: r.line)[:3])
            if k == "":
                code = Counter(r.code for r in rows).most_common(1)[0][0]
                return code, c["table_blank"], f"{source}:{lines}"
            if len(codes) == 1:
                return rows[0].code, c["table_exact"], f"{source}:{lines}"
            order = {p.code: i for i, (p, _) in enumerate(ranked)}
            code = min(codes, key=lambda cd: order.get(cd, len(order)))
            return code, c["table_conflict"], f"{source}:{lines}"
        return None

    def _confidence(self, reading: Reading, ranked: Sequence[tuple[Procedure, Score]]) -> tuple[str, float, str]:
        c = self.policy.confidence
        best, score = ranked[0]
        # a runner-up the description contradicts, one stating what it does not say, or one that is no
        # alternative to the best code (_no_alternative) competes with nothing
        runner = next((s.value for p, s in ranked[1:]
                       if p.code != best.code and not s.contradicted and not self.unsaid(reading, p)
                       and not _no_alternative(best, score, p, s)), 0.0)
        confidence = min(score.value, 1.0)
        confidence -= c["implied_penalty"] * len(score.implied)
        confidence -= c["assumed_penalty"] * len(score.assumed)
        confidence -= c["conflict_penalty"] * len(reading.conflicts)
        if reading.region_from_header:
            confidence -= c["region_from_header"]
        gap = score.value - runner
        if gap < c["ambiguity_margin"]:
            confidence -= c["ambiguity_slope"] * (c["ambiguity_margin"] - gap)
        confidence = max(0.0, min(c["parse_cap"], confidence))
        if reading.region_from_header:  # the header alone is never as sure as a reading of the text
            confidence = min(confidence, c["parse_cap"] - c["region_from_header"])
        if score.contradicted:  # the closest code still says otherwise: never emitted
            confidence = min(confidence, c["contradiction_cap"])
        if not reading.phrases and not reading.region_from_header:  # not one word understood
            confidence = min(confidence, c["not_understood_cap"])
        how = "playbook" + (f"+contradicts:{','.join(score.contradicted)}" if score.contradicted else "")
        if not reading.phrases:
            how += "+not_understood"
        if score.assumed:
            how += "+assumed:" + ",".join(score.assumed)
        elif score.implied:
            how += "+implied:" + ",".join(score.implied)
        return best.code, confidence, how


def _no_alternative(best: Procedure, best_score: Score, other: Procedure, other_score: Score) -> bool:
    """Whether `other` is no alternative to `best` in a family of close codes: it states less than `best`, whose
    more came from the description and not a weak default ("XR Cervical spine GE 2 Views" beside "GE 4 Views"
    for "min 4 views"), or it states more than `best` only through a weak default ("MRA Head vessels W
    contrast IV", contrast assumed for an MR angiogram, beside "MRA Head vessels")."""
    if _states_within(other, best) and not best_score.assumed:
        return True
    return _states_within(best, other) and bool(other_score.assumed)


def _states_within(a: Procedure, b: Procedure) -> bool:
    """Every attribute code `a` states, code `b` states alike (b may state more); same modality and regions."""
    if (a.modality, a.regions) != (b.modality, b.regions) or a.code == b.code:
        return False
    if a.contrast not in (None, b.contrast) or a.laterality not in (None, b.laterality):
        return False
    if not (a.timing <= b.timing and a.qualifiers <= b.qualifiers):
        return False
    if not a.views.said:
        return True
    if not a.views.projections <= b.views.projections | _unsided(b.views.projections):
        return False  # (a decubitus view with its side open is within one with a side)
    a_count, b_count = _count(a.views), _count(b.views)
    return a_count is None or (b_count is not None and _range_relation(b_count, a_count) in ("same", "inside"))


def _signature(a: PlaybookAttributes, laterality: str | None) -> tuple[Any, ...]:
    """What makes two readings alike for MIDRC's votes (the reading's laterality: one side unsaid included)."""
    return (a.modality, tuple(a.regions), a.contrast, laterality, a.views, tuple(a.timing), tuple(a.qualifiers))


def series_modality(modalities: Iterable[str]) -> str | None:
    """The modality a series of a study of these modalities is mapped with: a PET/CT study's PT, else the first
    (a labelled row or table row names its study's modalities, not its series')."""
    mods = sorted(modalities)
    return ("PT" if "PT" in mods else mods[0]) if mods else None


def _study_modalities(modalities: Iterable[str]) -> frozenset[str]:
    """A study's modalities, upper case; MIDRC's table names a PET/CT study CTPT: a study of CT and PT series."""
    study = frozenset(m.strip().upper() for m in modalities) - {""}
    return (study - {"CTPT"}) | {"CT", "PT"} if "CTPT" in study else study


def _compatible(row_modalities: frozenset[str], modality: str | None) -> bool:
    if not row_modalities or modality is None:
        return True
    if modality in row_modalities:
        return True
    return "CTPT" in row_modalities and modality in ("CT", "PT")


def _contrast_score(said: str | None, code: str | None) -> float:
    if said == code:
        return 1.0
    if said is None:
        return 0.5
    if code is None:
        return 0.6
    if "WO_W" in (said, code):  # "WO and W" states a phase the text does not (or leaves one out)
        return 0.15
    return 0.0


def _laterality_score(said: str | None, code: str | None) -> float:
    if said == code:
        return 1.0
    if code is None:
        return 0.7
    if code == UNILATERAL and said in ("left", "right"):
        return 0.8  # true, but says less than the side said (more than a code of no side)
    if said is None:
        return 0.25 if code == UNILATERAL else 0.3  # nothing said: one side is the less likely guess
    return 0.0


def _set_score(said: set[str], code: set[str]) -> float:
    if said == code:
        return 1.0
    missing = len(code - said)
    extra = len(said - code)
    return max(0.0, 1.0 - 0.7 * missing - 0.3 * extra)


#: Playbook modalities a description naming one may be coded with (a PET study's CT, a SPECT study's NM code).
_MODALITY_KIN: dict[str, set[str]] = {
    "PT": {"PT", "PT+CT", "CT"}, "CT": {"CT", "PT+CT"}, "PT+CT": {"PT+CT", "PT", "CT"},
    "NM": {"NM", "SPECT"}, "SPECT": {"SPECT", "NM"}, "RF": {"RF", "XA"}, "XA": {"XA", "RF"},
}
_POSITIONS = frozenset({"SUPINE", "UPRIGHT"})
_FRONTAL_VIEWS = frozenset({"AP", "PA", "AP_OR_PA", "FRONTAL"})
#: Views of a joint or the spine bent forward and back, which codes add to views left open ("Views W flexion").
_BENT_VIEWS = frozenset({"FLEXION", "EXTENSION"})
_SIDED_DECUBITUS = frozenset({"LEFT_DECUBITUS", "RIGHT_DECUBITUS"})
#: Views beyond a region's routine ones: a code's count of routine views (2 Views: PA and lateral) leaves them out.
_SPECIAL_VIEWS = (frozenset({"DECUBITUS", "LORDOTIC", "SUNRISE", "MERCHANT", "TUNNEL", "ROSENBERG"})
                  | _SIDED_DECUBITUS | _BENT_VIEWS)
#: Views named after their author or their path (the skull's and sinuses', the teeth's): a code naming one needs it
#: said, a count or other views said do not imply it.
_EPONYMOUS_VIEWS = frozenset({"WATERS", "CALDWELL", "TOWNE", "SUBMENTOVERTEX", "BITEWING", "OCCLUSAL"})
#: How a lateral view is taken (across the table, frog-leg): not a view of its own.
_VIEW_MANNERS = frozenset({"CROSSTABLE", "FROG"})


def _count(v: Views) -> tuple[int, int | None] | None:
    """The view count a reading gives, explicitly or through the projections it names."""
    if v.low is not None:
        return v.low, v.high
    if not v.projections:
        return None
    views = _frontal_open(v.projections - _POSITIONS - _VIEW_MANNERS)
    if "FRONTAL" in views and views & {"AP", "PA"}:
        views -= {"FRONTAL"}
    if "OBLS" in views:  # both obliques
        views = (views - {"OBL", "OBLS"}) | {"OBL_LEFT", "OBL_RIGHT"}
    n = max(len(views), len(v.projections & _POSITIONS))
    return n, n


def _views_score(said: Views, code: Views, usual_frontal: str = "AP") -> float:
    """Views agreement: the mean of a count part and a projection part, where either side says anything."""
    if not said.said and not code.said:
        return 1.0
    if not said.said:
        return 0.6
    if not code.said:
        return 0.7
    if said.projections & _SPECIAL_VIEWS and not code.projections & _SPECIAL_VIEWS:
        # "PA WITH DECUBITUS" is not "2 Views" (PA and lateral); "DECUBITUS 1 VIEW" may be "Single view", after
        # a code naming the view
        return 0.8 if said.low == said.high == code.low == code.high == 1 else 0.3
    sc, cc = _count(said), _count(code)
    if said.low is not None and code.low is not None:
        count: float | None = _range_score(sc or (0, 0), cc or (0, 0))
    elif said.low is None and code.low is None:
        count = None  # neither gives a number: the projections say it all
    elif sc is not None and cc is not None:  # one count comes from named projections
        # a count range that the other side's projections fall in agrees when the description names them
        # too ("series, flat and erect" is a supine and an upright view)
        agreement = _range_score(sc, cc)
        consistent = agreement > 0.0 if said.projections and code.projections else agreement >= 0.85
        # views the description names one by one that make the code's count exactly ("IR/ER/GRASHEY/Y/AXILLARY"
        # is "5 Views"; "3 VIEWS (AP, Y, AXILLARY)" is "AP and Axillary and Y"), or a count said with the one
        # position the code names ("UPRIGHT, 1 VIEW" is "XR Abdomen Upright"), are closer than a range holding them
        named_exactly = agreement == 1.0 and (
            (len(said.projections - _POSITIONS) > 1 and said.low is None) or said.projections == code.projections)
        count = (0.9 if named_exactly else 0.8) if consistent else 0.2
    else:
        count = 0.8
    if (code.low is None and code.projections and code.projections <= _BENT_VIEWS
            and code.projections <= said.projections and said.projections - code.projections):
        projections = 0.85  # "Views W flexion and W extension": the routine views open, the bent ones kept
    elif said.projections and code.projections:
        projections = _projection_score(said.projections, code.projections, usual_frontal)
    elif said.projections or code.projections:
        projections = 0.8 if said.projections else 0.7
    else:
        projections = 1.0
    if count is None:
        return projections
    return 0.0 if count == 0.0 else (count + projections) / 2  # a count outside the code's range contradicts it


def _count_unsaid(said: Views, code: Views) -> bool:
    """The code's view count is narrower than, yet overlaps, the count the text gives (min 2 against GE 3), and
    the text does not name the code's projections."""
    if code.projections and said.projections and code.projections <= said.projections:
        return False
    sc, cc = _count(said), _count(code)
    return sc is not None and cc is not None and _range_relation(sc, cc) == "overlap"


def _range_relation(said: tuple[int, int | None], code: tuple[int, int | None]) -> str:
    """`same`, `inside` (the code's range holds the text's), `overlap` (the code states a count the text leaves
    open) or `apart`."""
    if said == code:
        return "same"
    s_hi = said[1] if said[1] is not None else 99
    c_hi = code[1] if code[1] is not None else 99
    if code[0] <= said[0] and s_hi <= c_hi:
        return "inside"
    if said[0] <= c_hi and code[0] <= s_hi:
        return "overlap"
    return "apart"


_RANGE_SCORES = {"same": 1.0, "inside": 0.85, "overlap": 0.3, "apart": 0.0}


def _range_score(said: tuple[int, int | None], code: tuple[int, int | None]) -> float:
    return _RANGE_SCORES[_range_relation(said, code)]


def _projection_score(said: frozenset[str], code: frozenset[str], usual_frontal: str = "AP") -> float:
    """Projections agreement. A frontal view (正位) is the region's usual one (`usual_frontal`); "AP or PA" says
    neither, so a code stating AP or PA states more than it."""
    if said == code:
        return 1.0
    said_positions, code_positions = said & _POSITIONS, code & _POSITIONS
    if said_positions > code_positions and said & _FRONTAL_VIEWS:
        # a position the code leaves open (AP SUPINE against "AP"; AP and lateral, supine and upright, against
        # "AP and Lateral W standing"): the views decide, a little less sure, the more so with no position stated
        views = _projection_score((said - said_positions) | code_positions, code, usual_frontal)
        return min(0.92 if code_positions else 0.9, views)
    if (usual_frontal == "PA" and code_positions == {"UPRIGHT"} and not said_positions and "PA" in said
            and said == code - code_positions):
        return 0.9  # a PA chest film is taken erect: "CHEST PA" is "XR Chest PA upright"
    s, c = set(said), set(code)
    if "AP_OR_PA" in s:
        s, unsaid_frontal = _frontal_open(s), {"AP", "PA"}
    else:
        unsaid_frontal = {"AP", "PA"} - {usual_frontal} if "FRONTAL" in s else set()
    if "FRONTAL" in s:
        s = (s - {"FRONTAL"}) | ({"AP", "PA"} & c or {"AP"})
    if s == c or ("OBLS" in s and "OBL" in c and (s - {"OBLS"}) | {"OBL"} == c):
        return 0.5 if unsaid_frontal & c else 0.85  # (a code's "oblique" may be both obliques)
    said_sides, code_sides = s & _SIDED_DECUBITUS, c & _SIDED_DECUBITUS
    if _unsided(s) == _unsided(c) and not (said_sides and code_sides):
        # a decubitus view's side said where the code leaves it open (0.85), or stated by the code only (0.6)
        return 0.85 if said_sides else 0.6
    if said_sides and code_sides and not (said_sides <= code_sides or code_sides <= said_sides):
        return 0.1  # left against right decubitus
    if s <= c or c <= s:
        return 0.6
    return 0.1


def _frontal_open(projections: set[str] | frozenset[str]) -> set[str]:
    """Projections with "AP or PA" read as a frontal view whose direction is left open."""
    return {"FRONTAL" if p == "AP_OR_PA" else p for p in projections}


def _unsided(projections: set[str] | frozenset[str]) -> set[str]:
    """Projections with a decubitus view's side left open."""
    return {"DECUBITUS" if p in _SIDED_DECUBITUS else p for p in projections}


# ---------------------------------------------------------------- the default mapper


@cache
def default_lexicon() -> Lexicon:
    return load_lexicon(VOCABULARY_DIR)


def build_mapper(
    *,
    policy: Policy | None = None,
    reviewed: ReviewedRules | None = None,
    exclude_keys: Iterable[str] = (),
    directory: Path = VOCABULARY_DIR,
    catalogue_sources: Iterable[str] = CATALOGUE_SOURCES,
) -> ProcedureMapper:
    """A mapper over the bundled vocabulary (the bench excludes its held-out descriptions, and measures label
    sets made against MIDRC's codes with `catalogue_sources=("midrc",)`)."""
    table = read_midrc_table(directory)
    return ProcedureMapper(
        lexicon=default_lexicon() if directory == VOCABULARY_DIR else load_lexicon(directory),
        catalogue=read_catalogue(directory, catalogue_sources), table=table, policy=policy or default_policy(),
        reviewed=reviewed, exclude_keys=exclude_keys,
    )
