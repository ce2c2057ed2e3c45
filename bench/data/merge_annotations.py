"""Build midrc_adjudicated.csv from the annotators' files (see ADJUDICATION.md).

    .venv/bin/python bench/data/merge_annotations.py [--check]

annotations/annotator_a.csv and annotator_b.csv: every row of MIDRC's table, `acceptable` codes (space
separated, or `none`). annotations/third.csv (`line,acceptable,reason`): the third annotator's choice for the
rows where the two share no code. Also written: the harmonize vocabulary's midrc_corrections.csv, the rows
whose MIDRC code is not among the adjudicated ones, with the adjudicated code the mapper's table uses
instead. With --check the outputs are compared with the files on disk instead of written (exit 1 if one
differs or a row has no resolution yet).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "midrc_adjudicated.csv"
CORRECTIONS = HERE.parents[1] / "services" / "harmonize" / "vocabulary" / "midrc_corrections.csv"
CORRECTION_COLUMNS = ["line", "description", "midrc_code", "code", "reason"]
COLUMNS = ["line", "part", "modality", "description", "midrc_code", "acceptable", "annotator_a", "annotator_b",
           "resolution", "note"]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def codes(value: str) -> list[str]:
    return value.split()


def merge(a_rows: list[dict[str, str]], b_rows: list[dict[str, str]], third: dict[str, str],
          midrc: dict[str, tuple[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    """The adjudicated rows, and the lines still waiting for the third annotator."""
    b_by_line = {r["line"]: r for r in b_rows}
    if set(b_by_line) != {r["line"] for r in a_rows}:
        raise SystemExit("the annotators' files cover different rows")
    out: list[dict[str, str]] = []
    waiting: list[str] = []
    for a in a_rows:
        b = b_by_line[a["line"]]
        ca, cb = codes(a["acceptable"]), codes(b["acceptable"])
        shared = [c for c in ca if c in cb]
        if shared:
            acceptable, resolution = " ".join(shared), "agreed"
        elif a["line"] in third:
            acceptable, resolution = third[a["line"]], "third"
        else:
            waiting.append(a["line"])
            acceptable, resolution = "", "waiting"
        notes = [n for n in (a.get("note", "").strip(), b.get("note", "").strip()) if n]
        code, part = midrc[a["line"]]
        out.append({
            "line": a["line"], "part": part, "modality": a["modality"], "description": a["description"],
            "midrc_code": code,
            "acceptable": acceptable, "annotator_a": " ".join(ca), "annotator_b": " ".join(cb),
            "resolution": resolution,
            "note": "" if code in codes(acceptable) else " | ".join(notes),
        })
    return out, waiting


def corrections(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows whose MIDRC code was not adjudicated acceptable, with the first adjudicated code instead."""
    return [{"line": r["line"], "description": r["description"], "midrc_code": r["midrc_code"],
             "code": codes(r["acceptable"])[0], "reason": r["note"]}
            for r in rows if r["acceptable"] and r["midrc_code"] not in codes(r["acceptable"])]


def render(rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parents[1]))
    from bench.harmonize_eval import held_out
    from services.harmonize.procedure import read_midrc_table

    midrc = {str(r.line): (r.code, "held_out" if held_out(r) else "development")
             for r in read_midrc_table(corrected=False)}
    third_path = HERE / "annotations" / "third.csv"
    third = {r["line"]: r["acceptable"] for r in read(third_path)} if third_path.exists() else {}
    rows, waiting = merge(read(HERE / "annotations" / "annotator_a.csv"),
                          read(HERE / "annotations" / "annotator_b.csv"), third, midrc)
    if {r["line"] for r in rows} != set(midrc):
        raise SystemExit("the annotators' files do not cover MIDRC's table row for row")
    outputs = {OUTPUT: render(rows), CORRECTIONS: render(corrections(rows), CORRECTION_COLUMNS)}
    if args.check:
        same = all(path.exists() and path.read_text(encoding="utf-8") == text for path, text in outputs.items())
        print("adjudicated labels up to date" if same and not waiting else "adjudicated labels out of date")
        return 0 if same and not waiting else 1
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    print(f"{len(rows)} rows, {sum(r['resolution'] == 'agreed' for r in rows)} agreed, "
          f"{sum(r['resolution'] == 'third' for r in rows)} by the third annotator, {len(waiting)} waiting: "
          f"{' '.join(waiting)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
