"""Build midrc_adjudicated.csv and unmapped_adjudicated.csv from the annotators' files (see ADJUDICATION.md).

    .venv/bin/python bench/data/merge_annotations.py [--check]

annotations/annotator_a.csv and annotator_b.csv: every row of MIDRC's table, `acceptable` codes (space
separated, or `none`). annotations/third.csv (`line,acceptable,reason`): the third annotator's choice for the
rows where the two share no code. Also written: the harmonize vocabulary's midrc_corrections.csv, the rows
whose MIDRC code is not among the adjudicated ones, with the adjudicated code the mapper's table uses
instead. The same for the sample of descriptions MIDRC's table does not map (unmapped_sample.csv): the
files of annotations/unmapped/, keyed by the sample's `id`, and the Chinese set (annotations/zh/); both sets
again against the whole catalogue (annotations/*_whole_catalogue/; the rows labelled again when the catalogue
changed in revision_*/, which replace the same ids); Chinese exam names written in pinyin
(annotations/pinyin_whole_catalogue/); the sets written later (WRITTEN_SETS); the samples of
NCI's Imaging Data Commons (annotations/idc/, annotations/idc_development/, annotations/idc_development_2/,
annotations/idc_2/, annotations/idc_development_3/ to annotations/idc_development_7/).
With --check the outputs are compared with the files on disk instead of written (exit 1 if one differs or a
row has no resolution yet).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "midrc_adjudicated.csv"
CORRECTIONS = HERE.parents[1] / "services" / "harmonize" / "vocabulary" / "midrc_corrections.csv"
CORRECTION_COLUMNS = ["line", "description", "midrc_code", "code", "reason"]
COLUMNS = ["line", "part", "modality", "description", "midrc_code", "acceptable", "annotator_a", "annotator_b",
           "resolution", "note"]
UNMAPPED_SAMPLE = HERE / "unmapped_sample.csv"
UNMAPPED_ANNOTATIONS = HERE / "annotations" / "unmapped"
UNMAPPED_OUTPUT = HERE / "unmapped_adjudicated.csv"
UNMAPPED_COLUMNS = ["id", "modality", "description", "frequency", "acceptable", "annotator_a", "annotator_b",
                    "resolution", "note"]
ZH_SAMPLE = HERE / "zh_descriptions.csv"
ZH_ANNOTATIONS = HERE / "annotations" / "zh"
ZH_OUTPUT = HERE / "zh_adjudicated.csv"
ZH_COLUMNS = ["id", "modality", "description", "acceptable", "annotator_a", "annotator_b", "resolution", "note"]
#: The same two sets labelled again against the whole catalogue (MIDRC's and the Playbook's codes; the codes are
#: listed in labelled_catalogue.txt). The sets above were labelled against MIDRC's codes.
UNMAPPED_WHOLE_ANNOTATIONS = HERE / "annotations" / "unmapped_whole_catalogue"
UNMAPPED_WHOLE_OUTPUT = HERE / "unmapped_adjudicated_whole_catalogue.csv"
ZH_WHOLE_ANNOTATIONS = HERE / "annotations" / "zh_whole_catalogue"
ZH_WHOLE_OUTPUT = HERE / "zh_adjudicated_whole_catalogue.csv"
#: Chinese exam names written in pinyin (written for the bench), labelled against the whole catalogue.
PINYIN_SAMPLE = HERE / "pinyin_descriptions.csv"
PINYIN_WHOLE_ANNOTATIONS = HERE / "annotations" / "pinyin_whole_catalogue"
PINYIN_WHOLE_OUTPUT = HERE / "pinyin_adjudicated_whole_catalogue.csv"
PINYIN_COLUMNS = ["id", "modality", "description", "chinese", "acceptable", "annotator_a", "annotator_b", "resolution",
                  "note"]


class WrittenSet(NamedTuple):
    """A set written for the bench after a vocabulary version was frozen, labelled against the whole catalogue by
    the protocol file of that time: odd ids for development, even ids blind."""

    name: str
    sample: Path
    annotations: Path
    output: Path
    columns: list[str]
    frozen: str  # the vocabulary version frozen when it was written and labelled

    @property
    def title(self) -> str:
        """The set's name as a report's line begins it."""
        return self.name[0].upper() + self.name[1:]


def version_key(version: str) -> tuple[int, ...]:
    """A vocabulary version as a sort key (4.13 after 4.3)."""
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _written(name: str, sample: str, labels: str, frozen: str, columns: list[str] = ZH_COLUMNS) -> WrittenSet:
    """A written set whose files follow the names of the sets written later: `<labels>_whole_catalogue/` and
    `<labels>_adjudicated_whole_catalogue.csv`."""
    return WrittenSet(name, HERE / sample, HERE / "annotations" / f"{labels}_whole_catalogue",
                      HERE / f"{labels}_adjudicated_whole_catalogue.csv", columns, frozen)


#: The sets written later than the first Chinese and pinyin sets (English and European ones too).
WRITTEN_SETS = (
    _written("second Chinese set", "zh_descriptions_2.csv", "zh_2", "4.68"),
    _written("second pinyin set", "pinyin_descriptions_2.csv", "pinyin_2", "4.69", PINYIN_COLUMNS),
    _written("third Chinese set", "zh_descriptions_3.csv", "zh_3", "4.69"),
    _written("fourth Chinese set", "zh_descriptions_4.csv", "zh_4", "4.70"),
    _written("fifth Chinese set", "zh_descriptions_5.csv", "zh_5", "4.72"),
    _written("first English set", "en_descriptions_1.csv", "en_1", "4.73"),
    _written("second English set", "en_descriptions_2.csv", "en_2", "4.74"),
    _written("first European set", "eu_descriptions_1.csv", "eu_1", "4.75"),
    _written("second European set", "eu_descriptions_2.csv", "eu_2", "4.76"),
    _written("third European set", "eu_descriptions_3.csv", "eu_3", "4.77"),
    _written("fourth European set", "eu_descriptions_4.csv", "eu_4", "4.78"),
    _written("sixth Chinese set", "zh_descriptions_6.csv", "zh_6", "4.78"),
    _written("third English set", "en_descriptions_3.csv", "en_3", "4.79"),
    _written("seventh Chinese set", "zh_descriptions_7.csv", "zh_7", "4.79"),
    _written("fifth European set", "eu_descriptions_5.csv", "eu_5", "4.80"),
    _written("eighth Chinese set", "zh_descriptions_8.csv", "zh_8", "4.80"),
    _written("fourth English set", "en_descriptions_4.csv", "en_4", "4.81"),
    _written("ninth Chinese set", "zh_descriptions_9.csv", "zh_9", "4.81"),
    _written("sixth European set", "eu_descriptions_6.csv", "eu_6", "4.81"),
    _written("fifth English set", "en_descriptions_5.csv", "en_5", "4.82"),
    _written("seventh European set", "eu_descriptions_7.csv", "eu_7", "4.82"),
    _written("sixth English set", "en_descriptions_6.csv", "en_6", "4.85"),
    _written("tenth Chinese set", "zh_descriptions_10.csv", "zh_10", "4.85"),
    _written("eighth European set", "eu_descriptions_8.csv", "eu_8", "4.85"),
    _written("seventh English set", "en_descriptions_7.csv", "en_7", "4.87"),
    _written("eleventh Chinese set", "zh_descriptions_11.csv", "zh_11", "4.87"),
    _written("ninth European set", "eu_descriptions_9.csv", "eu_9", "4.87"),
    _written("eighth English set", "en_descriptions_8.csv", "en_8", "4.88"),
    _written("twelfth Chinese set", "zh_descriptions_12.csv", "zh_12", "4.88"),
    _written("tenth European set", "eu_descriptions_10.csv", "eu_10", "4.88"),
    _written("ninth English set", "en_descriptions_9.csv", "en_9", "4.89"),
    _written("thirteenth Chinese set", "zh_descriptions_13.csv", "zh_13", "4.89"),
    _written("eleventh European set", "eu_descriptions_11.csv", "eu_11", "4.89"),
    _written("tenth English set", "en_descriptions_10.csv", "en_10", "4.91"),
    _written("twelfth European set", "eu_descriptions_12.csv", "eu_12", "4.91"),
    _written("eleventh English set", "en_descriptions_11.csv", "en_11", "4.92"),
    _written("fourteenth Chinese set", "zh_descriptions_14.csv", "zh_14", "4.92"),
    _written("thirteenth European set", "eu_descriptions_13.csv", "eu_13", "4.92"),
    _written("twelfth English set", "en_descriptions_12.csv", "en_12", "4.93"),
    _written("fifteenth Chinese set", "zh_descriptions_15.csv", "zh_15", "4.93"),
    _written("fourteenth European set", "eu_descriptions_14.csv", "eu_14", "4.93"),
    _written("thirteenth English set", "en_descriptions_13.csv", "en_13", "4.94"),
    _written("sixteenth Chinese set", "zh_descriptions_16.csv", "zh_16", "4.94"),
    _written("fifteenth European set", "eu_descriptions_15.csv", "eu_15", "4.94"),
    _written("fourteenth English set", "en_descriptions_14.csv", "en_14", "4.95"),
    _written("seventeenth Chinese set", "zh_descriptions_17.csv", "zh_17", "4.95"),
    _written("fifteenth English set", "en_descriptions_15.csv", "en_15", "4.96"),
    _written("sixteenth European set", "eu_descriptions_16.csv", "eu_16", "4.96"),
    _written("sixteenth English set", "en_descriptions_16.csv", "en_16", "4.97"),
    _written("eighteenth Chinese set", "zh_descriptions_18.csv", "zh_18", "4.97"),
    _written("seventeenth European set", "eu_descriptions_17.csv", "eu_17", "4.97"),
    _written("seventeenth English set", "en_descriptions_17.csv", "en_17", "4.98"),
    _written("nineteenth Chinese set", "zh_descriptions_19.csv", "zh_19", "4.98"),
    _written("eighteenth European set", "eu_descriptions_18.csv", "eu_18", "4.98"),
    _written("eighteenth English set", "en_descriptions_18.csv", "en_18", "4.99"),
    _written("twentieth Chinese set", "zh_descriptions_20.csv", "zh_20", "4.99"),
    _written("nineteenth European set", "eu_descriptions_19.csv", "eu_19", "4.99"),
    _written("nineteenth English set", "en_descriptions_19.csv", "en_19", "4.100"),
    _written("twenty-first Chinese set", "zh_descriptions_21.csv", "zh_21", "4.100"),
    _written("twentieth European set", "eu_descriptions_20.csv", "eu_20", "4.100"),
)
#: MIDRC's held-out rows (bench/harmonize_eval.py's split, `id` = the table's line) labelled against the whole
#: catalogue; the whole table was adjudicated against MIDRC's codes (midrc_adjudicated.csv).
MIDRC_HELD_OUT_SAMPLE = HERE / "midrc_held_out.csv"
MIDRC_HELD_OUT_WHOLE_ANNOTATIONS = HERE / "annotations" / "midrc_held_out_whole_catalogue"
MIDRC_HELD_OUT_WHOLE_OUTPUT = HERE / "midrc_held_out_adjudicated_whole_catalogue.csv"
#: The development sample (what rules are written against), labelled against the whole catalogue by two
#: annotators and a third, like the test sets.
UNMAPPED_DEVELOPMENT_SAMPLE = HERE / "unmapped_development.csv"
UNMAPPED_DEVELOPMENT_WHOLE_ANNOTATIONS = HERE / "annotations" / "unmapped_development_whole_catalogue"
UNMAPPED_DEVELOPMENT_WHOLE_OUTPUT = HERE / "unmapped_development_adjudicated_whole_catalogue.csv"
#: Study descriptions of NCI's Imaging Data Commons (idc_sample.py): two test samples and seven development
#: samples, each labelled by two annotators and a third: (name, sample file, annotations folder, output file, part
#: of the bench report: development, whose errors are listed, or a sealed test).
IDC_SETS = (
    ("IDC sample", "idc_sample.csv", "idc", "idc_adjudicated.csv", "test"),
    ("IDC development sample", "idc_development.csv", "idc_development", "idc_development_adjudicated.csv",
     "development"),
    ("IDC second development sample", "idc_development_2.csv", "idc_development_2",
     "idc_development_2_adjudicated.csv", "development"),
    ("IDC second test sample", "idc_sample_2.csv", "idc_2", "idc_2_adjudicated.csv", "test_2"),
    *((f"IDC {nth} development sample", f"idc_development_{n}.csv", f"idc_development_{n}",
       f"idc_development_{n}_adjudicated.csv", "development")
      for n, nth in ((3, "third"), (4, "fourth"), (5, "fifth"), (6, "sixth"), (7, "seventh"))),
)
IDC_COLUMNS = ["id", "modality", "description", "collection", "studies", "acceptable", "annotator_a", "annotator_b",
               "resolution", "note"]
#: Sets keyed by `id`, labelled after the vocabulary was frozen: (name, sample, annotations, output, columns).
FRESH_SETS = (
    ("unmapped sample", UNMAPPED_SAMPLE, UNMAPPED_ANNOTATIONS, UNMAPPED_OUTPUT, UNMAPPED_COLUMNS),
    ("Chinese descriptions", ZH_SAMPLE, ZH_ANNOTATIONS, ZH_OUTPUT, ZH_COLUMNS),
    ("unmapped sample, whole catalogue", UNMAPPED_SAMPLE, UNMAPPED_WHOLE_ANNOTATIONS, UNMAPPED_WHOLE_OUTPUT,
     UNMAPPED_COLUMNS),
    ("Chinese descriptions, whole catalogue", ZH_SAMPLE, ZH_WHOLE_ANNOTATIONS, ZH_WHOLE_OUTPUT, ZH_COLUMNS),
    ("MIDRC held-out rows, whole catalogue", MIDRC_HELD_OUT_SAMPLE, MIDRC_HELD_OUT_WHOLE_ANNOTATIONS,
     MIDRC_HELD_OUT_WHOLE_OUTPUT, ZH_COLUMNS),
    ("pinyin descriptions, whole catalogue", PINYIN_SAMPLE, PINYIN_WHOLE_ANNOTATIONS, PINYIN_WHOLE_OUTPUT,
     PINYIN_COLUMNS),
    *((f"{w.name}, whole catalogue", w.sample, w.annotations, w.output, w.columns) for w in WRITTEN_SETS),
    ("development sample, whole catalogue", UNMAPPED_DEVELOPMENT_SAMPLE, UNMAPPED_DEVELOPMENT_WHOLE_ANNOTATIONS,
     UNMAPPED_DEVELOPMENT_WHOLE_OUTPUT, UNMAPPED_COLUMNS),
    *((name, HERE / sample, HERE / "annotations" / labels, HERE / output, IDC_COLUMNS)
      for name, sample, labels, output, _ in IDC_SETS),
)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def codes(value: str) -> list[str]:
    return value.split()


def resolve(a: list[str], b: list[str], third: str | None) -> tuple[str, str]:
    """The adjudicated codes of one row and how they were reached: the codes both annotators accept, in the
    first one's order; else the third annotator's choice; else `waiting`."""
    shared = [c for c in a if c in b]
    if shared:
        return " ".join(shared), "agreed"
    if third is not None:
        return third, "third"
    return "", "waiting"


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
        acceptable, resolution = resolve(ca, cb, third.get(a["line"]))
        if resolution == "waiting":
            waiting.append(a["line"])
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


def merge_unmapped(a_rows: list[dict[str, str]], b_rows: list[dict[str, str]], third: dict[str, str],
                   sample: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    """The adjudicated rows of a sample keyed by `id` (the unmapped sample, the Chinese descriptions), in the
    sample's order, and the ids still waiting (for an annotator or for the third). Rows are adjudicated as both
    annotators' files reach them."""
    by_id = [{r["id"]: r for r in rows} for rows in (a_rows, b_rows)]
    ids = {r["id"] for r in sample}
    for annotated in by_id:
        if not set(annotated) <= ids:
            raise SystemExit("an annotator's file has rows that are not in its sample")
    out: list[dict[str, str]] = []
    waiting: list[str] = []
    for row in sample:
        if any(row["id"] not in annotated for annotated in by_id):
            waiting.append(row["id"])
            continue
        a, b = (annotated[row["id"]] for annotated in by_id)
        if (a["description"], b["description"]) != (row["description"], row["description"]):
            raise SystemExit(f"id {row['id']}: an annotator's description differs from the sample's")
        ca, cb = codes(a["acceptable"]), codes(b["acceptable"])
        acceptable, resolution = resolve(ca, cb, third.get(row["id"]))
        if resolution == "waiting":
            waiting.append(row["id"])
            continue
        notes = [n for n in (a.get("note", "").strip(), b.get("note", "").strip()) if n]
        out.append({**row, "acceptable": acceptable, "annotator_a": " ".join(ca), "annotator_b": " ".join(cb),
                    "resolution": resolution,
                    "note": " | ".join(notes) if resolution != "agreed" or acceptable == "none" else ""})
    return out, waiting


def corrections(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows whose MIDRC code was not adjudicated acceptable, with the first adjudicated code instead."""
    return [{"line": r["line"], "description": r["description"], "midrc_code": r["midrc_code"],
             "code": codes(r["acceptable"])[0], "reason": r["note"]}
            for r in rows if r["acceptable"] and r["midrc_code"] not in codes(r["acceptable"])]


def write_samples(outputs: dict[Path, str], check: bool, what: str) -> int:
    """Write each sample file, or with `check` compare them with the files on disk (1 if one differs)."""
    stale = [path.name for path, text in outputs.items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if check:
        print(f"out of date: {', '.join(stale)}" if stale else f"{what} up to date")
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"{text.count(chr(10)) - 1} rows written to {path.name}")
    return 0


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
    from bench.harmonize_eval import held_out, read_revisions, with_revisions
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
    fresh: dict[str, tuple[list[dict[str, str]], list[str]]] = {}
    for name, sample, labels, output, columns in FRESH_SETS:
        if not sample.exists() or not labels.exists():  # a set not labelled yet
            continue
        third_ids = labels / "third.csv"
        fresh_third = {r["id"]: r["acceptable"] for r in read(third_ids)} if third_ids.exists() else {}
        revisions = {x: read_revisions(labels, f"annotator_{x}.csv") for x in ("a", "b")}
        annotated = [with_revisions(read(labels / f"annotator_{x}.csv"), labels, f"annotator_{x}.csv", revisions[x])
                     if (labels / f"annotator_{x}.csv").exists() else [] for x in ("a", "b")]
        for revision, revised_rows in revisions["a"]:  # a row labelled again is decided again
            revised = {r["id"] for r in revised_rows}
            fresh_third = {i: c for i, c in fresh_third.items() if i not in revised}
            if (revision / "third.csv").exists():
                fresh_third.update((r["id"], r["acceptable"]) for r in read(revision / "third.csv"))
        fresh[name] = merge_unmapped(annotated[0], annotated[1], fresh_third, read(sample))
        outputs[output] = render(fresh[name][0], columns)
    if args.check:
        same = all(path.exists() and path.read_text(encoding="utf-8") == text for path, text in outputs.items())
        print("adjudicated labels up to date" if same and not waiting else "adjudicated labels out of date")
        return 0 if same and not waiting else 1
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    for name, merged in (("MIDRC table", rows), *((n, m) for n, (m, _) in fresh.items())):
        print(f"{name}: {len(merged)} rows, {sum(r['resolution'] == 'agreed' for r in merged)} agreed, "
              f"{sum(r['resolution'] == 'third' for r in merged)} by the third annotator")
    print(f"{len(waiting)} waiting: {' '.join(waiting)}")
    for name, (merged, fresh_waiting) in fresh.items():
        print(f"{name}: {len(fresh_waiting)} of {len(merged) + len(fresh_waiting)} rows not adjudicated yet"
              + (f" ({' '.join(fresh_waiting)})" if fresh_waiting and len(fresh_waiting) <= 20 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
