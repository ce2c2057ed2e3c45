"""Build idc_sample.csv and idc_development.csv: study descriptions from the public collections of NCI's Imaging
Data Commons (IDC), a second real, multi-site source of descriptions, independent of MIDRC's (see
ADJUDICATION.md).

    .venv/bin/python bench/data/idc_sample.py [--check]
    python bench/data/idc_sample.py --extract DIR   # DIR: the unpacked idc-index-data wheel; needs pyarrow

Source: idc_study_descriptions.csv is extracted (--extract) from `idc_index.parquet` and
`collections_index.parquet` of the PyPI package idc-index-data 25.0.5 (IDC data release v25; the index is
public, the collections' licences are recorded per row): one row per distinct (study modalities,
StudyDescription) of the human, non-phantom collections whose series are all under CC BY 3.0 or 4.0, with
the number of studies and collections that use it and the first collection (by name) that does. The study's
modalities are those of its image series (CT, MR, CR, DX, US, PT, NM, MG, XA, RF), comma separated.
These collections come from the sites of many clinical trials and cancer centres (TCIA), so the descriptions
are those sites' own, as their archives exported them.

The samples: rows whose description, normalised as the mapper normalises it, is neither a key of MIDRC's
table nor a description of MIDRC's samples (those are measured elsewhere), ranked by a salted SHA-256 of
modality and description, at most PER_COLLECTION rows of one collection; the first SAMPLE_SIZE are the test
sample (labelled after the vocabulary was frozen, a blind measure), the next DEVELOPMENT_SIZE the development
sample, and the rest of that ranking a second test sample (labelled after vocabulary 4.9 was frozen). The rows
the cap left out, ranked again the same way (none sharing a normalised description with a ranking before), are
the second development sample; those the cap left out of that ranking, ranked again, the third; the rows of the
next three such rankings, together, the fourth; the rows of the eight rankings after those, the fifth; and those of
the ten after those (one trial's rows only: the other collections are used up), the sixth; and the rows of the last
ten rankings, the seventh (the extract's last rows). `id` is the row's line in the source file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib
import io
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "idc_study_descriptions.csv"
SOURCE_SHA256 = "9fb01bcf85d3982cc220caf2c33bc5f3e0257acca95f92fa84f653c08a0b0a1d"
SOURCE_COLUMNS = ["modality", "description", "studies", "collections", "collection", "licence"]
OUTPUT = HERE / "idc_sample.csv"
DEVELOPMENT_OUTPUT = HERE / "idc_development.csv"
DEVELOPMENT_2_OUTPUT = HERE / "idc_development_2.csv"
TEST_2_OUTPUT = HERE / "idc_sample_2.csv"
DEVELOPMENT_3_OUTPUT = HERE / "idc_development_3.csv"
DEVELOPMENT_4_OUTPUT = HERE / "idc_development_4.csv"
DEVELOPMENT_5_OUTPUT = HERE / "idc_development_5.csv"
DEVELOPMENT_6_OUTPUT = HERE / "idc_development_6.csv"
DEVELOPMENT_7_OUTPUT = HERE / "idc_development_7.csv"
COLUMNS = ["id", "modality", "description", "collection", "studies"]
SAMPLE_SALT = "radcurate-idc-sample-1:"
SAMPLE_SIZE = 320
DEVELOPMENT_SIZE = 320
DEVELOPMENT_2_SIZE = 583
TEST_2_SIZE = 574
DEVELOPMENT_3_SIZE = 273
#: The development samples after the third, in order, each made of the rows of this many further rankings.
LATER_DEVELOPMENT_SAMPLES = ((DEVELOPMENT_4_OUTPUT, 3), (DEVELOPMENT_5_OUTPUT, 8), (DEVELOPMENT_6_OUTPUT, 10),
                             (DEVELOPMENT_7_OUTPUT, 10))
PER_COLLECTION = 24
IMAGE_MODALITIES = frozenset({"CT", "MR", "CR", "DX", "US", "PT", "NM", "MG", "XA", "RF"})
LICENCES = frozenset({"CC BY 3.0", "CC BY 4.0"})


@dataclass
class Study:
    """One study of the index: its collection, description, image modalities and its series' licences."""

    collection: str
    description: str
    modalities: set[str] = field(default_factory=set)
    licences: set[str] = field(default_factory=set)


def extract(index_dir: Path) -> str:
    """The source file's text from the unpacked idc-index-data package."""
    parquet: Any = importlib.import_module("pyarrow.parquet")  # only for extracting: not a project dependency
    collections = parquet.read_table(index_dir / "collections_index.parquet",
                                     columns=["collection_id", "species"]).to_pylist()
    human = {c["collection_id"] for c in collections
             if c["species"] == "Human" and "phantom" not in c["collection_id"]}
    series = parquet.read_table(index_dir / "idc_index.parquet", columns=[
        "collection_id", "StudyInstanceUID", "StudyDescription", "Modality", "license_short_name"]).to_pylist()
    studies: dict[str, Study] = {}
    for s in series:
        study = studies.setdefault(s["StudyInstanceUID"],
                                   Study(s["collection_id"], (s["StudyDescription"] or "").strip()))
        study.licences.add(s["license_short_name"])
        if s["Modality"] in IMAGE_MODALITIES:
            study.modalities.add(s["Modality"])
    uses: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for study in studies.values():
        if study.collection in human and study.description and study.modalities and study.licences <= LICENCES:
            uses[(",".join(sorted(study.modalities)), study.description)].append(
                (study.collection, " ".join(sorted(study.licences))))
    rows = []
    for (modality, description), found in sorted(uses.items()):
        collection, licence = min(found)
        rows.append({"modality": modality, "description": description, "studies": str(len(found)),
                     "collections": str(len({c for c, _ in found})), "collection": collection, "licence": licence})
    from bench.data.merge_annotations import render

    return render(rows, SOURCE_COLUMNS)


def read_source() -> list[dict[str, str]]:
    """The source rows with their line number as `id`; refuses a file that is not the recorded extract."""
    data = SOURCE.read_bytes()
    if hashlib.sha256(data).hexdigest() != SOURCE_SHA256:
        raise SystemExit(f"{SOURCE.name} is not the recorded extract of idc-index-data")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return [{"id": str(reader.line_num), **r} for r in reader]


def rank(row: dict[str, str]) -> str:
    return hashlib.sha256(f"{SAMPLE_SALT}{row['modality']}|{row['description']}".encode()).hexdigest()


def ranking(rows: list[dict[str, str]], known_keys: set[str]) -> list[dict[str, str]]:
    """The rows a sample is drawn from, in sample order: one per (modality, normalised description) not among
    `known_keys`, at most PER_COLLECTION of one collection."""
    from services.harmonize.text import key

    seen: set[tuple[str, str]] = set()
    per_collection: Counter[str] = Counter()
    ranked = []
    for r in sorted(rows, key=rank):
        normalised = key(r["description"])
        if not normalised or normalised in known_keys or (r["modality"], normalised) in seen:
            continue
        if per_collection[r["collection"]] >= PER_COLLECTION:
            continue
        seen.add((r["modality"], normalised))
        per_collection[r["collection"]] += 1
        ranked.append(r)
    return ranked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    parser.add_argument("--extract", type=Path, metavar="DIR", help="write the source file from idc-index-data")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parents[1]))
    if args.extract:
        text = extract(args.extract)
        SOURCE.write_text(text, encoding="utf-8")
        print(f"{text.count(chr(10)) - 1} rows written to {SOURCE.name}, "
              f"SHA-256 {hashlib.sha256(text.encode()).hexdigest()}")
        return 0
    from bench.data.merge_annotations import render, write_samples
    from bench.data.unmapped_sample import DEVELOPMENT_OUTPUT as MIDRC_DEVELOPMENT
    from bench.data.unmapped_sample import OUTPUT as MIDRC_SAMPLE
    from services.harmonize.procedure import read_midrc_table
    from services.harmonize.text import key

    known = {r.key for r in read_midrc_table(corrected=False) if r.key}
    for path in (MIDRC_SAMPLE, MIDRC_DEVELOPMENT):
        with path.open(encoding="utf-8", newline="") as f:
            known |= {key(r["description"]) for r in csv.DictReader(f)}
    rows = read_source()
    rankings: list[list[dict[str, str]]] = []
    # the ranking, then the rows each ranking's cap left out, ranked again
    for _ in range(3 + sum(n for _, n in LATER_DEVELOPMENT_SAMPLES)):
        rankings.append(ranking(rows, known))
        taken = {r["id"] for r in rankings[-1]}
        rows = [r for r in rows if r["id"] not in taken]
        known = known | {key(r["description"]) for r in rankings[-1]}
    ranked, overflow, overflow_2 = rankings[:3]

    def sample(chosen: list[dict[str, str]]) -> str:
        return render([{c: r[c] for c in COLUMNS} for r in sorted(chosen, key=lambda r: int(r["id"]))], COLUMNS)

    outputs = {OUTPUT: sample(ranked[:SAMPLE_SIZE]),
               DEVELOPMENT_OUTPUT: sample(ranked[SAMPLE_SIZE:SAMPLE_SIZE + DEVELOPMENT_SIZE]),
               DEVELOPMENT_2_OUTPUT: sample(overflow[:DEVELOPMENT_2_SIZE]),
               TEST_2_OUTPUT: sample(ranked[SAMPLE_SIZE + DEVELOPMENT_SIZE:][:TEST_2_SIZE]),
               DEVELOPMENT_3_OUTPUT: sample(overflow_2[:DEVELOPMENT_3_SIZE])}
    start = 3
    for output, count in LATER_DEVELOPMENT_SAMPLES:
        outputs[output] = sample([r for ranking_rows in rankings[start:start + count] for r in ranking_rows])
        start += count
    return write_samples(outputs, args.check, "IDC samples")


if __name__ == "__main__":
    sys.exit(main())
