"""Generate ``ps3.3_attribute_types.json``: PS3.3 Types, per IOD, of the attributes Annex E may remove.

Table E.1-1's compound actions (X/Z, X/D, X/Z/D, Z/D, X/Z/U*) resolve by the attribute's Type in the
instance's IOD, and a plain X on an attribute the IOD makes Type 1 or 2 (a 1C / 2C condition the table
cannot see, such as Responsible Person for animals) is done as D or Z to keep the IOD valid. So every row
whose Basic Profile action is compound or X is covered.

The Types come from the PS3.3 IOD and module tables in machine-readable form as shipped by highdicom
(``highdicom/_standard``: IOD -> modules, module -> attributes with Type and sequence path, SOP Class ->
IOD), read here and nowhere at run time. For each attribute and each IOD the strictest Type over the IOD's
modules is kept, whatever the module's usage (a present optional module makes its Type 1 and 2 attributes
required); 1C and 2C count as 1 and 2. Top-level and nested (inside any sequence item) occurrences are kept
apart. Type 3 is the default and is not written; IODs that no SOP Class uses are left out.

    python -m services.deid.standard.generate_iod_types          # rewrite the file
    python -m services.deid.standard.generate_iod_types --check  # exit 1 when the file is out of date
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any

from pydicom.datadict import keyword_for_tag

HERE = Path(__file__).resolve().parent
TABLE = HERE / "ps3.15_2023b_table_E.1-1.csv"
OUTPUT = HERE / "ps3.3_attribute_types.json"
_TYPES = {"1": 1, "1C": 1, "2": 2, "2C": 2, "3": 3}


def removable_tags(table: Path = TABLE) -> dict[str, int]:
    """Keyword -> tag of every Table E.1-1 row whose Basic Profile action is compound or X."""
    found: dict[str, int] = {}
    with table.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = row["tag"].strip()
            code = row["basic_profile"]
            if ("X" not in code and "/" not in code) or "x" in text.lower() or "odd" in text:
                continue
            group, element = text.strip("()").split(",")
            tag = (int(group, 16) << 16) | int(element, 16)
            keyword = keyword_for_tag(tag)
            if keyword:  # retired attributes pydicom does not name cannot be looked up
                found[keyword] = tag
    return found


def _highdicom_table(name: str) -> Any:
    import highdicom

    path = Path(highdicom.__file__).parent / "_standard" / name
    return json.loads(path.read_text(encoding="utf-8"))


def generate() -> dict[str, Any]:
    """The file's content."""
    modules = _highdicom_table("module_attribute_map.json")
    iods = _highdicom_table("iod_module_map.json")
    sop_classes: dict[str, str] = _highdicom_table("sop_class_iod_map.json")
    tags = removable_tags()
    levels: dict[str, dict[str, dict[str, int]]] = {"top_level": {}, "nested": {}}
    for iod, iod_modules in iods.items():
        if iod not in sop_classes.values():
            continue  # an IOD no SOP class uses cannot occur in a file
        for module in iod_modules:
            for attribute in modules.get(module["key"], []):  # a few modules have no attribute table
                if attribute["keyword"] not in tags:
                    continue
                level = levels["nested" if attribute["path"] else "top_level"]
                by_iod = level.setdefault(attribute["keyword"], {})
                by_iod[iod] = min(by_iod.get(iod, 3), _TYPES[attribute["type"]])
    content: dict[str, Any] = {
        "source": f"DICOM PS3.3 IOD and module tables as shipped in highdicom "
        f"{importlib.metadata.version('highdicom')} (highdicom/_standard); Table E.1-1 of PS3.15 2023b",
        "generator": "python -m services.deid.standard.generate_iod_types",
        "sop_class_iod": dict(sorted(sop_classes.items())),
    }
    for name, level in levels.items():
        rows: dict[str, dict[str, Any]] = {}
        for keyword in sorted(level, key=lambda k: tags[k]):
            by_type: dict[str, list[str]] = {}
            for iod, attribute_type in sorted(level[keyword].items()):
                if attribute_type < 3:
                    by_type.setdefault(str(attribute_type), []).append(iod)
            if by_type:
                tag = tags[keyword]
                rows[f"({tag >> 16:04X},{tag & 0xFFFF:04X})"] = {"keyword": keyword, **by_type}
        content[name] = rows
    return content


def render(content: dict[str, Any]) -> str:
    return json.dumps(content, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = render(generate())
    if args.check:
        same = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print(f"{OUTPUT.name}: {'up to date' if same else 'OUT OF DATE'}")
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
