"""Table E.1-1, the safe private table, option precedence and compound-action resolution."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from services.deid import annex_e
from services.deid.annex_e import Action, Option, effective_action, resolve_compound
from services.deid.standard import generate_iod_types, normalise_safe_private


def test_table_has_every_published_row() -> None:
    table = annex_e.load_table()
    with annex_e.TABLE_E1_1.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 611
    # 4 wildcard rows; three AE Title rows are published twice and merged.
    assert len(table.exact) == 611 - 4 - 3
    assert Counter(rule.basic for rule in table.exact.values())["X/Z/U*"] == 2


@pytest.mark.parametrize(
    ("tag", "basic", "options"),
    [
        (0x00100010, "Z", {}),  # Patient's Name
        (0x00080050, "Z", {}),  # Accession Number
        (0x00080018, "U", {Option.RETAIN_UIDS: Action.K}),
        (0x00081030, "X", {Option.CLEAN_DESCRIPTORS: Action.C}),  # Study Description
        (0x00080080, "X/Z/D", {Option.RETAIN_INSTITUTION_IDENTITY: Action.K}),
        (0x00081140, "X/Z/U*", {Option.RETAIN_UIDS: Action.K}),
        (0x00400555, "X/Z", {Option.CLEAN_STRUCTURED_CONTENT: Action.C}),
        (0xFFFCFFFC, "X", {}),  # Data Set Trailing Padding
    ],
)
def test_rows(tag: int, basic: str, options: dict[Option, Action]) -> None:
    rule = annex_e.load_table().rule_for(tag)
    assert rule is not None
    assert rule.basic == basic
    assert dict(rule.options) == options


def test_wildcard_rows() -> None:
    table = annex_e.load_table()
    assert table.rule_for(0x50020010) is table.curves
    assert table.rule_for(0x501E3000) is table.curves
    assert table.rule_for(0x60003000) is table.overlay_data
    assert table.rule_for(0x601E4000) is table.overlay_comments
    assert table.rule_for(0x60000010) is None  # Overlay Rows: not in the table
    assert table.rule_for(0x00091001) is table.private
    assert table.private.options == {Option.RETAIN_SAFE_PRIVATE: Action.C}
    assert table.overlay_data.options == {Option.CLEAN_GRAPHICS: Action.C}
    assert table.rule_for(0x00280010) is None  # Rows: not listed, kept


def test_names_lose_zero_width_spaces() -> None:
    rule = annex_e.load_table().rule_for(0x00160076)
    assert rule is not None
    assert rule.name == "GPS Altitude"


def test_repeated_ae_title_rows_keep_the_stricter_action() -> None:
    table = annex_e.load_table()
    for tag in (0x00400241, 0x00400001, 0x00321021):
        rule = table.rule_for(tag)
        assert rule is not None
        assert rule.options[Option.RETAIN_DEVICE_IDENTITY] is Action.C


def test_options_override_basic_and_c_beats_k() -> None:
    table = annex_e.load_table()
    calibration = table.rule_for(0x0018700C)  # Date of Last Detector Calibration
    assert calibration is not None
    assert effective_action(calibration, frozenset()) == "X/D"
    assert effective_action(calibration, frozenset({Option.RETAIN_DEVICE_IDENTITY})) == "K"
    both = frozenset({Option.RETAIN_DEVICE_IDENTITY, Option.RETAIN_LONG_MODIFIED_DATES})
    assert effective_action(calibration, both) == "C"
    study_date = table.rule_for(0x00080020)
    assert study_date is not None
    assert effective_action(study_date, frozenset({Option.CLEAN_DESCRIPTORS})) == "Z"  # unrelated option


@pytest.mark.parametrize(
    ("code", "attribute_type", "expected"),
    [
        ("X/Z", 1, Action.Z),
        ("X/Z", 2, Action.Z),
        ("X/Z", 3, Action.X),
        ("X/D", 1, Action.D),
        ("X/D", 2, Action.D),  # Type 2 must stay present; Z is not offered
        ("X/D", 3, Action.X),
        ("X/Z/D", 1, Action.D),
        ("X/Z/D", 2, Action.Z),
        ("X/Z/D", 3, Action.X),
        ("Z/D", 1, Action.D),
        ("Z/D", 2, Action.Z),
        ("Z/D", 3, Action.Z),
        ("X/Z/U*", 1, Action.U),
        ("X/Z/U*", 2, Action.U),
        ("X/Z/U*", 3, Action.X),
        ("U", 3, Action.U),
    ],
)
def test_resolve_compound(code: str, attribute_type: int, expected: Action) -> None:
    assert resolve_compound(code, attribute_type) is expected


def test_iod_types() -> None:
    types = annex_e.load_iod_types()
    assert types.iod_for("1.2.840.10008.5.1.4.1.1.2") == "ct-image"
    assert types.iod_for("1.2.840.10008.5.1.4.1.1.66.4") == "segmentation"
    assert types.iod_for("1.2.3") is None
    content_date = 0x00080023
    assert types.attribute_type(content_date, "ct-image", nested=False) == 2  # General Image 2C
    assert types.attribute_type(content_date, "enhanced-ct-image", nested=False) == 1
    assert types.attribute_type(content_date, None, nested=False) == 1  # unknown IOD: strictest
    assert types.attribute_type(0x00102203, "mr-image", nested=False) == 2  # Patient Sex Neutered, Patient 2C
    assert types.attribute_type(0x00081070, "rt-structure-set", nested=False) == 2  # Operators' Name, RT Series
    assert types.attribute_type(0x00081070, "ct-image", nested=False) == 3
    assert types.attribute_type(0x00081111, "comprehensive-sr", nested=False) == 2  # SR Document Series
    assert types.attribute_type(0x00082112, "ct-image", nested=False) == 3
    assert types.attribute_type(0x00082112, "segmentation", nested=True) == 2  # Derivation Image macro
    assert types.attribute_type(0x00082112, "x-ray-3d-angiographic-image", nested=True) == 1  # 1C
    assert types.attribute_type(0x00080080, "ct-image", nested=False) == 3


def test_type_file_is_generated_from_the_standard_tables() -> None:
    assert annex_e.IOD_TYPES.read_text(encoding="utf-8") == generate_iod_types.render(generate_iod_types.generate())


def test_every_attribute_in_the_type_file_is_compound_or_removed_in_the_table() -> None:
    table = annex_e.load_table()
    types = annex_e.load_iod_types()
    for tag in [*types.top_level, *types.nested]:
        rule = table.rule_for(tag)
        assert rule is not None, hex(tag)
        assert "/" in rule.basic or rule.basic == "X", hex(tag)


def test_safe_private_table() -> None:
    safe = annex_e.load_safe_private()
    assert len(safe.attributes) == 479
    assert len(safe.creators) == 20
    assert safe.vr_of("GEMS_ACQU_01", 0x0019, 0x23) == "DS"
    assert safe.vr_of("Philips Imaging DD 001", 0x2001, 0x0A) == "IS"  # published as xx0a
    assert safe.vr_of("SIEMENS Ultrasound SC2000", 0x0119, 0x11) == "UN"  # published without a VR
    assert safe.vr_of("GEMS_ACQU_01", 0x0019, 0x10) is None
    assert safe.vr_of("GEMS_IDEN_01", 0x0009, 0x01) is None


def test_normalised_safe_private_file_is_generated_from_the_published_copy(tmp_path: Path) -> None:
    rows, filled = normalise_safe_private.normalise()
    assert filled == 0
    with annex_e.SAFE_PRIVATE.open(newline="", encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == rows


def test_normaliser_fills_flattened_spans_and_rejects_repeats(tmp_path: Path) -> None:
    source = tmp_path / "table.csv"
    source.write_text(
        'Data Element,Private Creator,VR,VM,Meaning\r\n"(0019,xx0c)",ACME 1,DS,1,A\r\n"(0019,xx0D)",,\u200bDS,1,B\r\n',
        encoding="utf-8",
    )
    rows, filled = normalise_safe_private.normalise(source)
    assert filled == 1
    assert [(row["group"], row["element"], row["private_creator"], row["vr"]) for row in rows] == [
        ("0019", "0C", "ACME 1", "DS"),
        ("0019", "0D", "ACME 1", "DS"),
    ]
    source.write_text(
        'Data Element,Private Creator,VR,VM,Meaning\n"(0019,xx0c)",A,DS,1,x\n"(0019,xx0C)",A,DS,1,y\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="repeated"):
        normalise_safe_private.normalise(source)
