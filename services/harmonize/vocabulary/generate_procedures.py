"""Regenerate loinc_procedures.csv: the catalogue of LOINC procedure codes with their Playbook attributes.

Two sources, each code marked with its `source`:

- `midrc`: every LOINC code of MIDRC's two files (the codes MIDRC's sites used);
- `playbook`: the LOINC radiology procedure codes of `loinc_radiology_codes.tsv` (LOINC/RSNA Radiology
  Playbook codes with their long common names) whose name the vocabulary reads completely: a code whose
  name has a word the reader does not know (an eponymous view, a tracer, a purpose) is left out rather than
  read as something less than it says, a code naming no anatomy ("US.doppler Vessels"), and a code whose
  attributes are those of a code already in (MIDRC's first, then the lower code number).

The attributes are read from each code's LOINC long common name with the same reader that reads
descriptions (procedure.py + procedure_terms.yaml), so a code and a description are compared in the same
terms. The modality is the name's first word(s) (CT, CTA, Portable XR, PET+CT...).
`tests/unit/harmonize/test_procedure_vocabulary.py` checks the result against the contrast timing and
method of MIDRC's filtering-attributes file and that the committed CSV is current.

Run: python -m services.harmonize.vocabulary.generate_procedures [--report]
(--report lists the words that keep Playbook codes out, most frequent first.)
"""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from services.harmonize.procedure import (
    CATALOGUE_FILE,
    Lexicon,
    Reading,
    load_lexicon,
    read_midrc_names,
    read_playbook_list,
    read_text,
)
from services.harmonize.text import compact, tokens

DIRECTORY = Path(__file__).parent
COLUMNS = ("loinc", "long_common_name", "modality", "regions", "contrast", "laterality", "views", "projections",
           "timing", "qualifiers", "source")
#: Preference when a name names several modalities (PET+CT names also say CT).
MODALITY_ORDER = ("PT+CT", "SPECT", "PT", "NM", "MG", "US", "MR", "CT", "RF", "XR", "XA")
#: Columns that make two codes the same procedure for the mapper.
SIGNATURE = COLUMNS[2:10]


def read_name(name: str, lexicon: Lexicon) -> tuple[dict[str, str], Reading]:
    """A LOINC long common name read as Playbook attributes (catalogue columns), with the reading."""
    first = read_text(name, (), lexicon)
    modality = next((m for m in MODALITY_ORDER if m in first.modalities), "")
    reading = read_text(name, (modality,) if modality else (), lexicon)
    views = reading.views
    count = ""
    if views.low is not None:
        count = str(views.low) if views.high == views.low else (
            f">={views.low}" if views.high is None else f"{views.low}-{views.high}")
    return {
        "modality": modality,
        "regions": " ".join(sorted(reading.regions)),
        "contrast": reading.contrast_value or "",
        "laterality": reading.laterality_value or "",
        "views": count,
        "projections": " ".join(sorted(views.projections)),
        "timing": " ".join(sorted(reading.timing)),
        "qualifiers": " ".join(sorted(reading.qualifiers)),
    }, reading


@dataclass
class Catalogue:
    rows: list[dict[str, str]] = field(default_factory=list)
    unread: Counter[str] = field(default_factory=Counter)  # word -> Playbook codes it keeps out
    left_out_unread: int = 0
    left_out_same: int = 0
    left_out_vague: int = 0  # no modality, no anatomy, or a misread word, side or contrast


#: Words a description may carry without meaning, which a code's name does not use idly.
NAME_FUNCTION_WORDS = frozenset({"AND", "THE", "FOR"})


def _misread(name: str, attrs: dict[str, str], reading: Reading, lexicon: Lexicon) -> bool:
    """A reading the reader makes of a description's words but a code's name means otherwise: a word silent in
    descriptions ("XR Finger second", "NM Bone Limited Views", "for radiation treatment"), a side on an
    unpaired region ("XR Chest PA and Right lateral" is a view), contrast from a radionuclide ("W Ga-67 IV")."""
    read = " ".join("".join(tokens(phrase)) for phrase in reading.phrases)  # phrases match their words joined
    if any(w in lexicon.silent_words and w not in read for w in set(tokens(name)) - NAME_FUNCTION_WORDS):
        return True
    sided = set(attrs["regions"].split()) & lexicon.sided_regions
    if attrs["laterality"] and not sided:
        return True
    return bool(attrs["contrast"]) and "contrast" not in name.lower()


def _default_only_phrases(lexicon: Lexicon) -> frozenset[str]:
    """Latin phrases a description's reading takes as a default only (a term meaning nothing that implies something:
    DYNAMIC, with contrast): in a code's name they name more than that (a dynamic series), so the name is left out
    rather than read as the plain code."""
    return frozenset(phrase for phrase, terms in lexicon.phrases.latin.items()
                     if terms and all(not t.means and t.implies for t in terms))


def _code_number(code: str) -> tuple[int, int]:
    number, _, check = code.partition("-")
    return int(number), int(check or 0)


def build(directory: Path = DIRECTORY) -> Catalogue:
    lexicon = load_lexicon(directory)
    default_only = _default_only_phrases(lexicon)
    out = Catalogue()
    signatures: set[tuple[str, ...]] = set()
    midrc = read_midrc_names(directory)
    for code, name in midrc.items():
        attrs = read_name(name, lexicon)[0]
        signatures.add(tuple(attrs[c] for c in SIGNATURE))
        out.rows.append({"loinc": code, "long_common_name": name, **attrs, "source": "midrc"})
    for code, name in sorted(read_playbook_list(directory).items(), key=lambda kv: _code_number(kv[0])):
        if code in midrc:
            continue
        attrs, reading = read_name(name, lexicon)
        if reading.unread or reading.conflicts or reading.inapplicable:  # (a view word in an MR name)
            out.left_out_unread += 1
            out.unread.update(set(reading.unread) | set(reading.inapplicable))
            continue
        if (not attrs["modality"] or not attrs["regions"] or _misread(name, attrs, reading, lexicon)
                or {compact(phrase) for phrase in reading.phrases} & default_only):
            out.left_out_vague += 1
            continue
        signature = tuple(attrs[c] for c in SIGNATURE)
        if signature in signatures:
            out.left_out_same += 1
            continue
        signatures.add(signature)
        out.rows.append({"loinc": code, "long_common_name": name, **attrs, "source": "playbook"})
    out.rows.sort(key=lambda r: (r["long_common_name"], r["loinc"]))
    return out


def render(directory: Path = DIRECTORY, catalogue: Catalogue | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows((catalogue or build(directory)).rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    c = build()
    (DIRECTORY / CATALOGUE_FILE).write_text(render(catalogue=c), encoding="utf-8")
    if "--report" in argv:
        sources = Counter(r["source"] for r in c.rows)
        print(f"catalogue: {len(c.rows)} codes ({sources['midrc']} midrc, {sources['playbook']} playbook); "
              f"left out: {c.left_out_unread} with unread words, {c.left_out_same} same as a code in, "
              f"{c.left_out_vague} without modality or anatomy, or misread")
        for word, n in c.unread.most_common(60):
            print(f"{n:5d} {word}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
