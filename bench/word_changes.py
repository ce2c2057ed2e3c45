"""Words of the benchmark descriptions whose reading alone changes between two vocabulary versions.

A typed word that is not a vocabulary word is read as one when it is that word cut short, mistyped by one slip
or glued to another (services.harmonize.procedure: read_alone); a slip close to two words of different
meanings is left unread. A new vocabulary word can therefore change how old words are read without any rule
naming them: PULMNARY, read as PULMONARY, is left unread once a word one slip from it means something else.
This lists every such word before the benchmark runs:

- left unread: the base vocabulary read it as other words, the new one leaves it as typed (and it is not itself
  a vocabulary word now);
- read otherwise: both read it, as different words of a different meaning;
- newly read: the base vocabulary left it as typed, the new one reads it as other words.

Both vocabularies are read by the working tree's code: this measures what the vocabulary change does, not a
change of the reading code. Words are the Latin words of at least four letters in every description of
bench/data (the `description` and `StudyDescription` columns), the MIDRC mapping table and the probe
descriptions of the unit tests. Each word is shown with the number of descriptions holding it and their files,
not the descriptions: the label sets' blind halves are not to be read.

Usage (from the repository root): python -m bench.word_changes [--base REF]
REF is a git revision whose services/harmonize/vocabulary is the base (default: the latest vocabulary-* tag
reachable from HEAD, or in a clone without tags the last commit that changed the vocabulary's VERSION); the new
vocabulary is the working tree's. Exit status 0 whatever it finds.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.harmonize.policy import VOCABULARY_DIR  # noqa: E402
from services.harmonize.procedure import (  # noqa: E402
    MIDRC_TABLE,
    Lexicon,
    load_lexicon,
    read_alone,
    read_midrc_table,
    word_meaning,
)
from services.harmonize.text import tokens  # noqa: E402

DATA = ROOT / "bench" / "data"
PROBES = ROOT / "tests" / "unit" / "harmonize" / "data" / "probe_descriptions.csv"
DESCRIPTION_COLUMNS = ("description", "StudyDescription")
SHORTEST_WORD = 4
KINDS = ("left unread", "read otherwise", "newly read")


@dataclass(frozen=True)
class WordChange:
    """One word read differently alone: how the base and the new vocabulary read it."""

    word: str
    kind: str
    base: tuple[str, ...]
    new: tuple[str, ...]


def benchmark_descriptions(data: Path = DATA, probes: Path = PROBES) -> list[tuple[str, str]]:
    """(source file name, description) of every description the benchmarks and probes hold."""
    found: list[tuple[str, str]] = []
    for path in sorted(data.glob("*.csv")) + ([probes] if probes.exists() else []):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                found += [(path.name, row[c]) for c in DESCRIPTION_COLUMNS if row.get(c)]
    found += [(MIDRC_TABLE, row.description) for row in read_midrc_table()]
    return found


def _latin_words(description: str) -> set[str]:
    """The Latin words of at least SHORTEST_WORD letters in `description`."""
    return {t for t in tokens(description) if len(t) >= SHORTEST_WORD and t.isascii() and t.isalpha()}


def word_index(descriptions: Iterable[tuple[str, str]]) -> dict[str, set[tuple[str, str]]]:
    """Each Latin word of at least SHORTEST_WORD letters -> the (source, description) pairs holding it."""
    index: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for source, text in descriptions:
        for word in _latin_words(text):
            index[word].add((source, text))
    return dict(index)


def _meaning(reading: Sequence[str], lexicon: Lexicon) -> tuple[str, ...]:
    return tuple(word_meaning(w, lexicon) for w in reading)


def word_changes(words: Iterable[str], base: Lexicon, new: Lexicon) -> list[WordChange]:
    """The words of `words` read differently alone by `base` and `new`, sorted by kind then word."""
    changes: list[WordChange] = []
    for word in words:
        was = tuple(read_alone(word, base))
        now = tuple(read_alone(word, new))
        if was == now:
            continue
        if now == (word,):
            if word in new.phrases:
                continue  # now a vocabulary word of its own
            kind = "left unread"
        elif was == (word,):
            kind = "newly read"
        elif _meaning(was, base) != _meaning(now, new):
            kind = "read otherwise"
        else:
            continue  # another word of the same meaning
        changes.append(WordChange(word, kind, was, now))
    return sorted(changes, key=lambda c: (KINDS.index(c.kind), c.word))


def base_vocabulary(ref: str, into: Path) -> Path:
    """services/harmonize/vocabulary as it was at git revision `ref`, written under `into`."""
    relative = VOCABULARY_DIR.relative_to(ROOT).as_posix()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, relative],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / relative


def latest_vocabulary_tag() -> str:
    """The latest vocabulary-* tag reachable from HEAD; in a clone without those tags, the last commit that changed
    the vocabulary's VERSION (the commit a version's tag is set on)."""
    described = subprocess.run(["git", "-C", str(ROOT), "describe", "--tags", "--abbrev=0", "--match", "vocabulary-*"],
                               capture_output=True, text=True)
    if described.returncode == 0:
        return described.stdout.strip()
    version_file = (VOCABULARY_DIR / "VERSION").relative_to(ROOT).as_posix()
    return subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%H", "--", version_file],
                          check=True, capture_output=True, text=True).stdout.strip()


def report(changes: Sequence[WordChange], index: Mapping[str, set[tuple[str, str]]]) -> list[str]:
    """Lines naming each change, the number of distinct descriptions holding the word and the files they are in (not the
    descriptions: the blind halves' rows are not to be read); `index` is word_index's."""
    lines: list[str] = []
    for kind in KINDS:
        of_kind = [c for c in changes if c.kind == kind]
        lines.append(f"{kind}: {len(of_kind)}")
        for c in of_kind:
            holding = index.get(c.word, set())
            texts = {text for _, text in holding}
            files = sorted({source for source, _ in holding})
            lines.append(f"  {c.word}: {' '.join(c.base)} -> {' '.join(c.new)} ({len(texts)} descriptions: "
                         f"{', '.join(files)})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base", help="git revision of the base vocabulary (default: the latest vocabulary-* tag, "
                                       "else the last commit that changed VERSION)")
    args = parser.parse_args(argv)
    ref = args.base or latest_vocabulary_tag()
    descriptions = benchmark_descriptions()
    with tempfile.TemporaryDirectory() as tmp:
        base = load_lexicon(base_vocabulary(ref, Path(tmp)))
    new = load_lexicon(VOCABULARY_DIR)
    index = word_index(descriptions)
    changes = word_changes(index, base, new)
    print(f"words read alone, vocabulary at {ref} -> working tree: {len(index)} words, {len(changes)} changed")
    print("\n".join(report(changes, index)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
