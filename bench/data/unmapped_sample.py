"""Build unmapped_sample.csv: a fixed random sample of the descriptions MIDRC's sites sent that MIDRC's table
does not map, for a test set labelled after the vocabulary was frozen (see ADJUDICATION.md); and
unmapped_development.csv, the next rows of the same ranking, labelled for writing rules against.

    .venv/bin/python bench/data/unmapped_sample.py [--check]

Source: midrc_unmapped_StudyDescriptions.csv is MIDRC midrc_dicom_harmonization,
`pending/StudyDescription_diffs.csv` at commit 6d2cf4aa93d86981c8b88175cd787714ab540e13 (2026-02-04), unmodified
(MIT, see services/harmonize/vocabulary/LICENSE.midrc): 1,892 (StudyDescription, Modality, frequency) rows of
the Gen3 data commons whose description has no row in MIDRC's mapping table.

The sample: rows whose description, normalised as the mapper normalises it, is not a key of MIDRC's table
(those would be table lookups, not readings), ranked by a salted SHA-256 of modality and description; the
first SAMPLE_SIZE are the test sample, the next DEVELOPMENT_SIZE the development sample. `id` is the row's line
in the source file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "midrc_unmapped_StudyDescriptions.csv"
SOURCE_SHA256 = "c3e7ee805794a1913c04eb54143629c56beaa327fa465d071e8c8b6ebc1add2f"
OUTPUT = HERE / "unmapped_sample.csv"
SAMPLE_SALT = "radcurate-unmapped-sample-1:"
SAMPLE_SIZE = 400
DEVELOPMENT_OUTPUT = HERE / "unmapped_development.csv"
DEVELOPMENT_SIZE = 1384
COLUMNS = ["id", "modality", "description", "frequency"]


def read_source() -> list[dict[str, str]]:
    """The source rows with their line number as `id`; refuses a file that is not the recorded copy."""
    data = SOURCE.read_bytes()
    if hashlib.sha256(data).hexdigest() != SOURCE_SHA256:
        raise SystemExit(f"{SOURCE.name} is not the recorded copy of MIDRC's file")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return [{"id": str(reader.line_num), "modality": r["Modality"], "description": r["StudyDescription"],
             "frequency": str(int(float(r["frequency"] or 0)))} for r in reader]


def rank(row: dict[str, str]) -> str:
    return hashlib.sha256(f"{SAMPLE_SALT}{row['modality']}|{row['description']}".encode()).hexdigest()


def sample(rows: list[dict[str, str]], table_keys: set[str], start: int = 0,
           size: int = SAMPLE_SIZE) -> list[dict[str, str]]:
    """Rows `start` to `start + size` of the ranking of the rows whose description is not a table key, in file
    order."""
    from services.harmonize.text import key

    fresh = [r for r in rows if key(r["description"]) not in table_keys]
    return sorted(sorted(fresh, key=rank)[start:start + size], key=lambda r: int(r["id"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the file on disk instead of writing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parents[1]))
    from bench.data.merge_annotations import render, write_samples
    from services.harmonize.procedure import read_midrc_table

    rows = read_source()
    keys = {r.key for r in read_midrc_table(corrected=False) if r.key}
    outputs = {OUTPUT: render(sample(rows, keys), COLUMNS),
               DEVELOPMENT_OUTPUT: render(sample(rows, keys, SAMPLE_SIZE, DEVELOPMENT_SIZE), COLUMNS)}
    return write_samples(outputs, args.check, "unmapped samples")


if __name__ == "__main__":
    sys.exit(main())
