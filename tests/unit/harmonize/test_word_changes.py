"""bench/word_changes.py: the benchmark words whose reading alone a vocabulary change alters."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bench import word_changes
from services.harmonize.policy import VOCABULARY_DIR
from services.harmonize.procedure import TERMS_FILE, Lexicon, load_lexicon


def _with_terms(tmp_path: Path, *entries: dict[str, object]) -> Lexicon:
    """The bundled vocabulary with `entries` added to its terms."""
    directory = tmp_path / "vocabulary"
    shutil.copytree(VOCABULARY_DIR, directory)
    raw = yaml.safe_load((directory / TERMS_FILE).read_text(encoding="utf-8"))
    raw["terms"] += list(entries)
    (directory / TERMS_FILE).write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_lexicon(directory)


@pytest.fixture(scope="module")
def bundled() -> Lexicon:
    return load_lexicon()


def test_a_new_word_one_slip_from_a_read_slip_leaves_it_unread(tmp_path: Path, bundled: Lexicon) -> None:
    new = _with_terms(tmp_path, {"means": {"regions": ["HEART"]}, "words": ["PULMNARZ"]},
                      {"means": {"regions": ["KNEE"]}, "words": ["XYLOPHONE"]})
    changes = word_changes.word_changes(["PULMNARY", "XYLOPHON", "ABDOMEN", "PELBIS"], bundled, new)
    assert changes == [
        word_changes.WordChange("PULMNARY", "left unread", ("PULMONARY",), ("PULMNARY",)),
        word_changes.WordChange("XYLOPHON", "newly read", ("XYLOPHON",), ("XYLOPHONE",)),
    ]
    index = word_changes.word_index([("a.csv", "CT PULMNARY ANGIO"), ("b.csv", "CT CHEST"), ("b.csv", "PULMNARY CTA"),
                                     ("c.csv", "PULMNARY CTA")])
    lines = word_changes.report(changes, index)
    assert lines[:2] == ["left unread: 1", "  PULMNARY: PULMONARY -> PULMNARY (2 descriptions: a.csv, b.csv, c.csv)"]
    assert not any("ANGIO" in line for line in lines)  # the descriptions themselves are not shown


def test_a_slip_read_as_another_word_of_the_same_meaning_is_no_change(tmp_path: Path, bundled: Lexicon) -> None:
    new = _with_terms(tmp_path, {"means": {"regions": ["PELVIS"]}, "words": ["PELBIC"]})
    assert word_changes.word_changes(["PELBIS"], bundled, new) == []  # PELVIS or PELBIC: the pelvis either way
    other = _with_terms(tmp_path / "other", {"means": {"regions": ["KNEE"]}, "words": ["PELBIC"]})
    assert word_changes.word_changes(["PELBIS"], bundled, other)[0].kind == "left unread"


def test_the_base_vocabulary_is_read_from_a_git_revision(tmp_path: Path) -> None:
    if not (word_changes.ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(word_changes.ROOT), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    directory = word_changes.base_vocabulary(head, tmp_path)
    assert (directory / TERMS_FILE).is_file() and (directory / "VERSION").is_file()


def test_the_benchmark_words_come_from_every_description_column() -> None:
    descriptions = word_changes.benchmark_descriptions()
    sources = {source for source, _ in descriptions}
    assert "midrc_StudyDescription_mapping_table.tsv" in sources
    assert "midrc_unmapped_StudyDescriptions.csv" in sources  # its column is StudyDescription
    assert "en_descriptions_1.csv" in sources
    index = word_changes.word_index([("a.csv", "CT ABD/PELVIS W CONTRAST"), ("b.csv", "胸部CT平扫"),
                                     ("b.csv", "XR L4")])
    assert index == {"PELVIS": {("a.csv", "CT ABD/PELVIS W CONTRAST")},
                     "CONTRAST": {("a.csv", "CT ABD/PELVIS W CONTRAST")}}  # Latin words of four letters or more
