"""The procedure vocabulary: MIDRC's files as published, the generated catalogue current and consistent."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest
import yaml

from services.harmonize.policy import VOCABULARY_DIR
from services.harmonize.procedure import (
    CATALOGUE_FILE,
    MIDRC_ATTRIBUTES,
    MIDRC_CORRECTIONS,
    MIDRC_TABLE,
    PLAYBOOK_LIST,
    Procedure,
    VocabularyError,
    clean_code,
    load_lexicon,
    read_catalogue,
    read_midrc_names,
    read_midrc_table,
    read_playbook_list,
    read_text,
)
from services.harmonize.vocabulary import generate_procedures

#: sha256 of MIDRC's files as copied from midrc_dicom_harmonization out/ (also in vocabulary/README.md).
MIDRC_SHA256 = {
    MIDRC_TABLE: "1d9de89c45da8b2c5436f4238bc60282432fb4a5f3bfd7bc7e4f26506aff4255",
    MIDRC_ATTRIBUTES: "f48fbd546d9bedf4707fe30875a9f05ee32007f9bcf662196dc022aa7a3d1a17",
}


@pytest.mark.parametrize("name", sorted(MIDRC_SHA256))
def test_midrc_files_are_unmodified_copies(name: str) -> None:
    assert hashlib.sha256((VOCABULARY_DIR / name).read_bytes()).hexdigest() == MIDRC_SHA256[name]


def test_midrc_licence_travels_with_the_copies() -> None:
    text = (VOCABULARY_DIR / "LICENSE.midrc").read_text()
    assert "MIT License" in text and "Medical Imaging and Data Resource Center (MIDRC)" in text


def test_committed_catalogue_is_what_the_generator_writes() -> None:
    assert (VOCABULARY_DIR / CATALOGUE_FILE).read_text(encoding="utf-8") == generate_procedures.render(), (
        "run `python -m services.harmonize.vocabulary.generate_procedures`"
    )


def test_every_table_code_is_in_the_catalogue_with_a_modality() -> None:
    catalogue = {p.code: p for p in read_catalogue()}
    assert len(catalogue) >= 150
    for row in read_midrc_table(corrected=False):
        assert row.code in catalogue, row
        assert re.fullmatch(r"\d{1,7}-\d", row.code)
    assert all(p.modality for p in catalogue.values() if p.code != "18744-3")  # "Bronchoscopy study" has none


def test_corrections_replace_midrc_codes_of_their_rows_only() -> None:
    catalogue = {p.code for p in read_catalogue()}
    published = {r.line: r for r in read_midrc_table(corrected=False)}
    corrected = read_midrc_table()
    changed = [r for r in corrected if r.midrc_code]
    assert len(changed) >= 40
    for row in corrected:
        if row.midrc_code:
            assert row.midrc_code == published[row.line].code != row.code
            assert row.code in catalogue or row.code == ""  # "": no catalogue code fits the description
        else:
            assert row == published[row.line]


def test_a_correction_that_does_not_match_the_table_is_refused(tmp_path: Path) -> None:
    for name in (MIDRC_TABLE, MIDRC_ATTRIBUTES):
        (tmp_path / name).write_bytes((VOCABULARY_DIR / name).read_bytes())
    (tmp_path / MIDRC_CORRECTIONS).write_text(
        "line,description,midrc_code,code,reason\n5,SOMETHING ELSE,79077-4,36147-7,x\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="line 5 does not match"):
        read_midrc_table(tmp_path)
    (tmp_path / MIDRC_CORRECTIONS).write_text(
        "line,description,midrc_code,code,reason\n9999,X,1-1,2-2,x\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="not in MIDRC's table"):
        read_midrc_table(tmp_path)


def _midrc_attributes() -> list[dict[str, str]]:
    with (VOCABULARY_DIR / MIDRC_ATTRIBUTES).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", _midrc_attributes(), ids=lambda r: clean_code(r["LOINC code"]))
def test_catalogue_agrees_with_midrc_attributes(row: dict[str, str]) -> None:
    """The contrast timing and modality read from each LOINC name are MIDRC's (for CT and MR, where
    MIDRC's timing is contrast; for PT/NM it is the radiopharmaceutical)."""
    procedure = {p.code: p for p in read_catalogue()}[clean_code(row["LOINC code"])]
    method = row["L-Method"].strip()
    timing = {"WO": "WO", "W": "W", "WO & W": "WO_W", "": None}[row["Rad.Timing"].strip()]
    if method.startswith(("CT", "MR")) and "PT" not in method:
        assert procedure.modality == method.split(".")[0].split(" ")[0][:2]
        if "contrast" in procedure.name or timing is None:  # "CTA Chest vessels": MIDRC says W, the name nothing
            assert procedure.contrast == timing
        assert ("angio" in procedure.qualifiers) == (".angio" in method or procedure.name.startswith("CTA"))
    if row["MIDRC-System"].strip() == "Unspecified":
        assert procedure.regions == {"UNSPECIFIED"}


def test_lexicon_refuses_unknown_regions(tmp_path: Path) -> None:
    source = (VOCABULARY_DIR / "procedure_terms.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "procedure_terms.yaml"
    bad.write_text(source.replace("regions: [CHEST, ABDOMEN, PELVIS]}", "regions: [CHEST, BELLY, PELVIS]}", 1))
    for language in ("chinese_pinyin.yaml", "chinese_homophones.yaml"):  # the generated files it lists
        (tmp_path / language).write_text((VOCABULARY_DIR / language).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(VocabularyError, match="BELLY"):
        load_lexicon(bad.parent)


def test_lexicon_refuses_unknown_regions_an_implication_is_held_for(tmp_path: Path) -> None:
    source = (VOCABULARY_DIR / "procedure_terms.yaml").read_text(encoding="utf-8")
    held = "implies_within: {regions: [CHEST]}  # without contrast by the chest's convention only"
    assert held in source
    bad = tmp_path / "procedure_terms.yaml"
    bad.write_text(source.replace(held, "implies_within: {regions: [THORAX_ONLY]}", 1))
    for language in ("chinese_pinyin.yaml", "chinese_homophones.yaml"):
        (tmp_path / language).write_text((VOCABULARY_DIR / language).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(VocabularyError, match="THORAX_ONLY"):
        load_lexicon(bad.parent)


def test_silent_words_and_side_letters_name_no_vocabulary_phrase() -> None:
    lexicon = load_lexicon()
    phrases = {m.phrase for word in lexicon.silent_words for m in lexicon.phrases.find([word])
               if any(t.modalities is None for t in m.value)}
    assert not phrases, phrases  # a phrase is read as the phrase: listing it as silent would mislead
    # a phrase of some modalities only is silent in the others (BONE: a bone scan in a nuclear study, else a window)
    assert read_text("CT BONE CHEST", {"CT"}, lexicon).unread == []
    assert "bone_scan" in read_text("NM BONE WHOLE BODY", {"NM"}, lexicon).qualifiers
    assert set(lexicon.side_letters) == {"L", "R", "D", "G", "AR", "VA"}  # D, G: droit, gauche; AR: the Greek
    # αριστερό; VA: the Swedish vänster
    assert set(lexicon.side_letters.values()) == {"left", "right"}
    regions = {m.phrase for word in lexicon.side_letters for m in lexicon.phrases.find([word])}
    assert not regions, regions


def test_every_word_of_the_vocabulary_is_text() -> None:
    """YAML reads bare NO, YES, ON or OFF as booleans: a word list must hold only strings."""
    import yaml

    from services.harmonize.procedure import TERMS_FILE

    def booleans(value: object, path: str) -> list[str]:
        if isinstance(value, bool):
            return [path]
        if isinstance(value, dict):
            return [p for k, v in value.items() for p in booleans(v, f"{path}.{k}")]
        if isinstance(value, list):
            return [p for i, v in enumerate(value) for p in booleans(v, f"{path}[{i}]")]
        return []

    raw = yaml.safe_load((VOCABULARY_DIR / TERMS_FILE).read_text(encoding="utf-8"))
    assert booleans(raw, TERMS_FILE) == []


def _loinc_check_digit(number: str) -> int:
    """LOINC's mod-10 check digit of the code's number part."""
    digits = [int(c) for c in number][::-1]
    doubled = int("".join(str(d) for d in digits[0::2][::-1]) or "0") * 2
    total = sum(int(c) for c in str(doubled)) + sum(digits[1::2])
    return (10 - total % 10) % 10


def test_the_playbook_list_holds_valid_loinc_codes_once() -> None:
    lines = (VOCABULARY_DIR / PLAYBOOK_LIST).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "loinc\tlong_common_name"
    codes = [line.split("\t")[0] for line in lines[1:]]
    assert len(codes) == len(set(codes)) > 6000
    for code in codes:
        number, check = code.split("-")
        assert _loinc_check_digit(number) == int(check), code
    names = read_playbook_list()
    assert names["24538-1"] == "MR Ankle" and names["36299-6"] == "XR Elbow 3 Views"


def test_the_catalogue_is_midrcs_codes_and_the_playbook_codes_read_completely() -> None:
    everything = {p.code: p for p in read_catalogue()}
    midrc = {p.code for p in read_catalogue(sources=("midrc",))}
    assert midrc == set(read_midrc_names()) and len(midrc) == 159
    assert {p.code for p in everything.values() if p.source == "midrc"} == midrc
    playbook = [p for p in everything.values() if p.source == "playbook"]
    assert len(playbook) > 2000
    lexicon = load_lexicon()
    for p in playbook:
        assert p.modality and p.regions, p
        assert not read_text(p.name, (p.modality,), lexicon).unread, p
    def signature(p: Procedure) -> tuple[object, ...]:
        return p.modality, p.regions, p.contrast, p.laterality, p.views, p.timing, p.qualifiers
    taken = {signature(everything[code]) for code in midrc}
    added = [signature(p) for p in playbook]
    assert len(added) == len(set(added)) and not taken & set(added)  # a Playbook code adds a procedure


@pytest.mark.parametrize(("code", "why"), [
    ("37141-9", "XR Chest PA and Right lateral: a view, not the side of the chest"),
    ("97341-2", "XR Finger second - right AP (the fingers by number are read, vocabulary 4.47): in"),
    ("39713-3", "NM Heart Perfusion W Tl-201 IV and W Tc-99m Tetrofosmin IV: both tracers read (4.57): in"),
    ("39686-1", "NM Whole body Views for lymphoma W Ga-67 IV: gallium-67 read as a tracer, not contrast (4.57): in"),
    ("24817-9", "SPECT Liver W Tc-99m IV: Tc-99m alone says no more than SPECT Liver"),
    ("39895-8", "NM Gallbladder Views for ejection fraction W Tc-99m DISIDA IV: W..IV misread as contrast"),
    ("36115-4", "MR Ankle Arthrogram (arthrogram is read): in"),
    ("24999-5", "MR Temporomandibular joint: in"),
])
def test_playbook_codes_enter_only_when_read_as_they_mean(code: str, why: str) -> None:
    catalogue = {p.code for p in read_catalogue()}
    assert (code in catalogue) == why.endswith(": in"), why


def test_catalogue_sources_are_checked() -> None:
    with pytest.raises(VocabularyError, match="unknown catalogue sources"):
        read_catalogue(sources=("midrc", "radlex"))


def test_a_chinese_word_typed_with_a_character_of_the_same_sound_is_read_as_the_vocabularys() -> None:
    """A pinyin input method offers every character of a syllable: one wrong character of the same sound in an unread
    run is replaced by the vocabulary word's (the whole run, or three characters or more at its start or end)."""
    from services.harmonize.procedure import _homophone_correction

    lexicon = load_lexicon()
    assert _homophone_correction("腰锥", lexicon) == "腰椎"  # ZHUI
    assert _homophone_correction("前列线", lexicon) == "前列腺"  # XIAN
    assert _homophone_correction("腰链", lexicon) is None  # LIAN is not ZHUI
    assert _homophone_correction("压缩骨折", lexicon) is None  # 缩骨 (SUO GU) inside: not 锁骨, the clavicle
    assert _homophone_correction("前列线增生", lexicon) == "前列腺增生"  # three characters at the start
    assert {"椎", "锥"} <= {ch for ch, s in lexicon.syllables.items() if "ZHUI" in s}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping holding one key twice (PyYAML keeps the last silently)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
    keys: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        assert key not in keys, f"{key} twice (line {key_node.start_mark.line + 1})"
        keys.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


@pytest.mark.parametrize("path", sorted(VOCABULARY_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_no_vocabulary_file_names_a_key_twice(path: Path) -> None:
    """A second list under one key (a language block's NECK written twice) would replace the first unseen."""
    yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)


def test_the_unique_key_loader_refuses_a_key_twice() -> None:
    with pytest.raises(AssertionError, match="NECK twice"):
        yaml.load("languages:\n  x:\n    NECK: [A]\n    NECK: [B]\n", Loader=_UniqueKeyLoader)
