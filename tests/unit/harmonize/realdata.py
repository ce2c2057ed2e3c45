"""The labelled real series of data/real_headers.csv: files resolved, headers read, expectations parsed."""

from __future__ import annotations

import csv
import glob
from dataclasses import dataclass
from pathlib import Path

import deid_data
import pydicom
from pydicom import Dataset

from contracts import DeidentifiedSeries

LABELS = Path(__file__).with_name("data") / "real_headers.csv"
_PYDICOM = Path(pydicom.__file__).parent / "data"
_DEID = Path(deid_data.__file__).parent / "data"


def _roots() -> dict[str, list[Path]]:
    import importlib.util

    spec = importlib.util.find_spec("data_store")
    store = [Path(spec.origin).parent.parent] if spec and spec.origin else []
    return {"pydicom": [_PYDICOM, *store], "deid": [_DEID]}


def files(series: str) -> list[Path]:
    scheme, _, pattern = series.partition(":")
    for root in _roots()[scheme]:
        found = sorted(Path(p) for p in glob.glob(str(root / pattern)) if Path(p).is_file())
        if found:
            return found
    raise FileNotFoundError(series)


@dataclass(frozen=True)
class Labelled:
    series: str
    loinc: str  # code, "none" (no code fits: nothing may be emitted) or "-" (not labelled)
    body_part: str
    field: str
    value: str
    note: str

    def headers(self) -> list[Dataset]:
        return [pydicom.dcmread(p, stop_before_pixels=True) for p in files(self.series)]

    def deidentified(self, headers: list[Dataset]) -> DeidentifiedSeries:
        ds = headers[0]

        def text(keyword: str) -> str | None:
            value = ds.get(keyword)
            return (str(value).strip() or None) if value not in (None, "") else None

        return DeidentifiedSeries(
            series_uid="2.25.1", research_series_id="real", modality=str(ds.get("Modality") or "OT"),
            instance_count=len(headers), series_description=text("SeriesDescription"),
            body_part_examined=text("BodyPartExamined"),
        )

    @staticmethod
    def study_description(headers: list[Dataset]) -> str | None:
        value = headers[0].get("StudyDescription")
        return str(value).strip() or None if value not in (None, "") else None


def labelled() -> list[Labelled]:
    with LABELS.open(encoding="utf-8", newline="") as f:
        rows = [line for line in f if not line.startswith("#")]
    return [Labelled(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(rows)]
