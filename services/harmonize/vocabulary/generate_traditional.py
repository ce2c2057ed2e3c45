"""Regenerate traditional_characters.tsv: each traditional Chinese character (and each Taiwan or Hong Kong variant)
with the simplified character descriptions are read in. Hong Kong, Macau and Taiwan sites write exam names in
traditional characters (頭顱電腦斷層 for 头颅电脑断层); text.fold writes them in simplified characters, the
vocabulary's, before anything is read.

Source: OpenCC's character dictionaries (Apache License 2.0, LICENSE.opencc), as the PyPI package
opencc-python-reimplemented 0.1.7 ships them in opencc/dictionary/: TSCharacters.txt (traditional -> simplified,
first choice), TWVariantsRev.txt and HKVariantsRev.txt (a Taiwan or Hong Kong form -> OpenCC's traditional form,
taken on to its simplified character; a variant of a character OpenCC's dictionary does not simplify is left as
it is) and JPVariants.txt read backwards (a Japanese form an input method may give, 増 for 增, when it is outside
GB 2312 and stands for one traditional character). Left out: characters outside the CJK blocks text.py reads, and
any character the vocabulary's hand-written files use as it is (a simplified character that is also another's
traditional form: the vocabulary's reading stands; none at 0.1.7).

Run: python -m services.harmonize.vocabulary.generate_traditional DICTIONARY_DIR [--check]
(DICTIONARY_DIR: opencc/dictionary of `pip download opencc-python-reimplemented==0.1.7`; the runtime reads the TSV
only)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "traditional_characters.tsv"
SOURCE = ("OpenCC dictionaries TSCharacters.txt, TWVariantsRev.txt, HKVariantsRev.txt, JPVariants.txt"
          " (opencc-python-reimplemented 0.1.7)")
#: The CJK blocks text.py reads (Extension A and the Unified Ideographs).
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Generated vocabulary files, whose characters are not the vocabulary's own words.
_GENERATED = frozenset({"chinese_homophones.yaml", "chinese_pinyin.yaml"})


def _read_dictionary(path: Path) -> dict[str, str]:
    """An OpenCC dictionary file: key, tab, choices separated by spaces; the first choice per key."""
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            key, choices = line.split("\t", 1)
            pairs[key] = choices.split()[0]
    return pairs


def _japanese_forms(path: Path) -> dict[str, str]:
    """Japanese forms (増) -> OpenCC's traditional character (增), for the forms outside GB 2312 (not a character of
    simplified Chinese text in its own right) that stand for one traditional character only."""
    sources: dict[str, list[str]] = {}
    for traditional, japanese in _read_dictionary(path).items():
        sources.setdefault(japanese, []).append(traditional)
    forms: dict[str, str] = {}
    for japanese, originals in sources.items():
        try:
            japanese.encode("gb2312")
        except UnicodeEncodeError:
            if len(originals) == 1:
                forms[japanese] = originals[0]
    return forms


def vocabulary_characters(directory: Path = HERE) -> set[str]:
    """The Chinese characters the vocabulary's hand-written YAML files use."""
    used: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        if path.name not in _GENERATED:
            used.update(_CJK.findall(path.read_text(encoding="utf-8")))
    return used


def table(dictionaries: Path, keep: set[str]) -> dict[str, str]:
    """Traditional or variant character -> simplified character, without the characters of `keep`."""
    simplified = _read_dictionary(dictionaries / "TSCharacters.txt")
    variants = _read_dictionary(dictionaries / "TWVariantsRev.txt")
    for key, value in _read_dictionary(dictionaries / "HKVariantsRev.txt").items():
        variants.setdefault(key, value)
    japanese = _japanese_forms(dictionaries / "JPVariants.txt")
    pairs: dict[str, str] = {}
    for character in sorted(set(simplified) | set(variants) | set(japanese)):
        standard = variants.get(character, character)
        if standard != character and standard not in simplified:
            continue  # a variant of a character OpenCC writes alike in both scripts (抬, 擡): not a traditional one
        if standard == character and character in japanese:
            standard = japanese[character]  # 増 -> 增, written alike in both scripts
        target = simplified.get(standard, standard)
        if (len(character) == len(target) == 1 and target != character and character not in keep
                and _CJK.fullmatch(character) and _CJK.fullmatch(target)):
            pairs[character] = target
    for character, target in pairs.items():  # one step to the simplified character (薴 -> 苧 -> 苎, 戱 -> 戯 -> 戏)
        seen = {character}
        while target in pairs and target not in seen:
            seen.add(target)
            target = pairs[target]
        pairs[character] = target
    return pairs


def render(pairs: dict[str, str]) -> str:
    lines = [f"# {SOURCE}; regenerate with generate_traditional.py", "traditional\tsimplified"]
    lines += [f"{t}\t{s}" for t, s in pairs.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    text = render(table(Path(argv[0]), vocabulary_characters()))
    if "--check" in argv[1:]:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.name} is stale: run generate_traditional.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.name}: {len(text.splitlines()) - 2} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
