"""The 1.1 fields of the harmonized series: optional, left out when empty, so 1.0 payloads round-trip."""

from __future__ import annotations

import json

from contracts import BodyPart, HarmonizedSeries, StudyHarmonized
from contracts.events import absent
from services.harmonize.harmonize import default_harmonizer
from tests.unit.harmonize.realdata import labelled


def test_absent_values() -> None:
    assert absent(None) and absent([]) and absent({}) and not absent(0) and not absent("")


def test_a_1_0_series_serialises_without_the_new_fields() -> None:
    series = HarmonizedSeries(series_uid="2.25.1", research_series_id="x", modality="CT", instance_count=1,
                              body_part=BodyPart(code="unknown", source="none"))
    data = json.loads(series.model_dump_json())
    assert not {"procedure", "series_type", "equipment", "acquisition"} & data.keys()
    assert not {"status", "confidence", "rule", "candidates", "disagreements"} & data["body_part"].keys()


def test_a_harmonized_series_round_trips_through_the_contract() -> None:
    row = labelled()[0]
    headers = row.headers()
    series = default_harmonizer().series(row.deidentified(headers), headers, row.study_description(headers))
    again = HarmonizedSeries.model_validate_json(series.model_dump_json())
    assert again == series
    assert StudyHarmonized.SCHEMA_VERSION == "1.1"
