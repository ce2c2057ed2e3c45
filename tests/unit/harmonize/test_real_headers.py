"""The whole series harmonization on real headers (labelled in data/real_headers.csv): procedure, body part,
and that nothing is emitted where the catalogue has no fitting code."""

from __future__ import annotations

import pytest

from contracts import HarmonizedSeries
from services.harmonize.harmonize import default_harmonizer
from tests.unit.harmonize.realdata import Labelled, labelled

ROWS = {row.series: row for row in labelled()}.values()  # one row per series


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.series.split(":")[1][-32:])
def test_real_series(row: Labelled) -> None:
    headers = row.headers()
    result = default_harmonizer().series(row.deidentified(headers), headers, row.study_description(headers),
                                         [str(headers[0].Modality)])
    HarmonizedSeries.model_validate(result.model_dump())  # a valid contract payload
    assert result.procedure is not None
    if row.loinc == "none":
        assert result.procedure.status != "mapped", result.procedure  # no code fits: nothing emitted
    elif row.loinc != "-":
        assert (result.procedure.status, result.procedure.code) == ("mapped", row.loinc), result.procedure
    if row.body_part != "-":
        assert result.body_part.candidates[0].code == row.body_part
    for mapping in (result.procedure, result.body_part):
        if mapping.status == "mapped":
            assert mapping.confidence is not None and mapping.confidence >= default_harmonizer().policy.review_threshold


def test_a_real_multi_slice_series_has_geometry_type_equipment_and_units() -> None:
    row = next(r for r in ROWS if "77654033/CT2" in r.series)
    headers = row.headers()
    result = default_harmonizer().series(row.deidentified(headers), headers, row.study_description(headers))
    assert result.geometry is not None and result.geometry.slice_count == 4
    assert result.series_type is not None and result.series_type.kernel_class is not None
    assert result.equipment is not None and result.equipment.manufacturer == "GE HealthCare"
    assert {m.name for m in result.acquisition} >= {"slice_thickness", "tube_voltage"}
