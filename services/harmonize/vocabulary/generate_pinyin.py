"""Regenerate chinese_pinyin.yaml: the Chinese words of procedure_terms.yaml written in pinyin. Archives that
take ASCII only hold Chinese exam names in pinyin (XIONGBU CT PINGSAO for 胸部CT平扫). Every Chinese word of the
vocabulary (its anatomy, terms and silent words) is written here in toneless upper-case pinyin (pypinyin's
reading of the word as a phrase; a character it reads otherwise than the field does is corrected: 椎 ZHUI),
joined (Latin words are matched without separators, so XIONG BU = XIONGBU), with the meaning of its Chinese
word. Words of one character are left out of terms and word lists (but the sides 左, 右 and 双) and kept for
the anatomy when their pinyin has three letters or more (肺 FEI, 手 SHOU; not 腹 FU or 颅 LU, too short to tell
from abbreviations, nor 脑 NAO, Portuguese "not", nor 喉 HOU and 胃 WEI, spelt as 后 "after" and 位, 尾, 维 are); a
spelling that is already a word of the vocabulary's other languages is left out. procedure_terms.yaml lists
this file under `language_files`; the reader loads it as one more language. Hand-written pinyin (cut forms
such as ZENGQ) stays in procedure_terms.yaml's `chinese_pinyin`.

Also regenerated: chinese_homophones.yaml, the toneless syllables of the characters a pinyin input method offers
for the vocabulary's Chinese words: every syllable of those words (as read above) with the vocabulary's characters
and the GB 2312 level-1 characters (the 3,755 most common) whose usual reading it is (pypinyin's). An
exam name typed with a wrong character of the same sound (腰锥 for 腰椎, 前列线 for 前列腺) is read through it.

Run: python -m services.harmonize.vocabulary.generate_pinyin [--check]   (needs pypinyin, a development
dependency: the runtime reads the YAML only)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from services.harmonize.text import tokens

HERE = Path(__file__).resolve().parent
TERMS = HERE / "procedure_terms.yaml"
OUTPUT = HERE / "chinese_pinyin.yaml"
HOMOPHONES = HERE / "chinese_homophones.yaml"
#: GB 2312's level-1 characters, the most common ones: rows 16 to 55 of its 94 x 94 table.
GB2312_LEVEL_1 = range(0xB0A1, 0xD7FA)
#: Single characters written in pinyin all the same: the sides (左 ZUO, 右 YOU, 双 SHUANG).
SINGLE_CHARACTERS = frozenset("左右双")
#: An anatomy word of one character is kept when its pinyin has this many letters, unless it is one of these.
MIN_SINGLE_ANATOMY = 3
SINGLE_ANATOMY_LEFT_OUT = frozenset({"HOU", "WEI"})
#: The field's reading of characters pypinyin reads otherwise in some words (颈椎: JINGZHUI, not JINGCHUI).
READINGS = {"椎": "ZHUI"}
WORD_LISTS = ("silent_words",)
#: What a term of procedure_terms.yaml says besides its words, copied to its pinyin term.
TERM_KEYS = ("means", "implies", "implies_within", "assumes", "narrows", "when")


def is_chinese(word: str) -> bool:
    return bool(word) and all("\u4e00" <= ch <= "\u9fff" for ch in word)


def spelling(word: str) -> str | None:
    """The toneless upper-case pinyin of `word`, read as a phrase."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(word, style=Style.NORMAL)
    if len(syllables) != len(word):
        return None
    text = "".join(READINGS.get(ch, s.upper()) for ch, s in zip(word, syllables, strict=True))
    return text if text.isascii() and text.isalpha() else None


def syllables(word: str) -> list[str] | None:
    """The toneless upper-case syllable of each character of `word`, read as a phrase (None if one is not read)."""
    from pypinyin import Style, lazy_pinyin

    read = lazy_pinyin(word, style=Style.NORMAL)
    if len(read) != len(word):
        return None
    out = [READINGS.get(ch, s.upper()) for ch, s in zip(word, read, strict=True)]
    return out if all(s.isascii() and s.isalpha() for s in out) else None


def reading(ch: str) -> str | None:
    """The usual toneless upper-case reading of one character (rare readings left out)."""
    read = syllables(ch)
    return read[0] if read else None


def common_characters() -> list[str]:
    """GB 2312's level-1 characters, in its order."""
    out: list[str] = []
    for code in GB2312_LEVEL_1:
        if (code & 0xFF) < 0xA1 or (code & 0xFF) > 0xFE:
            continue
        try:
            out.append(bytes([code >> 8, code & 0xFF]).decode("gb2312"))
        except UnicodeDecodeError:  # the table's last row is not full
            continue
    return out


def strings(value: Any) -> Iterator[str]:
    """Every string of a YAML document's values, nested lists and mappings included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def build_homophones(raw: dict[str, Any]) -> dict[str, Any]:
    """Syllable -> the characters read with it: the vocabulary's own in its words, then the common ones."""
    words = {s for s in strings(raw) if is_chinese(s) and len(s) >= 2}
    by_syllable: dict[str, list[str]] = {}
    for word in sorted(words):
        for ch, syllable in zip(word, syllables(word) or (), strict=False):
            chars = by_syllable.setdefault(syllable, [])
            if ch not in chars:
                chars.append(ch)
    for ch in common_characters():
        usual = reading(ch)
        if usual in by_syllable and ch not in by_syllable[usual]:
            by_syllable[usual].append(ch)
    return {"syllables": {s: "".join(chars) for s, chars in sorted(by_syllable.items())}}


def render_homophones(data: dict[str, Any]) -> str:
    head = ("# Generated by generate_pinyin.py from procedure_terms.yaml's Chinese words (pypinyin, GB 2312 level 1):"
            " do not edit.\n# Syllable -> characters a pinyin input method offers for it: a wrong character of the"
            " same sound is read\n# as the vocabulary's (腰锥: 腰椎).\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=116)


def latin_words(raw: dict[str, Any]) -> set[str]:
    """Every word and phrase of the vocabulary, joined as the reader joins them (text.tokens)."""
    words = {"".join(tokens(s)) for s in strings({k: v for k, v in raw.items() if k != "languages"})}
    for name, spec in (raw.get("languages") or {}).items():
        if name != "chinese_pinyin":
            words |= {"".join(tokens(s)) for s in strings(spec)}
    return words


def build(raw: dict[str, Any]) -> dict[str, Any]:
    taken = latin_words(raw)
    #: spelling -> the Chinese word it was first written for: a spelling is kept for that word only, in every entry
    #: the word has (结石 in CT and elsewhere; 内耳 in CT and MR), never for another word read alike.
    spelt_for: dict[str, str] = {}

    def pinyin_of(words: list[Any], anatomy: bool = False) -> list[str]:
        out: list[str] = []
        for w in words:
            w = str(w)
            if not is_chinese(w) or (len(w) < 2 and w not in SINGLE_CHARACTERS and not anatomy):
                continue
            s = spelling(w)
            if s and len(w) == 1 and anatomy and (len(s) < MIN_SINGLE_ANATOMY or s in SINGLE_ANATOMY_LEFT_OUT):
                continue
            if s and s not in taken and spelt_for.setdefault(s, w) == w and s not in out:
                out.append(s)
        return out

    anatomy: dict[str, list[str]] = {}
    for region, spec in raw["anatomy"].items():
        if words := pinyin_of(spec.get("words", []), anatomy=True):
            anatomy[region] = words
    terms: list[dict[str, Any]] = []
    for entry in raw["terms"]:
        if words := pinyin_of(entry["words"]):
            term = {k: entry[k] for k in TERM_KEYS if k in entry}
            term["words"] = words
            terms.append(term)
    out: dict[str, Any] = {"anatomy": anatomy, "terms": terms}
    for name in WORD_LISTS:
        if words := pinyin_of(list(raw.get(name) or [])):
            out[name] = words
    return out


def render(data: dict[str, Any]) -> str:
    head = ("# Generated by generate_pinyin.py from procedure_terms.yaml's Chinese words (pypinyin): do not edit.\n"
            "# The words of archives that hold Chinese exam names in pinyin; read as one more language.\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=116)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    raw = yaml.safe_load(TERMS.read_text(encoding="utf-8"))
    outputs = {OUTPUT: render(build(raw)), HOMOPHONES: render_homophones(build_homophones(raw))}
    if "--check" in args:
        stale = [path for path, text in outputs.items()
                 if not path.exists() or path.read_text(encoding="utf-8") != text]
        for path in outputs:
            print(f"{path.name}: {'out of date' if path in stale else 'up to date'}")
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"{path.name}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
