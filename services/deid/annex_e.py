"""DICOM PS3.15 2023b Annex E as data: Table E.1-1 rules, the safe private table and action resolution.

Effective action of an attribute for a profile (``effective_action``):

1. Start from the Basic Profile column.
2. Every enabled option that has an entry for the attribute overrides it; options only ever say K or C.
3. When several enabled options disagree, C (clean) beats K (keep): a value that one option must clean is
   never kept verbatim because another option would keep it (e.g. Date of Last Detector Calibration is K
   under Retain Device Identity and C under Retain Longitudinal Modified Dates: it is shifted).

Compound actions (X/Z, X/D, X/Z/D, Z/D, X/Z/U*) then resolve by the attribute's Type in the instance's
IOD (``resolve_compound``), looked up in ``standard/ps3.3_attribute_types.json`` (generated from
the PS3.3 IOD and module tables): Type 1 -> D (U* for X/Z/U*: keep the sequence, replace the UIDs inside),
Type 2 -> Z (D if Z is not offered), Type 3 or unknown -> X.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

EDITION = "2023b"
ANNEX_E_EDITION = EDITION  # name used by the service wiring
STANDARD_DIR = Path(__file__).resolve().parent / "standard"
DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE_E1_1 = STANDARD_DIR / "ps3.15_2023b_table_E.1-1.csv"
SAFE_PRIVATE = STANDARD_DIR / "safe_private.csv"
IOD_TYPES = STANDARD_DIR / "ps3.3_attribute_types.json"


class Action(StrEnum):
    """Table E.1-1a action codes (single actions; compound codes resolve to one of these)."""

    D = "D"  # replace with a non-zero length dummy value consistent with the VR
    Z = "Z"  # replace with a zero length value
    X = "X"  # remove
    K = "K"  # keep (sequences are still cleaned inside)
    C = "C"  # clean: keep the meaning, remove identifying content
    U = "U"  # replace UIDs with consistent pseudonymous UIDs


class Option(StrEnum):
    """The ten option columns of Table E.1-1 (PS3.15 E.3.1 to E.3.11, minus the pixel options)."""

    RETAIN_SAFE_PRIVATE = "retain_safe_private"
    RETAIN_UIDS = "retain_uids"
    RETAIN_DEVICE_IDENTITY = "retain_device_identity"
    RETAIN_INSTITUTION_IDENTITY = "retain_institution_identity"
    RETAIN_PATIENT_CHARACTERISTICS = "retain_patient_characteristics"
    RETAIN_LONG_FULL_DATES = "retain_long_full_dates"
    RETAIN_LONG_MODIFIED_DATES = "retain_long_modified_dates"
    CLEAN_DESCRIPTORS = "clean_descriptors"
    CLEAN_STRUCTURED_CONTENT = "clean_structured_content"
    CLEAN_GRAPHICS = "clean_graphics"


# PS3.16 CID 7050 De-identification Method, scheme DCM.
BASIC_PROFILE_CODE = ("113100", "Basic Application Confidentiality Profile")
OPTION_CODES: Mapping[Option, tuple[str, str]] = {
    Option.CLEAN_GRAPHICS: ("113103", "Clean Graphics Option"),
    Option.CLEAN_STRUCTURED_CONTENT: ("113104", "Clean Structured Content Option"),
    Option.CLEAN_DESCRIPTORS: ("113105", "Clean Descriptors Option"),
    Option.RETAIN_LONG_FULL_DATES: ("113106", "Retain Longitudinal Temporal Information Full Dates Option"),
    Option.RETAIN_LONG_MODIFIED_DATES: (
        "113107",
        "Retain Longitudinal Temporal Information Modified Dates Option",
    ),
    Option.RETAIN_PATIENT_CHARACTERISTICS: ("113108", "Retain Patient Characteristics Option"),
    Option.RETAIN_DEVICE_IDENTITY: ("113109", "Retain Device Identity Option"),
    Option.RETAIN_UIDS: ("113110", "Retain UIDs Option"),
    Option.RETAIN_SAFE_PRIVATE: ("113111", "Retain Safe Private Option"),
    Option.RETAIN_INSTITUTION_IDENTITY: ("113112", "Retain Institution Identity Option"),
}

BASIC_CODES = frozenset({"D", "Z", "X", "U", "X/Z", "X/D", "X/Z/D", "Z/D", "X/Z/U*"})
_STRICTNESS = {"X": 5, "Z": 4, "D": 3, "U": 2, "C": 1, "K": 0}


class TableError(ValueError):
    """A table file does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of Table E.1-1: the Basic Profile code as published and the option overrides."""

    name: str
    basic: str
    options: Mapping[Option, Action]


@dataclass(frozen=True, slots=True)
class AnnexETable:
    """Table E.1-1 keyed by tag, with its four wildcard rows kept apart."""

    exact: Mapping[int, Rule]
    curves: Rule  # (50xx,xxxx)
    overlay_data: Rule  # (60xx,3000)
    overlay_comments: Rule  # (60xx,4000)
    private: Rule  # (gggg,eeee) where gggg is odd

    def rule_for(self, tag: int) -> Rule | None:
        """The row that governs `tag`, or None for an attribute the table does not list."""
        rule = self.exact.get(tag)
        if rule is not None:
            return rule
        group, element = tag >> 16, tag & 0xFFFF
        if group & 1:
            return self.private
        if 0x5000 <= group <= 0x50FF:
            return self.curves
        if 0x6000 <= group <= 0x60FF:
            if element == 0x3000:
                return self.overlay_data
            if element == 0x4000:
                return self.overlay_comments
        return None


def parse_tag(text: str) -> int:
    """``(gggg,eeee)`` -> int."""
    group, element = text.strip().strip("()").split(",")
    return (int(group, 16) << 16) | int(element, 16)


def _merge(first: str, second: str) -> str:
    """The stricter of two cells of the same column (empty loses to anything)."""
    if not first or not second:
        return first or second
    return first if _STRICTNESS[first] >= _STRICTNESS[second] else second


@functools.cache
def load_table(path: Path = TABLE_E1_1) -> AnnexETable:
    """Load Table E.1-1; repeated rows are merged keeping the stricter action of each column."""
    exact: dict[int, Rule] = {}
    wildcards: dict[str, Rule] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            name = row["attribute_name"].replace("\u200b", "").strip()
            basic = row["basic_profile"].strip()
            if basic not in BASIC_CODES:
                raise TableError(f"line {line}: unknown Basic Profile code {basic!r}")
            options: dict[Option, Action] = {}
            for option in Option:
                cell = row[option.value].strip()
                if cell:
                    if cell not in ("K", "C"):
                        raise TableError(f"line {line}: unknown {option.value} code {cell!r}")
                    options[option] = Action(cell)
            rule = Rule(name, basic, options)
            tag_text = row["tag"].strip()
            if "odd" in tag_text or "x" in tag_text.lower():
                wildcards[tag_text.lower()] = rule
                continue
            tag = parse_tag(tag_text)
            old = exact.get(tag)
            if old is not None:
                merged = {
                    option: Action(_merge(old.options.get(option, ""), rule.options.get(option, "")))
                    for option in {*old.options, *rule.options}
                }
                rule = Rule(old.name, old.basic if old.basic == basic else "X", merged)
            exact[tag] = rule
    try:
        return AnnexETable(
            exact=exact,
            curves=wildcards["(50xx,xxxx)"],
            overlay_data=wildcards["(60xx,3000)"],
            overlay_comments=wildcards["(60xx,4000)"],
            private=wildcards["(gggg,eeee) where gggg is odd"],
        )
    except KeyError as exc:
        raise TableError(f"wildcard row {exc.args[0]} missing from {path.name}") from None


def effective_action(rule: Rule, options: frozenset[Option]) -> str:
    """The Basic code, or the enabled options' override (C beats K); may still be compound."""
    chosen = ""
    for option, action in rule.options.items():
        if option in options:
            chosen = _merge(chosen, action.value)
    return chosen or rule.basic


def resolve_compound(code: str, attribute_type: int) -> Action:
    """Resolve X/Z, X/D, X/Z/D, Z/D, X/Z/U* by the attribute's Type (1, 2 or 3) in the IOD."""
    if "/" not in code:
        return Action(code)
    choices = code.split("/")
    if attribute_type == 1:
        order = ("U*", "D", "Z", "X")
    elif attribute_type == 2:
        # X/Z/U* keeps a Type 2 reference sequence (UIDs replaced): emptied, it would break the 1C condition
        # tying Referenced Series Sequence to the instances referenced (Common Instance Reference module).
        order = ("U*", "Z", "D", "X")
    else:
        order = ("X", "Z", "D", "U*")
    for choice in order:
        if choice in choices:
            return Action.U if choice == "U*" else Action(choice)
    raise TableError(f"cannot resolve {code!r}")


def removal_for_type(action: Action, attribute_type: int) -> Action:
    """X on a Type 1 or 2 attribute becomes D or Z (a dummy or an empty value: never a value of the data)."""
    if action is Action.X and attribute_type < 3:
        return Action.D if attribute_type == 1 else Action.Z
    return action


@dataclass(frozen=True, slots=True)
class IodTypes:
    """PS3.3 Types of the attributes Annex E may remove, per IOD, at the top level and inside sequence items."""

    sop_class_iod: Mapping[str, str]
    top_level: Mapping[int, Mapping[str, int]]  # tag -> IOD -> Type 1 or 2 (absent: 3)
    nested: Mapping[int, Mapping[str, int]]  # the same, for occurrences inside any sequence item

    def iod_for(self, sop_class_uid: str) -> str | None:
        """IOD of a SOP Class UID, or None for a class the tables do not know."""
        return self.sop_class_iod.get(sop_class_uid)

    def attribute_type(self, tag: int, iod: str | None, *, nested: bool) -> int:
        """Type of `tag` at the top level of `iod` or inside one of its sequence items; 3 when not required.

        Inside items the strictest Type over the IOD's macros is used; with an unknown IOD, the strictest
        over every IOD.
        """
        by_iod = (self.nested if nested else self.top_level).get(tag)
        if not by_iod:
            return 3
        if iod is None:
            return min(by_iod.values())
        return by_iod.get(iod, 3)


@functools.cache
def load_iod_types(path: Path = IOD_TYPES) -> IodTypes:
    """Load the generated Type table (``standard/generate_iod_types.py``)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    iods = set(data["sop_class_iod"].values())
    levels: dict[str, dict[int, dict[str, int]]] = {"top_level": {}, "nested": {}}
    for name, level in levels.items():
        for tag_text, entry in data[name].items():
            types: dict[str, int] = {}
            for key, names in entry.items():
                if key == "keyword":
                    continue
                for iod in names:
                    if iod not in iods:
                        raise TableError(f"{path.name}: {tag_text} names an IOD without SOP class: {iod!r}")
                    types[iod] = min(types.get(iod, 3), int(key))
            level[parse_tag(tag_text)] = types
    return IodTypes(data["sop_class_iod"], levels["top_level"], levels["nested"])


@dataclass(frozen=True, slots=True)
class SafePrivateTable:
    """Table E.3.10-1: (private creator, group, element byte) -> VR."""

    attributes: Mapping[tuple[str, int, int], str]
    creators: frozenset[str]

    def vr_of(self, creator: str, group: int, element_byte: int) -> str | None:
        """VR of a safe private attribute, or None when it is not safe."""
        return self.attributes.get((creator, group, element_byte))


@functools.cache
def load_safe_private(path: Path = SAFE_PRIVATE) -> SafePrivateTable:
    """Load the normalised safe private table (see ``standard/normalise_safe_private.py``)."""
    attributes: dict[tuple[str, int, int], str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["private_creator"], int(row["group"], 16), int(row["element"], 16))
            attributes[key] = row["vr"]
    return SafePrivateTable(attributes, frozenset(creator for creator, _, _ in attributes))
