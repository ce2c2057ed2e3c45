"""Tokens and phrase matching: shorthands, width folding, Chinese substrings, longest match first."""

from __future__ import annotations

import pytest

from services.harmonize.text import PhraseTable, compact, is_cjk, key, tokens
from services.harmonize.vocabulary import generate_traditional


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CT CHEST W/O CONTRAST", ["CT", "CHEST", "WO", "CONTRAST"]),
        ("CT ABD C+", ["CT", "ABD", "CPLUS"]),
        ("HEAD C-", ["HEAD", "CMINUS"]),
        ("C-SPINE 2V", ["C", "SPINE", "2", "V"]),  # C-SPINE is not "without contrast"
        ("XR LEFT HAND 3+ VIEWS", ["XR", "LEFT", "HAND", "3", "PLUS", "VIEWS"]),
        ("XR CERVICAL SPINE 2-3 VIEWS", ["XR", "CERVICAL", "SPINE", "2", "TO", "3", "VIEWS"]),
        ("CHEST PA & LATERAL", ["CHEST", "PA", "AND", "LATERAL"]),
        ("Thorax^CHEST_WITH (Adult)", ["THORAX", "CHEST", "WITH", "ADULT"]),
        ("胸部CT平扫+增强", ["胸部", "CT", "平扫", "PLUS", "增强"]),
        ("ＣＴ　ＣＨＥＳＴ", ["CT", "CHEST"]),  # full width
        ("頭顱電腦斷層平掃", ["头颅电脑断层平扫"]),  # traditional characters read in simplified ones
        ("頸椎 MRI 增強", ["颈椎", "MRI", "增强"]),
        ("腹部超音波(偽影)", ["腹部超音波", "伪影"]),  # a Taiwan form (偽) through OpenCC's standard one (僞)
        ("手臂抬高位", ["手臂抬高位"]),  # 抬: written alike in both scripts, left as it is
        ("IRM FÉMUR/CUISSE GAUCHE", ["IRM", "FEMUR", "CUISSE", "GAUCHE"]),  # accents folded away
        ("TK miednicy małej", ["TK", "MIEDNICY", "MALEJ"]),  # Ł is an L with a stroke, not a separator
        ("TS höfuð", ["TS", "HOFUD"]),  # Icelandic Ð: D
        ("CT tar-ras mingħajr kuntrast", ["CT", "TAR", "RAS", "MINGHAJR", "KUNTRAST"]),  # Maltese Ħ: H
        ("IRM EXTRU+00C9MITU+00C9S", ["IRM", "EXTREMITES"]),  # É written out as U+00C9 by an export
        ("IRM HANCHE C- C+", ["IRM", "HANCHE", "CPM"]),  # without, then with
        ("MR ABDOMEN +/- CONTRAST", ["MR", "ABDOMEN", "CPM", "CONTRAST"]),
        ("MRI C/T/L SPINE", ["MRI", "CERVICAL", "THORACIC", "LUMBAR", "SPINE"]),  # the three parts, letter by letter
        # Greek in ELOT 743 Latin letters: ΟΥ is OU, ΑΥ before a voiceless consonant AF, ΓΚ GK, Χ CH
        ("Αξονική τομογραφία εγκεφάλου", ["AXONIKI", "TOMOGRAFIA", "EGKEFALOU"]),
        ("ΑΥΧΕΝΙΚΗΣ ΜΟΙΡΑΣ χωρίς", ["AFCHENIKIS", "MOIRAS", "CHORIS"]),
        ("ΠΝΕΥΜΟΝΩΝ", ["PNEVMONON"]),  # ΕΥ before a voiced consonant: EV
        # Cyrillic: Й is Y (not И with its breve), Ж ZH, Щ SHCH, Ю YU, Я YA; Ukrainian Ї YI; Bulgarian Ъ A
        ("КТ органов грудной клетки", ["KT", "ORGANOV", "GRUDNOY", "KLETKI"]),
        ("щитовидной железы", ["SHCHITOVIDNOY", "ZHELEZY"]),
        ("МРТ грудної клітки", ["MRT", "GRUDNOYI", "KLITKI"]),
        ("КТ на гръден кош", ["KT", "NA", "GRADEN", "KOSH"]),
        ("МР плућа", ["MR", "PLUCA"]),  # Serbian Ћ: C, as Latin ć folds
        (None, []),
    ],
)
def test_tokens(text: str | None, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_keys_ignore_case_and_punctuation() -> None:
    assert key("ct chest w/o contrast") == key("CT  CHEST  W/O  CONTRAST") == "CT CHEST WO CONTRAST"
    assert compact("C-SPINE") == compact("c spine") == "CSPINE"


def test_longest_phrase_wins_and_latin_words_join() -> None:
    table = PhraseTable([("CHEST", "chest"), ("ABDOMEN", "abdomen"), ("CHEST ABDOMEN PELVIS", "cap"), ("CAP", "cap")])
    assert [m.value for m in table.find(tokens("CT CHEST ABDOMEN PELVIS"))] == ["cap"]
    assert [m.value for m in table.find(tokens("THORAX^C_A_P_WITH"))] == ["cap"]  # C A P joined
    assert [m.value for m in table.find(tokens("CHEST AND ABDOMEN"))] == ["chest", "abdomen"]


def test_a_usable_phrase_wins_over_one_the_reader_cannot_use() -> None:
    table = PhraseTable([("PA", "view"), ("AP", "abdomen+pelvis"), ("LATERAL DECUBITUS", "view"), ("LATERAL", "side")])
    words = tokens("P/P A/P")
    assert [m.value for m in table.find(words)] == ["view"]  # the first of two of the same length
    assert [m.value for m in table.find(words, usable=lambda v: v != "view")] == ["abdomen+pelvis"]
    usable = table.find(tokens("LATERAL DECUBITUS"), usable=lambda v: v != "view")
    assert [m.value for m in usable] == ["side"]  # before a longer phrase that is not usable


def test_chinese_matches_inside_runs_longest_first() -> None:
    table = PhraseTable([("腹部", "abdomen"), ("胸腹部", "chest+abdomen"), ("平扫", "WO"), ("增强", "W")])
    assert [m.value for m in table.find(tokens("胸腹部CT平扫+增强"))] == ["chest+abdomen", "WO", "W"]


def test_a_phrase_mixing_scripts_is_refused() -> None:
    with pytest.raises(ValueError, match="mixes Chinese and Latin"):
        PhraseTable([("冠脉CTA", "x")])
    with pytest.raises(ValueError, match="two meanings"):
        PhraseTable([("CHEST", "a"), ("chest", "b")])


def test_a_word_joins_a_lone_letter_after_it_only_in_phrases_written_so() -> None:
    table = PhraseTable([("CTA", "cta"), ("WOC", "wo"), ("CSPINE", "cspine")], spellings=["CTA", "WO C", "C SPINE"])
    assert [m.value for m in table.find(tokens("CT A P"))] == []  # CT A/P is not a CTA
    assert [m.value for m in table.find(tokens("CHEST WO C"))] == ["wo"]
    assert [m.value for m in table.find(tokens("C-SPINE"))] == ["cspine"]  # a lone letter before a word joins
    unguarded = PhraseTable([("CTA", "cta")])
    assert [m.value for m in unguarded.find(tokens("CT A"))] == ["cta"]


def test_only_chinese_characters_are_cjk() -> None:
    assert is_cjk("胸部") and not is_cjk("CHEST")
    assert not is_cjk("É") and not is_cjk("Ж") and not is_cjk("Ω")  # a Latin accent, Cyrillic and Greek are not


def test_the_traditional_table_leaves_the_vocabulary_characters_and_simplifies_in_one_step() -> None:
    """No character the vocabulary's hand-written files use is rewritten, and no simplified character is itself
    rewritten again (the table is applied once)."""
    table = generate_traditional.OUTPUT.read_text(encoding="utf-8").splitlines()[2:]
    pairs = dict(line.split("\t") for line in table)
    assert len(pairs) > 2500 and pairs["顱"] == "颅" and pairs["斷"] == "断"
    assert not set(pairs) & generate_traditional.vocabulary_characters()
    assert not set(pairs.values()) & set(pairs)
