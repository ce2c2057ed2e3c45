"""The vendored CID 4031 subset agrees with the standard's tables as pydicom ships them."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from pydicom.sr._cid_dict import cid_concepts
from pydicom.sr._concepts_dict import concepts

from services.harmonize.body_part import (
    VOCABULARY_DIR,
    VOCABULARY_VERSION,
    VocabularyError,
    load_vocabulary,
)
from services.harmonize.vocabulary import generate_cid4031

CSV = VOCABULARY_DIR / "cid4031_body_parts.csv"


def _rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_version_is_declared() -> None:
    assert re.fullmatch(r"[0-9]+\.[0-9]+", VOCABULARY_VERSION)


def test_every_row_is_a_cid4031_concept() -> None:
    sct: dict[str, dict[str, tuple[str, list[int]]]] = concepts["SCT"]  # type: ignore[assignment]
    in_cid = {code: entry[0] for keyword in cid_concepts[4031]["SCT"] for code, entry in sct[keyword].items()}
    rows = _rows()
    assert len(rows) >= 80
    for row in rows:
        assert in_cid.get(row["snomed_code"]) == row["code_meaning"], row


def test_terms_are_unique_defined_terms() -> None:
    terms = [row["body_part_examined"] for row in _rows()]
    assert len(terms) == len(set(terms))
    assert all(re.fullmatch(r"[A-Z]{2,16}", t) for t in terms)  # CS: upper case, at most 16 characters
    assert {"ABDOMEN", "CHEST", "HEAD", "PELVIS", "KNEE", "CSPINE", "LSPINE", "WHOLEBODY"} <= set(terms)


def test_committed_csv_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "cid4031.csv"
    generate_cid4031.write(out)
    assert out.read_text(encoding="utf-8") == CSV.read_text(encoding="utf-8")


def test_synonyms_load_and_cross_check() -> None:
    vocab = load_vocabulary(VOCABULARY_DIR)
    assert vocab.latin["THORAX"] == "CHEST"
    assert vocab.cjk["膝关节"] == "KNEE"
    assert vocab.combined[frozenset({"CHEST", "ABDOMEN", "PELVIS"})] == "CHESTABDPELVIS"


@pytest.mark.parametrize(
    ("synonyms", "message"),
    [
        ("synonyms:\n  NOSUCHTERM: [X]\ncombinations: {}\n", "NOSUCHTERM"),
        ("synonyms:\n  HEAD: [NOGGIN]\n  KNEE: [noggin]\ncombinations: {}\n", "both HEAD and KNEE"),
        ("synonyms: {}\ncombinations:\n  CHESTABDOMEN: [CHEST, BELLY]\n", "BELLY"),
    ],
)
def test_inconsistent_synonyms_are_refused(tmp_path: Path, synonyms: str, message: str) -> None:
    shutil.copy(CSV, tmp_path / CSV.name)
    (tmp_path / "synonyms.yaml").write_text(synonyms, encoding="utf-8")
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary(tmp_path)
