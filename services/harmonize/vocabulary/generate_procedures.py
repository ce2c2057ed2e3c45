"""Regenerate loinc_procedures.csv: every LOINC code of MIDRC's two files with its Playbook attributes.

The attributes are read from each code's LOINC long common name with the same reader that reads
descriptions (procedure.py + procedure_terms.yaml), so a code and a description are compared in the same
terms. The modality is the name's first word(s) (CT, CTA, Portable XR, PET+CT...).
`tests/unit/harmonize/test_procedure_vocabulary.py` checks the result against the contrast timing and
method of MIDRC's filtering-attributes file and that the committed CSV is current.

Run: python -m services.harmonize.vocabulary.generate_procedures
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from services.harmonize.procedure import (
    CATALOGUE_FILE,
    Lexicon,
    load_lexicon,
    read_midrc_names,
    read_text,
)

DIRECTORY = Path(__file__).parent
COLUMNS = ("loinc", "long_common_name", "modality", "regions", "contrast", "laterality", "views", "projections",
           "timing", "qualifiers")
#: Preference when a name names several modalities (PET+CT names also say CT).
MODALITY_ORDER = ("PT+CT", "SPECT", "PT", "NM", "MG", "US", "MR", "CT", "RF", "XR", "XA")


def attributes(name: str, lexicon: Lexicon) -> dict[str, str]:
    first = read_text(name, (), lexicon)
    modality = next((m for m in MODALITY_ORDER if m in first.modalities), "")
    reading = read_text(name, (modality,) if modality else (), lexicon)
    views = reading.views
    count = ""
    if views.low is not None:
        count = str(views.low) if views.high == views.low else (
            f">={views.low}" if views.high is None else f"{views.low}-{views.high}")
    return {
        "modality": modality,
        "regions": " ".join(sorted(reading.regions)),
        "contrast": reading.contrast_value or "",
        "laterality": reading.laterality_value or "",
        "views": count,
        "projections": " ".join(sorted(views.projections)),
        "timing": " ".join(sorted(reading.timing)),
        "qualifiers": " ".join(sorted(reading.qualifiers)),
    }


def render(directory: Path = DIRECTORY) -> str:
    lexicon = load_lexicon(directory)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for code, name in sorted(read_midrc_names(directory).items(), key=lambda kv: kv[1]):
        writer.writerow({"loinc": code, "long_common_name": name, **attributes(name, lexicon)})
    return out.getvalue()


def main() -> int:
    (DIRECTORY / CATALOGUE_FILE).write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
