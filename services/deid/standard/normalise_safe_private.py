"""Generate ``safe_private.csv`` from the published Table E.3.10-1 copy in this folder.

The published table was parsed from part15.xml, where some cells span several rows. This script undoes
what a flattening parser can get wrong and writes one self-contained row per (creator, group, element):

- cells are stripped of surrounding white space, zero-width spaces and CR;
- an empty Data Element or Private Creator cell (the mark of a spanned cell that was not copied down) is
  filled from the row above; the number of such repairs is printed;
- the tag ``(gggg,xxee)`` is checked (odd group, ``xx`` block placeholder) and upper-cased; the published
  text mixes ``xx0a`` and ``xx0A``;
- an empty VR (five SIEMENS Ultrasound SC2000 rows are published without one) becomes ``UN``;
- a repeated (creator, group, element) is an error.

Run from the repository root: ``python -m services.deid.standard.normalise_safe_private``.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "ps3.15_2023b_table_E.3.10-1_safe_private.csv"
TARGET = HERE / "safe_private.csv"

_TAG = re.compile(r"^\(([0-9A-Fa-f]{4}),[xX]{2}([0-9A-Fa-f]{2})\)$")
_JUNK = str.maketrans("", "", "\u200b\ufeff\r")
FIELDS = ("group", "element", "private_creator", "vr", "vm", "meaning")


def _clean(cell: str) -> str:
    return cell.translate(_JUNK).strip()


def normalise(source: Path = SOURCE) -> tuple[list[dict[str, str]], int]:
    """Return the normalised rows and how many spanned cells were filled from the row above."""
    rows: list[dict[str, str]] = []
    filled = 0
    seen: set[tuple[str, str, str]] = set()
    previous: dict[str, str] = {}
    with source.open(newline="", encoding="utf-8") as handle:
        for line, raw in enumerate(csv.DictReader(handle), start=2):
            cells = {key: _clean(value or "") for key, value in raw.items()}
            for column in ("Data Element", "Private Creator"):
                if not cells[column]:
                    if not previous:
                        raise ValueError(f"line {line}: empty {column} in the first row")
                    cells[column] = previous[column]
                    filled += 1
            match = _TAG.match(cells["Data Element"])
            if match is None:
                raise ValueError(f"line {line}: data element {cells['Data Element']!r} is not (gggg,xxee)")
            group, element = match.group(1).upper(), match.group(2).upper()
            if int(group, 16) % 2 == 0:
                raise ValueError(f"line {line}: group {group} is not odd (not private)")
            key = (cells["Private Creator"], group, element)
            if key in seen:
                raise ValueError(f"line {line}: {key} is repeated")
            seen.add(key)
            rows.append(
                {
                    "group": group,
                    "element": element,
                    "private_creator": cells["Private Creator"],
                    "vr": cells["VR"] or "UN",
                    "vm": cells["VM"],
                    "meaning": cells["Meaning"],
                }
            )
            previous = cells
    return rows, filled


def main() -> int:
    rows, filled = normalise()
    with TARGET.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    creators = len({row["private_creator"] for row in rows})
    sys.stdout.write(f"{TARGET.name}: {len(rows)} rows, {creators} private creators, {filled} cells filled\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
