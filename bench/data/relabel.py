"""A relabelling round of the whole-catalogue label sets (ADJUDICATION.md): choose the rows a decided convention or a
catalogue revision may concern, by patterns over the descriptions, and install the annotators' answers as each set's
`revision_vocabulary_<version>/` files.

    .venv/bin/python bench/data/relabel.py select ROUND OUT_DIR    # OUT_DIR/rows_1.csv, rows_2.csv; counts per set
    .venv/bin/python bench/data/relabel.py install ROUND IN_DIR   # IN_DIR: annotator_a_<half>.csv, annotator_b_...,
                                                                  # third.csv where the two share no code
    .venv/bin/python bench/data/relabel.py install ROUND IN_DIR --check   # compare with the files on disk

`select` prints counts only (rows chosen per set), never a row of a blind set. The rows are dealt into two halves,
each labelled by two annotators given only annotations/PROTOCOL.md, the catalogue and their half (columns set, id,
modality, description); they write the same columns with `acceptable` and `note` added. `install` refuses answers
missing a row, codes outside the catalogue, or a row whose two annotators share no code and no third answer
(third.csv: set, id, acceptable, reason). Then run merge_annotations.py.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from bench.data.merge_annotations import (  # noqa: E402
    FRESH_SETS,
    UNMAPPED_ANNOTATIONS,
    WRITTEN_SETS,
    ZH_ANNOTATIONS,
    read,
    version_key,
)

ANNOTATIONS = HERE / "annotations"
CATALOGUE = HERE / "labelled_catalogue.txt"
#: The whole-catalogue label sets (merge_annotations.py's, but the two labelled over MIDRC's codes alone):
#: annotations folder -> the sample its ids are rows of.
SETS = {labels.name: sample for _, sample, labels, _, _ in FRESH_SETS
        if labels not in (UNMAPPED_ANNOTATIONS, ZH_ANNOTATIONS)}
#: Sets labelled by a protocol that already held a later round's conventions: the vocabulary version frozen when
#: they were labelled. A round concerns only the sets labelled before its version.
LABELLED_AT = {w.annotations.name: w.frozen for w in WRITTEN_SETS}
COLUMNS = ["set", "id", "modality", "description"]
ANSWER_COLUMNS = [*COLUMNS, "acceptable", "note"]
REVISION_COLUMNS = ["id", "modality", "description", "acceptable", "note"]

_VIEW_WORD = r"(?:V|VS|VW|VWS|VIEW|VIEWS|PROJ\w*)"
#: At least N views said (convention V): N+ VIEWS, MIN N VIEWS, MINIMUM OF N, N VIEWS MIN, N OR MORE, AT LEAST N.
AT_LEAST_VIEWS = re.compile("|".join([
    rf"\d\s*\+\s*{_VIEW_WORD}?\b", r"\bMIN(?:IMUM|\.)?\s*(?:OF\s*)?\d+", rf"\d+\s*{_VIEW_WORD}\s*MIN",
    rf"\d+\s*(?:{_VIEW_WORD}\s*)?OR\s*MORE", r"\bAT\s*LEAST\s*\d", r"\bGE\s*\d", r">=\s*\d", "至少", "以上"]), re.I)
VIEW_SAID = re.compile(r"VIEW|VW|\bV\b|\dV|PROJ|\+", re.I)
#: A CT angiogram named (convention X), and any word saying contrast.
ANGIOGRAM = re.compile(r"CTA|ANGIO|血管成像|血管造影|CTV|CT-A\b|DONGMAI CT|XUEGUAN", re.I)
CONTRAST_SAID = re.compile(
    r"\bW\b|WITH|W/|\bWO\b|W\+|WWO|\bWC\b|CONTRAST|CONTR|\bCONT|\bCON\b|C\+|C-|\bENH|\bIV\b|NON.?CON|PLAIN|PRE|POST|"
    r"增强|平扫|ZENGQ|PINGS|\bPS\b|\bZQ\b|_W_|_WO_|_W$|_WO$|\bNC\b", re.I)
RADIOGRAPHS = {"CR", "DX", "XR", "RF", "MG", "OT", ""}


def _modalities(row: dict[str, str]) -> set[str]:
    return {m.strip().upper() for m in row["modality"].replace(";", ",").split(",")}


def labels_of_4_62(row: dict[str, str]) -> bool:
    """Conventions V and X (labels of vocabulary 4.62): a radiograph naming at least N views; a CT naming an
    angiogram and no contrast word."""
    modalities, text = _modalities(row), row["description"]
    views = bool(modalities & RADIOGRAPHS) and bool(AT_LEAST_VIEWS.search(text)) and bool(VIEW_SAID.search(text))
    angiogram = "CT" in modalities and bool(ANGIOGRAM.search(text)) and not CONTRAST_SAID.search(text)
    return views or angiogram


#: A frontal view named without its direction (convention F): 正位, 正侧位, 正斜位 and their pinyin.
FRONTAL_VIEW = re.compile(r"正位|正侧|正斜|ZHENG\s*(?:CE|XIE)?\s*WEI|ZHENGCE|ZHENGXIE", re.I)
#: A multiparametric MR (convention D).
MULTIPARAMETRIC = re.compile(r"MP\s*-?\s*MRI|MULTI\s*-?\s*PARAMETRIC|多参数|DUO\s*CAN\s*SHU|PI\s*-?\s*RADS", re.I)


def labels_of_4_71(row: dict[str, str]) -> bool:
    """Conventions F and D (labels of vocabulary 4.71): a radiograph naming a frontal view without its direction; an
    MR naming a multiparametric study."""
    modalities, text = _modalities(row), row["description"]
    frontal = bool(modalities & RADIOGRAPHS) and bool(FRONTAL_VIEW.search(text))
    multiparametric = "MR" in modalities and bool(MULTIPARAMETRIC.search(text))
    return frontal or multiparametric


#: Each round's choice of rows, by the vocabulary version whose labels it made.
ROUNDS: dict[str, Callable[[dict[str, str]], bool]] = {"4.62": labels_of_4_62, "4.71": labels_of_4_71}


def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def choose(round_name: str) -> list[dict[str, str]]:
    """The rows of every whole-catalogue set the round concerns, set by set in the samples' order."""
    concerns = ROUNDS[round_name]
    chosen: list[dict[str, str]] = []
    for labels, sample in SETS.items():
        if labels in LABELLED_AT and version_key(LABELLED_AT[labels]) >= version_key(round_name):
            continue
        seen: set[str] = set()
        for row in read(sample):
            key = row.get("id") or row["line"]
            if key not in seen and concerns(row):
                seen.add(key)
                chosen.append({"set": labels, "id": key, "modality": row["modality"],
                               "description": row["description"]})
    return chosen


def select(round_name: str, out: Path) -> dict[str, int]:
    """Write the round's rows in two halves (every other row); the number of rows chosen per set."""
    rows = choose(round_name)
    out.mkdir(parents=True, exist_ok=True)
    for half, part in enumerate((rows[0::2], rows[1::2]), start=1):
        write_csv(out / f"rows_{half}.csv", COLUMNS, part)
    return {labels: sum(r["set"] == labels for r in rows) for labels in SETS}


def _codes(value: str) -> set[str]:
    return set(value.split()) - {"none"}


def revision_files(round_name: str, answers: Path) -> dict[Path, list[dict[str, str]]]:
    """The revision files the annotators' answers make, checked against the round's rows and the catalogue."""
    rows = choose(round_name)
    keys = [(r["set"], r["id"]) for r in rows]
    catalogue = set(CATALOGUE.read_text(encoding="utf-8").split())
    by_annotator: dict[str, dict[tuple[str, str], dict[str, str]]] = {}
    for annotator in ("a", "b"):
        given = {(r["set"], r["id"]): r for path in sorted(answers.glob(f"annotator_{annotator}_*.csv"))
                 for r in read(path)}
        if set(given) != set(keys):
            raise SystemExit(f"annotator {annotator}: {len(set(keys) - set(given))} rows missing, "
                             f"{len(set(given) - set(keys))} not of the round")
        unknown = {c for r in given.values() for c in _codes(r["acceptable"])} - catalogue
        if unknown:
            raise SystemExit(f"annotator {annotator}: {len(unknown)} codes outside the catalogue")
        by_annotator[annotator] = given
    a, b = by_annotator["a"], by_annotator["b"]
    disputed = [k for k in keys if not (_codes(a[k]["acceptable"]) & _codes(b[k]["acceptable"]))
                and (_codes(a[k]["acceptable"]) or _codes(b[k]["acceptable"]))]
    third_path = answers / "third.csv"
    third = {(r["set"], r["id"]): r for r in read(third_path)} if third_path.exists() else {}
    if set(third) != set(disputed):
        raise SystemExit(f"{len(disputed)} rows share no code; third.csv answers {len(third)}")
    files: dict[Path, list[dict[str, str]]] = {}
    revision = f"revision_vocabulary_{round_name}"
    for labels in dict.fromkeys(k[0] for k in keys):
        folder = ANNOTATIONS / labels / revision
        for annotator, given in (("a", a), ("b", b)):
            files[folder / f"annotator_{annotator}.csv"] = [given[k] for k in keys if k[0] == labels]
        decided = [{"id": k[1], "acceptable": third[k]["acceptable"], "reason": third[k]["reason"]}
                   for k in disputed if k[0] == labels]
        if decided:
            files[folder / "third.csv"] = decided
    return files


def install(round_name: str, answers: Path, *, check: bool) -> int:
    """Write (or with `check`, compare) the revision files; 1 where one on disk differs."""
    differs = 0
    for path, rows in revision_files(round_name, answers).items():
        columns = ["id", "acceptable", "reason"] if path.name == "third.csv" else REVISION_COLUMNS
        if check:
            on_disk = read(path) if path.exists() else []
            if sorted(tuple(r[c] for c in columns) for r in rows) != sorted(tuple(r.values()) for r in on_disk):
                print(f"{path.relative_to(HERE)}: differs", file=sys.stderr)
                differs = 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_csv(path, columns, rows)
    return differs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    chosen = sub.add_parser("select", help="write the round's rows for the annotators; print counts per set")
    chosen.add_argument("round", choices=sorted(ROUNDS))
    chosen.add_argument("out", type=Path)
    installed = sub.add_parser("install", help="install the annotators' answers as revision files")
    installed.add_argument("round", choices=sorted(ROUNDS))
    installed.add_argument("answers", type=Path)
    installed.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "select":
        for labels, n in select(args.round, args.out).items():
            print(f"{labels}: {n} rows")
        return 0
    return install(args.round, args.answers, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
