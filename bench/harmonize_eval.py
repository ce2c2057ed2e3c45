"""Measure harmonization: LOINC agreement on MIDRC descriptions held out from the rules, real headers, and
series geometry against dcm2niix.

    .venv/bin/python bench/harmonize_eval.py [--json FILE] [--no-geometry] [--errors] [--development] [--rewrites]

1. MIDRC's table is split by a fixed hash of each normalised description: 30 % of the descriptions are held
   out (`held_out`). The mapper used here never sees their rows (no exact match, no votes, no priors), and
   the hand-written vocabulary (procedure_terms.yaml) was written looking only at the other 70 %. Reported:
   top-1 agreement (the best candidate, emitted or not), top-3, and how many mappings are emitted (confidence
   at or above the threshold) and how many of those agree; against MIDRC's labels and against the adjudicated
   ones (bench/data/ADJUDICATION.md: which codes fit each description, by two annotators blind to the mapper).
   --development: leave-one-description-out on the development part, the figure rules are written against.
2. A fresh test set (labelled against MIDRC's codes, and again against the whole catalogue: each label set is
   measured over the catalogue it was chosen from; also reported: rows given a fitting code, of all rows):
   descriptions MIDRC's sites sent that MIDRC's table does not map (a fixed 400-row sample
   of MIDRC's list of 2026-02-04, bench/data/unmapped_sample.py; the rows adjudicated so far), labelled by the
   same protocol after the vocabulary was frozen at version 2.3; mapped by the mapper as deployed (the whole
   corrected table). Reported: right (the best code fits, or nothing emitted where no code fits), also
   weighted by each description's frequency; top-1 on the rows some catalogue code fits, emitted and right;
   rows no code fits withheld. Also by part: the first 200 rows, whose errors under 2.3 were read before 2.4
   was written, and the other 200, whose errors no version's author has read (ADJUDICATION.md).
3. Real headers (tests/unit/harmonize/data/real_headers.csv, labelled by hand): procedure, body part, series
   type; `none` rows must not be emitted.
4. Study descriptions of other sites: NCI's Imaging Data Commons (bench/data/idc_sample.py), seven development
   samples, a test sample labelled after vocabulary 4.6 was frozen and a second one after 4.9 (no error of
   either read).
5. Chinese exam names written in pinyin (bench/data/pinyin_descriptions.csv, written for this bench by a writer
   who did not see the vocabulary), labelled like the fresh set: odd ids for development, even ids blind.
6. Sets written for the bench later by other writers (merge_annotations.WRITTEN_SETS: a second to a
   eleventh Chinese set, a second pinyin set, seven English sets, nine European sets), each after a vocabulary was
   frozen, labelled by the protocol file of that time over the whole catalogue: odd ids for development, even ids
   blind.
7. The multilingual probe descriptions (written with the vocabulary: a regression set, not held out).
8. Geometry: real multi-slice series of pydicom's test files, series built from real single files of
   pydicom-data / deid-data at four orientations, and enhanced multi-frame instances converted from such
   series by highdicom, converted by dcm2niix: same size, spacing within 0.01 mm, same direction cosines (1e-4).
9. --rewrites (alone): the development descriptions rewritten as other sites write the same exam (separators,
   case, abbreviations, word order, what trails them; bench/data/rewrites.yaml): how often the best code stays.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data.idc_sample import OUTPUT as IDC_SAMPLE
from bench.data.merge_annotations import (
    IDC_SETS,
    PINYIN_SAMPLE,
    PINYIN_WHOLE_OUTPUT,
    UNMAPPED_SAMPLE,
    WRITTEN_SETS,
    ZH_SAMPLE,
    WrittenSet,
    version_key,
)
from bench.data.merge_annotations import MIDRC_HELD_OUT_WHOLE_OUTPUT as MIDRC_HELD_OUT_WHOLE
from bench.data.merge_annotations import OUTPUT as ADJUDICATED
from bench.data.merge_annotations import UNMAPPED_DEVELOPMENT_SAMPLE as UNMAPPED_DEVELOPMENT
from bench.data.merge_annotations import UNMAPPED_DEVELOPMENT_WHOLE_OUTPUT as UNMAPPED_DEVELOPMENT_WHOLE_LABELS
from bench.data.merge_annotations import UNMAPPED_OUTPUT as UNMAPPED_ADJUDICATED
from bench.data.merge_annotations import UNMAPPED_WHOLE_OUTPUT as UNMAPPED_WHOLE
from bench.data.merge_annotations import ZH_OUTPUT as ZH_ADJUDICATED
from bench.data.merge_annotations import ZH_WHOLE_OUTPUT as ZH_WHOLE
from services.harmonize.harmonize import default_harmonizer
from services.harmonize.policy import default_policy
from services.harmonize.procedure import (
    CATALOGUE_SOURCES,
    Procedure,
    TableRow,
    _signature,
    build_mapper,
    read_midrc_table,
    series_modality,
)

SPLIT_SALT = "radcurate-midrc-split-1:"
HELD_OUT_PERCENT = 30
ROOT = Path(__file__).resolve().parents[1]
REWRITES = ROOT / "bench" / "data" / "rewrites.yaml"
PROBES = ROOT / "tests" / "unit" / "harmonize" / "data" / "probe_descriptions.csv"
#: The unmapped development set's first labels (one annotator, MIDRC's codes): kept as labelled then.
UNMAPPED_DEVELOPMENT_LABELS = ROOT / "bench" / "data" / "annotations" / "unmapped_development" / "annotator.csv"
#: The catalogue MIDRC's table, its adjudication and the first labels of the fresh, Chinese and development sets
#: were chosen from (MIDRC's codes).
MIDRC_CATALOGUE = ("midrc",)
#: Study descriptions of NCI's Imaging Data Commons (bench/data/idc_sample.py), labelled like the fresh set against
#: the whole catalogue: which part of the report each adjudicated file is (development: errors listed; the tests
#: sealed), as merge_annotations.IDC_SETS lists them. The first test sample is required; the others are reported
#: once labelled.
IDC_PARTS = tuple((ROOT / "bench" / "data" / output, part) for _, _, _, output, part in IDC_SETS)
#: Which labels, over which catalogue: the fresh, Chinese and development sets labelled against the whole catalogue
#: (MIDRC's codes and the Playbook codes the vocabulary reads, bench/data/labelled_catalogue.txt: the mapper as
#: deployed), and their first labels, against MIDRC's codes alone. The label files' paths are merge_annotations'.
LABELS = {
    "whole": (UNMAPPED_WHOLE, ZH_WHOLE, UNMAPPED_DEVELOPMENT_WHOLE_LABELS, CATALOGUE_SOURCES),
    "midrc": (UNMAPPED_ADJUDICATED, ZH_ADJUDICATED, UNMAPPED_DEVELOPMENT_LABELS, MIDRC_CATALOGUE),
}


def read_revisions(labels: Path, file: str) -> list[tuple[Path, list[dict[str, str]]]]:
    """Each revision's rows of `file` (labels/revision_*/file: the rows labelled again when the catalogue
    changed, bench/data/ADJUDICATION.md), oldest revision first."""
    revisions = []
    for revision in sorted(labels.glob("revision_*"), key=lambda path: version_key(path.name.rpartition("_")[2])):
        if (revision / file).exists():
            with (revision / file).open(encoding="utf-8", newline="") as f:
                revisions.append((revision, list(csv.DictReader(f))))
    return revisions


def with_revisions(
    rows: list[dict[str, str]], labels: Path, file: str,
    revisions: list[tuple[Path, list[dict[str, str]]]] | None = None,
) -> list[dict[str, str]]:
    """An annotator's rows (keyed by `id`) with the rows of each later revision (read_revisions, unless given)
    in place of the same ids."""
    by_id = {r["id"]: r for r in rows}
    for _, revised in read_revisions(labels, file) if revisions is None else revisions:
        by_id.update((r["id"], r) for r in revised)
    return list(by_id.values())


def held_out(row: TableRow) -> bool:
    """The fixed split: by a hash of the description (upper case, single spaces), 30 % held out."""
    text = " ".join(row.description.upper().split())
    return int(hashlib.sha256((SPLIT_SALT + text).encode()).hexdigest(), 16) % 100 < HELD_OUT_PERCENT


def row_modality(row: TableRow) -> str | None:
    return series_modality(row.modalities - {"CTPT"})


def read_adjudicated() -> dict[int, frozenset[str]]:
    """Line of MIDRC's table -> the codes adjudicated acceptable (empty: none fits); see bench/data/ADJUDICATION.md."""
    if not ADJUDICATED.exists():
        return {}
    with ADJUDICATED.open(encoding="utf-8", newline="") as f:
        return {int(r["line"]): frozenset(r["acceptable"].split()) - {"none"} for r in csv.DictReader(f)}


def adjudicated_right(fits: frozenset[str], best: str | None, status: str) -> bool:
    """The best candidate is among the adjudicated codes; where no code fits, nothing may be emitted."""
    return best in fits if fits else status != "mapped"


def error_line(r: TableRow, m: Any, fits: frozenset[str] | None) -> str:
    best = m.candidates[0].code if m.candidates else None
    adjudicated = " ".join(sorted(fits)) or "none" if fits is not None else "-"
    return (f"{','.join(sorted(r.modalities)) or '-':8} {r.description[:46]!r:48} midrc {r.code:8} "
            f"adjudicated {adjudicated:18} got {best} {m.status} {m.confidence:.2f} {m.rule}")


def evaluate_midrc(show_errors: bool) -> dict[str, Any]:
    rows = read_midrc_table(corrected=False)  # the labels as MIDRC published them
    adjudicated = read_adjudicated()
    test = [r for r in rows if held_out(r)]
    threshold = default_policy().review_threshold
    mapper = build_mapper(exclude_keys={r.key for r in test}, catalogue_sources=MIDRC_CATALOGUE)
    # no table at all: the reading alone
    reader = build_mapper(exclude_keys={r.key for r in rows}, catalogue_sources=MIDRC_CATALOGUE)
    stats: dict[str, Any] = {"rows": len(rows), "held_out_rows": len(test),
                             "held_out_descriptions": len({r.key for r in test}), "threshold": threshold}
    top1 = top3 = emitted = emitted_ok = below = reader_top1 = same_attributes = 0
    adj = {"rows": 0, "top1": 0, "emitted": 0, "emitted_ok": 0, "midrc_acceptable": 0}
    catalogue = mapper.catalogue

    def essentials(code: str) -> tuple[object, ...]:
        p = catalogue[code]
        return p.modality, p.regions, p.contrast, p.laterality, "angio" in p.qualifiers
    by_modality: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    errors = []
    for r in test:
        m = mapper.map(row_modality(r), study_description=r.description, study_modalities=r.modalities)
        codes = [c.code for c in m.candidates]
        ok = bool(codes) and codes[0] == r.code
        top1 += ok
        top3 += r.code in codes[:3]
        group = sorted(r.modalities)[0] if r.modalities else "-"
        by_modality[group][0] += 1
        by_modality[group][1] += ok
        if m.status == "mapped":
            emitted += 1
            emitted_ok += m.code == r.code
            below += m.confidence < threshold
        same_attributes += bool(codes) and essentials(codes[0]) == essentials(r.code)
        fits = adjudicated.get(r.line)
        ok_adjudicated = None
        if fits is not None:
            ok_adjudicated = adjudicated_right(fits, codes[0] if codes else None, m.status)
            adj["rows"] += 1
            adj["top1"] += ok_adjudicated
            adj["midrc_acceptable"] += r.code in fits
            if m.status == "mapped":
                adj["emitted"] += 1
                adj["emitted_ok"] += m.code in fits
        if not ok or ok_adjudicated is False:
            errors.append((r, m, ok, fits, ok_adjudicated))
        alone = reader.map(row_modality(r), study_description=r.description, study_modalities=r.modalities)
        reader_top1 += bool(alone.candidates) and alone.candidates[0].code == r.code
    n = len(test)
    groups: dict[tuple[Any, ...], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in rows:
        if not held_out(r) and r.key:
            reading, used, _ = reader.read(row_modality(r), [r.description], None, r.modalities)
            groups[_signature(reading.attributes(used), reading.laterality_value)][r.code] += 1
    ceiling = sum(max(c.values()) for c in groups.values()) / max(1, sum(sum(c.values()) for c in groups.values()))
    stats.update({
        "label_consistency_ceiling_development": ceiling,
        "top1": top1 / n, "top3": top3 / n, "reading_only_top1": reader_top1 / n,
        "top1_same_modality_region_contrast_side_angio": same_attributes / n,
        "emitted": emitted / n, "emitted_precision": emitted_ok / max(1, emitted),
        "emitted_below_threshold": below,
        "top1_by_modality": {k: {"rows": v[0], "top1": round(v[1] / v[0], 3)} for k, v in sorted(by_modality.items())},
    })
    if adj["rows"]:
        stats["adjudicated"] = {
            "rows": adj["rows"], "top1": adj["top1"] / adj["rows"],
            "emitted_precision": adj["emitted_ok"] / max(1, adj["emitted"]),
            "midrc_label_acceptable": adj["midrc_acceptable"] / adj["rows"],
        }
    if show_errors:
        print("held-out rows the mapper's best code disagrees with (M: MIDRC's label, A: the adjudicated codes):")
        for r, m, ok, fits, ok_adjudicated in errors:
            marks = ("M" if not ok else " ") + ("A" if ok_adjudicated is False else " ")
            print(f"  {marks} {error_line(r, m, fits)}")
    return stats


def evaluate_midrc_whole(show_errors: bool, *, unseal_blind: bool = False) -> dict[str, Any]:
    """MIDRC's held-out rows against their labels over the whole catalogue, mapped as in evaluate_midrc (no
    held-out row in the table, the votes or the priors). Errors are listed only when `unseal_blind`: these
    labels were made after vocabulary 4.0 was frozen and its errors on them stay unread."""
    if not MIDRC_HELD_OUT_WHOLE.exists():
        return {"skipped": f"{MIDRC_HELD_OUT_WHOLE.name} not built yet"}
    test_keys = {r.key for r in read_midrc_table(corrected=False) if held_out(r)}
    with MIDRC_HELD_OUT_WHOLE.open(encoding="utf-8", newline="") as f:
        labelled = list(csv.DictReader(f))
    outcomes, errors = _map_labelled(labelled, set(), exclude_keys=test_keys)
    if show_errors and unseal_blind:
        for _, line in errors:
            print(f"  {line}")
    return {"sample_rows": len(labelled), **_unmapped_figures(outcomes)}


def evaluate_development(show_errors: bool) -> dict[str, Any]:
    """Leave-one-description-out on the development part against the adjudicated labels: each description
    mapped by a mapper that has not seen its rows (nor the held-out part). What rules are written against."""
    rows = read_midrc_table(corrected=False)
    adjudicated = read_adjudicated()
    test_keys = {r.key for r in rows if held_out(r)}
    development = [r for r in rows if not held_out(r) and r.line in adjudicated]
    by_key: dict[str, list[TableRow]] = collections.defaultdict(list)
    for r in development:
        by_key[r.key].append(r)
    right = midrc_right = 0
    for k, group in by_key.items():
        mapper = build_mapper(exclude_keys=test_keys | {k}, catalogue_sources=MIDRC_CATALOGUE)
        for r in group:
            m = mapper.map(row_modality(r), study_description=r.description, study_modalities=r.modalities)
            best = m.candidates[0].code if m.candidates else None
            ok = adjudicated_right(adjudicated[r.line], best, m.status)
            right += ok
            midrc_right += best == r.code
            if show_errors and not ok:
                print(f"  dev {error_line(r, m, adjudicated[r.line])}")
    n = max(1, len(development))
    return {"rows": len(development), "top1_adjudicated": right / n, "top1_midrc": midrc_right / n}


#: The fresh set's rows in two parts, by their order in unmapped_sample.csv: the mapper's errors on the first part
#: (as adjudicated so far) were read when vocabulary 2.3 was measured, before 2.4 was written from other rows;
#: no error on the second part was seen before vocabulary 2.4 was frozen.
UNMAPPED_PART_ONE_ROWS = 200


def evaluate_unmapped(show_errors: bool, *, unseal_blind: bool = False, labels: str = "whole") -> dict[str, Any]:
    """The fresh test set: descriptions outside MIDRC's table, adjudicated after the vocabulary was frozen, over
    the catalogue its `labels` were chosen from.

    Errors are listed for the first part only: the second part stays a blind measure until `unseal_blind`."""
    with UNMAPPED_SAMPLE.open(encoding="utf-8", newline="") as f:
        order = [r["id"] for r in csv.DictReader(f)]
    adjudicated, _, _, catalogue = LABELS[labels]
    return _evaluate_halves(adjudicated, order, set(order[:UNMAPPED_PART_ONE_ROWS]), ("first", "second"),
                            f"unmapped-sample rows the mapper gets wrong ({labels} catalogue)", show_errors,
                            unseal_blind, catalogue)


def evaluate_unmapped_development(show_errors: bool, labels: str = "whole") -> dict[str, Any]:
    """The development sample of descriptions outside MIDRC's table (unmapped_development.csv), labelled by the
    same protocol (over MIDRC's codes by one annotator; over the whole catalogue by two and a third): what rules
    for such descriptions are written against."""
    _, _, path, catalogue = LABELS[labels]
    if not path.exists():
        return {"skipped": f"{path.parent.name}/{path.name} not written yet"}
    with UNMAPPED_DEVELOPMENT.open(encoding="utf-8", newline="") as f:
        frequency = {r["id"]: r["frequency"] for r in csv.DictReader(f)}
    with path.open(encoding="utf-8", newline="") as f:
        labelled = list(csv.DictReader(f))
    if path.name.startswith("annotator"):  # one annotator's file, with the rows labelled again since
        labelled = with_revisions(labelled, path.parent, path.name)
    rows = [{**r, "frequency": frequency[r["id"]]} for r in labelled]
    outcomes, errors = _map_labelled(rows, set(), catalogue)
    if show_errors:
        for _, line in errors:
            print(f"  unmapped-dev ({labels}) {line}")
    return {"sample_rows": len(frequency), **_unmapped_figures(outcomes)}


def evaluate_chinese(show_errors: bool, *, unseal_blind: bool = False, labels: str = "whole") -> dict[str, Any]:
    """Chinese descriptions in the style of Chinese hospitals' records (zh_descriptions.csv, written for this
    bench, see ADJUDICATION.md), adjudicated like the fresh set. Odd ids are for development (their errors are
    listed); even ids are the blind half, listed only when unsealed."""
    _, adjudicated, _, catalogue = LABELS[labels]
    title = f"Chinese descriptions the mapper gets wrong ({labels} catalogue)"
    return _evaluate_odd_even(ZH_SAMPLE, adjudicated, title, show_errors, unseal_blind, catalogue)


def evaluate_pinyin(show_errors: bool, *, unseal_blind: bool = False) -> dict[str, Any]:
    """Chinese exam names written in pinyin, as archives that take ASCII only hold them (pinyin_descriptions.csv,
    written for this bench), over the whole catalogue. Odd ids for development; even ids blind."""
    return _evaluate_odd_even(PINYIN_SAMPLE, PINYIN_WHOLE_OUTPUT,
                              "Pinyin descriptions the mapper gets wrong (whole catalogue)", show_errors, unseal_blind,
                              CATALOGUE_SOURCES)


def evaluate_written_set(written: WrittenSet, show_errors: bool, *, unseal_blind: bool = False) -> dict[str, Any]:
    """A set written for the bench after a vocabulary was frozen (merge_annotations.WRITTEN_SETS), over the whole
    catalogue. Odd ids for development; even ids blind."""
    if not written.sample.exists():
        return {"skipped": f"{written.sample.name} not written yet"}
    return _evaluate_odd_even(written.sample, written.output,
                              f"{written.title}: descriptions the mapper gets wrong (whole catalogue)", show_errors,
                              unseal_blind, CATALOGUE_SOURCES)


def _evaluate_odd_even(sample: Path, adjudicated: Path, title: str, show_errors: bool, unseal_blind: bool,
                       catalogue: Sequence[str]) -> dict[str, Any]:
    """A set written for the bench in two halves by id: odd ids for development, even ids blind."""
    with sample.open(encoding="utf-8", newline="") as f:
        ids = [r["id"] for r in csv.DictReader(f)]
    return _evaluate_halves(adjudicated, ids, {i for i in ids if int(i) % 2}, ("development", "blind"), title,
                            show_errors, unseal_blind, catalogue)


def read_idc_parts() -> dict[str, list[dict[str, str]]]:
    """The adjudicated IDC samples by part (development, test, test_2), each row with its `frequency`."""
    parts: dict[str, list[dict[str, str]]] = {"development": [], "test": [], "test_2": []}
    for path, name in IDC_PARTS:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                parts[name] += [{**r, "frequency": r["studies"]} for r in csv.DictReader(f)]
    return parts


def evaluate_idc(show_errors: bool, *, unseal_blind: bool = False) -> dict[str, Any]:
    """The samples of NCI's Imaging Data Commons: the development samples (their errors are listed) and the test
    sample, labelled after the vocabulary was frozen, whose errors are listed only when `unseal_blind`."""
    if not all(path.exists() for path, name in IDC_PARTS if name == "test"):
        return {"skipped": "the IDC test sample is not adjudicated yet"}
    parts = read_idc_parts()
    readable = {r["id"] for r in parts["development"]}
    outcomes, errors = _map_labelled(parts["development"] + parts["test"] + parts["test_2"], readable)
    if show_errors:
        print("IDC descriptions the mapper gets wrong" + ("" if unseal_blind else " (development sample only)") + ":")
        for is_readable, line in errors:
            if is_readable or unseal_blind:
                print(f"  {line}")
    with IDC_SAMPLE.open(encoding="utf-8", newline="") as f:
        test_rows = sum(1 for _ in csv.DictReader(f))
    sizes = {name: len(rows) for name, rows in parts.items()}
    development, test = sizes["development"], sizes["development"] + sizes["test"]
    report: dict[str, Any] = {"sample_rows": development + test_rows + sizes["test_2"],
                              **_unmapped_figures(outcomes), "parts": {
        "development": {"sample_rows": development, **_unmapped_figures(outcomes[:development])},
        "test": {"sample_rows": test_rows, **_unmapped_figures(outcomes[development:test])},
    }}
    if sizes["test_2"]:
        report["parts"]["test_2"] = {"sample_rows": sizes["test_2"], **_unmapped_figures(outcomes[test:])}
    return report


def _evaluate_halves(adjudicated: Path, ids: Sequence[str], readable: set[str], names: tuple[str, str],
                     title: str, show_errors: bool, unseal_blind: bool, catalogue: Sequence[str]) -> dict[str, Any]:
    """An adjudicated set in two halves: `readable` ids, whose errors may be listed, and the blind rest, whose
    errors are listed only when `unseal_blind`."""
    if not adjudicated.exists():
        return {"skipped": f"{adjudicated.name} not built yet"}
    with adjudicated.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    outcomes, errors = _map_labelled(rows, readable, catalogue)
    if show_errors:
        print(title + ("" if unseal_blind else f" ({names[0]} part only)") + ":")
        for is_readable, line in errors:
            if is_readable or unseal_blind:
                print(f"  {line}")
    return {"sample_rows": len(ids), **_unmapped_figures(outcomes), "parts": {
        names[0]: {"sample_rows": len(readable), **_unmapped_figures([o for o in outcomes if o.readable])},
        names[1]: {"sample_rows": len(ids) - len(readable),
                   **_unmapped_figures([o for o in outcomes if not o.readable])},
    }}


class Outcome(NamedTuple):
    """One labelled row mapped: whether its errors may be read, the adjudicated codes, the best candidate, the
    status and emitted code, whether that is right, the row's weight, and each annotator's codes (preferred
    first) where the set records them."""

    readable: bool
    fits: frozenset[str]
    best: str | None
    status: str
    code: str | None
    right: bool
    weight: int
    annotators: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    modality: str = ""
    error_kind: str = ""


#: The attributes of two codes compared to say how a wrong code differs from the nearest acceptable one.
COMPARED_ATTRIBUTES = ("modality", "regions", "contrast", "laterality", "views", "timing", "qualifiers")


def error_kind(catalogue: Mapping[str, Procedure], best: str | None, fits: Iterable[str]) -> str:
    """How the mapper's best code differs from the nearest acceptable code: the attributes that differ
    ("contrast", "regions+contrast"), "none said" when it gives no code, "same attributes" when they differ in
    nothing the Playbook attributes hold (the name's other words)."""
    if best is None or best not in catalogue:
        return "none said"
    differences: list[list[str]] = []
    for code in sorted(fits):  # the nearest first found, whatever the order the set iterates in
        if code in catalogue:
            a, b = catalogue[best], catalogue[code]
            differences.append([n for n in COMPARED_ATTRIBUTES if getattr(a, n) != getattr(b, n)])
    if not differences:
        return "unknown code"
    nearest: list[str] = min(differences, key=len)
    return "+".join(nearest) or "same attributes"


def modality_group(modalities: Iterable[str]) -> str:
    """The kind of study a labelled row is, for top-1 by modality: PET (with or without its CT), XR (CR, DX),
    otherwise its modalities."""
    mods = set(modalities)
    if mods & {"PT", "CTPT"}:
        return "PET"
    if mods & {"CR", "DX"}:
        return "XR" if mods <= {"CR", "DX"} else "+".join(sorted(mods))
    return "+".join(sorted(mods)) or "-"


def labelled_modalities(field: str) -> tuple[str | None, frozenset[str]]:
    """A labelled row's modality field (one modality, or a study's several: "CT,PT") as the series' modality
    to map (a PET/CT study's PT, else the first) and the study's modalities."""
    modalities = frozenset(m.strip(" []'\"").upper() for m in field.split(",")) - {""}
    return series_modality(modalities), modalities


def _map_labelled(rows: Sequence[dict[str, str]], part_one: set[str], catalogue: Sequence[str] = CATALOGUE_SOURCES,
                  exclude_keys: Iterable[str] = ()) -> tuple[list[Outcome], list[tuple[bool, str]]]:
    """Each labelled row mapped by the mapper as deployed (less the table rows of `exclude_keys`), over the
    catalogue the labels were chosen from: its outcome, and an error line where it is wrong."""
    mapper = build_mapper(catalogue_sources=catalogue, exclude_keys=exclude_keys)
    outcomes: list[Outcome] = []
    errors: list[tuple[bool, str]] = []
    for r in rows:
        modality, modalities = labelled_modalities(r["modality"])
        m = mapper.map(modality, study_description=r["description"], study_modalities=modalities)
        fits = frozenset(r["acceptable"].split()) - {"none"}
        best = m.candidates[0].code if m.candidates else None
        ok = adjudicated_right(fits, best, m.status)
        annotators = ((tuple(r["annotator_a"].split()), tuple(r["annotator_b"].split()))
                      if r.get("annotator_a") and r.get("annotator_b") else None)
        kind = error_kind(mapper.catalogue, best, fits) if fits and best not in fits else ""
        outcomes.append(Outcome(r["id"] in part_one, fits, best, m.status, m.code, ok,
                                max(1, int(r.get("frequency") or 0)), annotators, modality_group(modalities), kind))
        if not ok:
            errors.append((r["id"] in part_one,
                           f"{r['modality']:8} {r['description'][:46]!r:48} adjudicated "
                           f"{' '.join(sorted(fits)) or 'none':18} got {best} {m.status} {m.confidence:.2f} {m.rule}"))
    return outcomes, errors


class Rewrite(NamedTuple):
    """One rewrite of bench/data/rewrites.yaml: its family, a name, what it matches and what replaces that
    (None: the description in lower case), and whether every match is replaced."""

    family: str
    name: str
    pattern: re.Pattern[str]
    replacement: str | None
    every: bool = False

    def apply(self, description: str) -> str | None:
        """The rewritten description, or None where the rewrite does not apply or changes nothing (it applies
        to descriptions written in upper case only)."""
        if description != description.upper() or not self.pattern.search(description):
            return None
        rewritten = description.lower() if self.replacement is None else self.pattern.sub(
            self.replacement, description, count=0 if self.every else 1)
        return rewritten if rewritten != description else None


def read_rewrites(path: Path = REWRITES) -> tuple[int, list[Rewrite]]:
    """The version of the rewrites file and its rewrites."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for family, entries in data["rewrites"].items():
        for entry in entries:
            text = entry["pattern"]
            pattern = re.compile(f"(?<![A-Z0-9])(?:{text})(?![A-Z0-9])" if entry.get("whole_words", True) else text)
            if entry.get("transform") == "lower":
                found.append(Rewrite(family, "lower case", pattern, None))
            for by in entry.get("by", ()):
                found.append(Rewrite(family, f"{text} -> {by}", pattern, by, bool(entry.get("every"))))
    return int(data["version"]), found


def evaluate_rewrites(show_errors: bool) -> dict[str, Any]:
    """Meaning-preserving rewrites (bench/data/rewrites.yaml) of the development descriptions (the IDC
    development samples and the fresh set's development sample): how often the best code stays the same, and
    top-1 on the rewritten descriptions beside that on the same rows as written."""
    rows = read_idc_parts()["development"]
    if UNMAPPED_DEVELOPMENT_WHOLE_LABELS.exists():
        with UNMAPPED_DEVELOPMENT_WHOLE_LABELS.open(encoding="utf-8", newline="") as f:
            rows += csv.DictReader(f)
    version, rewrites = read_rewrites()
    mapper = build_mapper()
    best: dict[tuple[str, str], str | None] = {}

    def best_code(modality_field: str, description: str) -> str | None:
        if (modality_field, description) not in best:
            modality, modalities = labelled_modalities(modality_field)
            m = mapper.map(modality, study_description=description, study_modalities=modalities)
            best[modality_field, description] = m.candidates[0].code if m.candidates else None
        return best[modality_field, description]

    by_family: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])  # rewritten, code kept
    fitting = right_before = right_after = 0
    for r in rows:
        fits = frozenset(r["acceptable"].split()) - {"none"}
        for rewrite in rewrites:
            rewritten = rewrite.apply(r["description"])
            if rewritten is None:
                continue
            before, after = best_code(r["modality"], r["description"]), best_code(r["modality"], rewritten)
            counts = by_family[rewrite.family]
            counts[0] += 1
            counts[1] += before == after
            if fits:
                fitting += 1
                right_before += before in fits
                right_after += after in fits
            if show_errors and before != after:
                now_right = " (right)" if after in fits else ""
                print(f"  rewrite {rewrite.family:10} {r['modality']:6} {r['description'][:40]!r:42} -> "
                      f"{rewritten[:40]!r:42} {before} -> {after}{now_right}")
    rewritten_rows = sum(n for n, _ in by_family.values())
    kept = sum(k for _, k in by_family.values())
    return {
        "version": version, "descriptions": len(rows), "rewritten": rewritten_rows,
        "code_kept": kept / rewritten_rows if rewritten_rows else 0.0, "code_changed": rewritten_rows - kept,
        "fitting_rewritten": fitting, "top1_as_written": right_before / fitting if fitting else 0.0,
        "top1_rewritten": right_after / fitting if fitting else 0.0,
        "by_family": {f: {"rewritten": n, "code_kept": k / n} for f, (n, k) in sorted(by_family.items())},
    }


def _unmapped_figures(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    fitting = [o for o in outcomes if o.fits]
    unfit = [o for o in outcomes if not o.fits]
    emitted = [o for o in fitting if o.status == "mapped"]
    weight = sum(o.weight for o in outcomes)

    def share(n: int, d: int) -> float:
        return n / d if d else 0.0

    figures: dict[str, Any] = {
        "rows": len(outcomes), "right": share(sum(o.right for o in outcomes), len(outcomes)),
        "right_weighted_by_frequency": share(sum(o.weight for o in outcomes if o.right), weight),
        "fitting_rows": len(fitting), "top1": share(sum(o.best in o.fits for o in fitting), len(fitting)),
        "emitted": share(len(emitted), len(fitting)),
        "emitted_precision": share(sum(o.code in o.fits for o in emitted), len(emitted)),
        # what a user gets: the rows given a code that fits, of all rows (a row no code fits gives none)
        "given_a_fitting_code": share(sum(o.status == "mapped" and o.code in o.fits for o in outcomes), len(outcomes)),
        "no_fitting_code_rows": len(unfit),
        "no_fitting_code_withheld": share(sum(o.status != "mapped" for o in unfit), len(unfit)),
    }
    if fitting and all(o.annotators for o in fitting):
        figures.update(_against_one_annotator(fitting))
    groups: dict[str, list[Outcome]] = collections.defaultdict(list)
    for o in fitting:
        groups[o.modality].append(o)
    figures["top1_by_modality"] = {
        g: {"rows": len(rows), "top1": share(sum(o.best in o.fits for o in rows), len(rows))}
        for g, rows in sorted(groups.items(), key=lambda item: -len(item[1]))}
    kinds = collections.Counter(o.error_kind for o in fitting if o.error_kind)
    figures["top1_errors_by_kind"] = dict(kinds.most_common())
    return figures


def _against_one_annotator(fitting: Sequence[Outcome]) -> dict[str, float]:
    """A human reference for top-1, on the rows a code fits: the mapper's best code among one annotator's
    acceptable codes, and an annotator's preferred code among the other's, each averaged over both annotators.
    The adjudicated labels are stricter than either annotator alone (they keep the codes both accept)."""
    pairs = [(o.best, o.annotators) for o in fitting if o.annotators]
    n = 2 * len(pairs)
    return {
        "top1_against_one_annotator": sum((best in a) + (best in b) for best, (a, b) in pairs) / n,
        "annotator_against_the_other": sum((bool(a) and a[0] in b) + (bool(b) and b[0] in a)
                                           for _, (a, b) in pairs) / n,
    }


def evaluate_real_headers() -> dict[str, Any]:
    from tests.unit.harmonize.realdata import labelled

    harmonizer = default_harmonizer()
    seen: dict[str, Any] = {}
    procedure = [0, 0]
    none_rows = [0, 0]
    body = [0, 0]
    kinds = [0, 0]
    for row in labelled():
        if row.series not in seen:
            headers = row.headers()
            seen[row.series] = harmonizer.series(row.deidentified(headers), headers, row.study_description(headers),
                                                 [str(headers[0].Modality)])
            result = seen[row.series]
            if row.loinc == "none":
                none_rows[0] += 1
                none_rows[1] += result.procedure.status != "mapped"
            elif row.loinc != "-":
                procedure[0] += 1
                procedure[1] += result.procedure.status == "mapped" and result.procedure.code == row.loinc
            if row.body_part != "-":
                body[0] += 1
                body[1] += result.body_part.code == row.body_part
        result = seen[row.series]
        if row.field != "-":
            kinds[0] += 1
            kind = result.series_type
            value = (str(kind.localizer).lower() if row.field == "localizer" else
                     getattr(getattr(kind, row.field), "value", None)) if kind else None
            kinds[1] += value == row.value
    return {
        "series": len(seen),
        "procedure_labelled": procedure[0], "procedure_emitted_and_right": procedure[1],
        "no_fitting_code": none_rows[0], "no_fitting_code_not_emitted": none_rows[1],
        "body_part_labelled": body[0], "body_part_right": body[1],
        "series_type_labelled": kinds[0], "series_type_right": kinds[1],
    }


def evaluate_probes() -> dict[str, Any]:
    rows = list(read_midrc_table(corrected=False))
    reader = build_mapper(exclude_keys={r.key for r in rows}, catalogue_sources=MIDRC_CATALOGUE)
    with PROBES.open(encoding="utf-8", newline="") as f:
        probes = list(csv.DictReader(line for line in f if not line.startswith("#")))
    out: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for p in probes:
        m = reader.map(p["modality"], study_description=p["description"])
        out[p["language"]][0] += 1
        out[p["language"]][1] += bool(m.candidates) and m.candidates[0].code == p["loinc"]
        out[p["language"]][2] += m.status == "mapped" and m.code == p["loinc"]
    return {lang: {"n": v[0], "top1": v[1], "emitted_and_right": v[2]} for lang, v in out.items()}


# ---------------------------------------------------------------- geometry


def _dcm2niix(slices: list[Any], work: Path) -> tuple[list[tuple[int, float]], list[float]] | str:
    import SimpleITK

    from tests.unit.series import write

    dicom, nifti = work / "dicom", work / "nifti"
    write(slices, dicom)
    nifti.mkdir()
    run = subprocess.run(["dcm2niix", "-b", "y", "-z", "n", "-f", "s", "-o", str(nifti), str(dicom)],
                         capture_output=True, text=True, check=False, timeout=120)
    images = sorted(p for p in nifti.glob("*.nii") if "_ROI" not in p.name)  # overlays become *_ROI<n>.nii
    if run.returncode != 0 or len(images) != 1:
        return f"dcm2niix: exit {run.returncode}, {len(images)} volumes"
    sidecar = json.loads(next(nifti.glob("*.json")).read_text())
    image: Any = SimpleITK.ReadImage(str(images[0]))
    return sorted(zip(image.GetSize(), image.GetSpacing(), strict=True)), sidecar["ImageOrientationPatientDICOM"]


def geometry_cases() -> list[tuple[str, list[Any]]]:
    import pydicom
    from pydicom.data import get_testdata_file

    from tests.unit.harmonize.realdata import files
    from tests.unit.series import ORIENTATIONS, build_series

    cases: list[tuple[str, list[Any]]] = []
    real = ("pydicom:test_files/dicomdirtests/98892001/CT5N/*", "pydicom:test_files/dicomdirtests/77654033/CT2/*")
    for series in real:
        cases.append((series.split(":")[1].replace("test_files/dicomdirtests/", "real "),
                      [pydicom.dcmread(p) for p in files(series)]))
    templates = ["CT_small.dcm", "MR_small.dcm", "MR2_UNCR.dcm", "explicit_VR-UN.dcm", "bad_sequence.dcm",
                 "MR-SIEMENS-DICOM-WithOverlays.dcm", "693_UNCR.dcm"]
    spacings = {"axial": 2.5, "coronal": 1.7, "sagittal": 3.3, "oblique": 1.25}
    orders = {"axial": "ascending", "coronal": "reversed", "sagittal": "ascending", "oblique": "reversed"}
    for template in templates:
        if get_testdata_file(template) is None:
            continue
        for name, orientation in ORIENTATIONS.items():
            cases.append((f"built {template} {name}",
                          build_series(template, count=10, spacing=spacings[name], orientation=orientation,
                                       order=orders[name])))
    # enhanced multi-frame: one instance per series, made by highdicom's legacy converter from built series
    from highdicom.legacy import LegacyConvertedEnhancedCTImage, LegacyConvertedEnhancedMRImage
    from pydicom.uid import generate_uid

    for template, converter in (("CT_small.dcm", LegacyConvertedEnhancedCTImage),
                                ("MR_small.dcm", LegacyConvertedEnhancedMRImage)):
        for name, orientation in ORIENTATIONS.items():
            slices = build_series(template, count=10, spacing=spacings[name], orientation=orientation,
                                  order=orders[name])
            enhanced = converter(slices, series_instance_uid=generate_uid(), series_number=1,
                                 sop_instance_uid=generate_uid(), instance_number=1)
            cases.append((f"enhanced multi-frame {template} {name}", [enhanced]))
    return cases


def _gap(slices: list[Any], spacing: float | None) -> bool:
    """A slice position missing (a step over 1.5 x the median): QC fails the series, dcm2niix splits it."""
    import numpy as np

    from services.harmonize.geometry import frames_as_slices

    if not spacing:
        return False
    slices = frames_as_slices(slices)
    iop = np.array([float(v) for v in slices[0].ImageOrientationPatient])
    normal = np.cross(iop[:3], iop[3:])
    d = sorted(float(np.dot(normal, [float(v) for v in ds.ImagePositionPatient])) for ds in slices)
    return max(b - a for a, b in itertools.pairwise(d)) > 1.5 * spacing


def evaluate_geometry() -> dict[str, Any]:
    from services.harmonize.geometry import GeometryUnavailable, series_geometry

    if shutil.which("dcm2niix") is None:
        return {"skipped": "dcm2niix not installed"}
    results = []
    excluded = []
    for name, slices in geometry_cases():
        try:
            g = series_geometry(slices)
        except GeometryUnavailable as exc:
            results.append({"series": name, "agree": False, "why": f"no geometry: {exc.code}"})
            continue
        if _gap(slices, g.slice_spacing):
            excluded.append({"series": name, "why": "a slice position is missing (QC: missing_slice); "
                                                    "dcm2niix splits such a series, so volumes are not comparable"})
            continue
        with tempfile.TemporaryDirectory() as tmp:
            theirs = _dcm2niix(slices, Path(tmp))
        if isinstance(theirs, str):
            results.append({"series": name, "agree": False, "why": theirs})
            continue
        sizes, orientation = theirs
        ours = sorted([(g.columns, g.pixel_spacing[1]), (g.rows, g.pixel_spacing[0]),
                       (g.slice_count, g.slice_spacing or 0.0)])
        same_size = [s for s, _ in sizes] == [s for s, _ in ours]
        max_spacing = max(abs(a[1] - b[1]) for a, b in zip(sizes, ours, strict=True))
        max_cosine = max(abs(a - b) for a, b in zip(orientation, g.direction[:6], strict=True))
        agree = same_size and max_spacing <= 0.01 and max_cosine <= 1e-4
        results.append({"series": name, "agree": agree, "max_spacing_diff_mm": round(max_spacing, 5),
                        "max_cosine_diff": round(max_cosine, 7), "slices": g.slice_count, "plane": g.plane})
    agreed = sum(bool(r["agree"]) for r in results)
    return {"series": len(results), "agree": agreed, "agreement": agreed / max(1, len(results)), "results": results,
            "excluded": excluded}


def _figures_line(figures: dict[str, Any]) -> str:
    return (f"given a fitting code {figures['given_a_fitting_code']:.1%}; "
            f"right {figures['right']:.1%} ({figures['right_weighted_by_frequency']:.1%} weighted by frequency); "
            f"{figures['fitting_rows']} rows a catalogue code fits: top-1 {figures['top1']:.1%}, emitted "
            f"{figures['emitted']:.1%}, of which {figures['emitted_precision']:.1%} right; "
            f"{figures['no_fitting_code_rows']} rows no code fits: withheld {figures['no_fitting_code_withheld']:.1%}"
            + (f"; against one annotator: top-1 {figures['top1_against_one_annotator']:.1%}, an annotator's first "
               f"choice against the other's {figures['annotator_against_the_other']:.1%}"
               if "annotator_against_the_other" in figures else "")
            + "; top-1 by modality: " + ", ".join(f"{g} {v['top1']:.0%} ({v['rows']})"
                                                  for g, v in figures["top1_by_modality"].items())
            + "; top-1 errors by what differs from the nearest acceptable code: "
            + (", ".join(f"{k} {n}" for k, n in figures["top1_errors_by_kind"].items()) or "none"))


def _print_halves(name: str, what: str, report: dict[str, Any],
                  parts: Sequence[tuple[str, dict[str, Any] | None]]) -> None:
    if "skipped" in report:
        print(f"{name}: {report['skipped']}")
        return
    print(f"{name} ({what}): {report['rows']} of {report['sample_rows']} rows adjudicated")
    for label, figures in parts:
        if not figures or not figures["rows"]:
            print(f"  {label}: no row adjudicated yet")
            continue
        print(f"  {label}, {figures['rows']} rows: " + _figures_line(figures))


def _print_odd_even(name: str, report: dict[str, Any]) -> None:
    halves = report.get("parts", {})
    _print_halves(name, "written for this bench, labelled like the fresh set", report,
                  [("development half (odd ids)", halves.get("development")),
                   ("blind half (even ids, no error read)", halves.get("blind"))])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--no-geometry", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list the held-out rows that disagree")
    parser.add_argument("--unseal-blind", action="store_true",
                        help="with --errors, also list the errors on the blind halves (the fresh set's second part, "
                             "the Chinese set's even ids), which then stop being blind measures of the vocabulary")
    parser.add_argument("--development", action="store_true",
                        help="only the leave-one-out figures of the development part (with --errors: its errors)")
    parser.add_argument("--rewrites", action="store_true",
                        help="only the codes of the development descriptions under meaning-preserving rewrites "
                             "(bench/data/rewrites.yaml; with --errors: the rewrites that change a code)")
    args = parser.parse_args(argv)
    if args.rewrites:
        rw = evaluate_rewrites(args.errors)
        print(f"rewrites {rw['version']} of the development descriptions ({rw['descriptions']}): "
              f"{rw['rewritten']} rewritten, best code kept {rw['code_kept']:.2%} (changed in {rw['code_changed']}); "
              f"on the {rw['fitting_rewritten']} "
              f"a code fits, top-1 {rw['top1_rewritten']:.1%} (as written {rw['top1_as_written']:.1%}); code kept by "
              "kind: " + ", ".join(f"{f} {v['code_kept']:.1%} ({v['rewritten']})" for f, v in rw["by_family"].items()))
        return 0
    if args.development:
        dev = evaluate_development(args.errors)
        print(f"development part, leave one description out: {dev['rows']} rows, top-1 against the adjudicated "
              f"labels {dev['top1_adjudicated']:.1%}, against MIDRC's {dev['top1_midrc']:.1%}")
        for labels in LABELS:
            fresh_dev = evaluate_unmapped_development(args.errors, labels)
            if "skipped" in fresh_dev:
                print(f"unmapped development sample ({labels} catalogue): {fresh_dev['skipped']}")
            else:
                print(f"unmapped development sample ({labels} catalogue), {fresh_dev['rows']} of "
                      f"{fresh_dev['sample_rows']} rows labelled: " + _figures_line(fresh_dev))
        idc = evaluate_idc(args.errors)
        development = idc.get("parts", {}).get("development")
        print("IDC development sample: " + (_figures_line(development) if development else idc.get("skipped", "")))
        pinyin = evaluate_pinyin(args.errors).get("parts", {}).get("development")
        print("pinyin development half: " + (_figures_line(pinyin) if pinyin else "not labelled yet"))
        for written in WRITTEN_SETS:
            half = evaluate_written_set(written, args.errors).get("parts", {}).get("development")
            print(f"{written.name}, development half: " + (_figures_line(half) if half else "not labelled yet"))
        return 0

    report: dict[str, Any] = {"versions": default_harmonizer().rules}
    print(f"vocabulary {report['versions']}")
    midrc = report["midrc_held_out"] = evaluate_midrc(args.errors)
    print(f"MIDRC held out: {midrc['held_out_rows']} rows ({midrc['held_out_descriptions']} descriptions) of "
          f"{midrc['rows']}, never seen by the mapper or the vocabulary's author")
    print(f"  top-1 agreement {midrc['top1']:.1%}   top-3 {midrc['top3']:.1%}   reading alone (no table) "
          f"{midrc['reading_only_top1']:.1%}")
    print(f"  top-1 code with the label's modality, regions, contrast, side and angio: "
          f"{midrc['top1_same_modality_region_contrast_side_angio']:.1%} (differs in views / portable / purpose only)")
    print(f"  MIDRC's own consistency: rows of the development part read alike carry their group's most common "
          f"code in {midrc['label_consistency_ceiling_development']:.1%} of cases "
          "(a bound for a reader that reads them alike)")
    print(f"  emitted (confidence >= {midrc['threshold']}) {midrc['emitted']:.1%} of rows, of which "
          f"{midrc['emitted_precision']:.1%} agree; emitted below the threshold: {midrc['emitted_below_threshold']}")
    if "adjudicated" in midrc:
        a = midrc["adjudicated"]
        print(f"  against the adjudicated labels (bench/data/ADJUDICATION.md, {a['rows']} rows): "
              f"top-1 {a['top1']:.1%}; emitted mappings right {a['emitted_precision']:.1%}; "
              f"MIDRC's own label acceptable in {a['midrc_label_acceptable']:.1%}")
    print("  top-1 by modality: " + ", ".join(f"{k} {v['top1']:.0%} ({v['rows']})"
                                             for k, v in midrc["top1_by_modality"].items()))
    whole = report["midrc_held_out_whole"] = evaluate_midrc_whole(args.errors, unseal_blind=args.unseal_blind)
    if "skipped" in whole:
        print(f"  over the whole catalogue: {whole['skipped']}")
    else:
        print(f"  over the whole catalogue (labelled again, {whole['rows']} rows): " + _figures_line(whole))
    for labels, over in (("whole", "the whole catalogue, as deployed"), ("midrc", "MIDRC's codes alone")):
        unmapped = report[f"unmapped_sample_{labels}"] = evaluate_unmapped(args.errors, unseal_blind=args.unseal_blind,
                                                                          labels=labels)
        halves = unmapped.get("parts", {})
        _print_halves(f"unmapped sample over {over}",
                      "descriptions outside MIDRC's table, labelled after the vocabulary was frozen", unmapped,
                      [("all", unmapped), ("first part (its errors are read)", halves.get("first")),
                       ("second part (no error read)", halves.get("second"))])
        chinese = report[f"chinese_{labels}"] = evaluate_chinese(args.errors, unseal_blind=args.unseal_blind,
                                                                labels=labels)
        _print_odd_even(f"Chinese descriptions over {over}", chinese)
    pinyin = report["pinyin"] = evaluate_pinyin(args.errors, unseal_blind=args.unseal_blind)
    _print_odd_even("Chinese exam names in pinyin over the whole catalogue", pinyin)
    for written in WRITTEN_SETS:
        report[written.annotations.name] = evaluate_written_set(written, args.errors, unseal_blind=args.unseal_blind)
        _print_odd_even(f"{written.title} (written after {written.frozen} was frozen) over the whole catalogue",
                        report[written.annotations.name])
    idc = report["idc"] = evaluate_idc(args.errors, unseal_blind=args.unseal_blind)
    halves = idc.get("parts", {})
    _print_halves("IDC study descriptions over the whole catalogue",
                  "other sites' descriptions, NCI Imaging Data Commons", idc,
                  [("development sample (its errors are read)", halves.get("development")),
                   ("test sample (labelled after the vocabulary was frozen, no error read)", halves.get("test")),
                   *([("second test sample (labelled after 4.9 was frozen, no error read)", halves["test_2"])]
                     if "test_2" in halves else [])])
    real = report["real_headers"] = evaluate_real_headers()
    print(f"real headers: {real['series']} series; procedure {real['procedure_emitted_and_right']}/"
          f"{real['procedure_labelled']} emitted and right, {real['no_fitting_code_not_emitted']}/"
          f"{real['no_fitting_code']} without a fitting code withheld; body part {real['body_part_right']}/"
          f"{real['body_part_labelled']}; series type {real['series_type_right']}/{real['series_type_labelled']}")
    probes = report["probes"] = evaluate_probes()
    print("probe descriptions (written with the vocabulary, not held out): " + ", ".join(
        f"{lang} {v['top1']}/{v['n']} top-1, {v['emitted_and_right']} emitted" for lang, v in probes.items()))
    if not args.no_geometry:
        geometry = report["geometry"] = evaluate_geometry()
        if "skipped" in geometry:
            print(f"geometry: {geometry['skipped']}")
        else:
            print(f"geometry vs dcm2niix: {geometry['agree']}/{geometry['series']} series agree "
                  f"(size, spacing <= 0.01 mm, direction cosines <= 1e-4)")
            for r in geometry["results"]:
                if not r["agree"]:
                    print(f"  {r['series']}: {r.get('why') or r}")
            for r in geometry["excluded"]:
                print(f"  excluded {r['series']}: {r['why']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
