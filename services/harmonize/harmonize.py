"""Harmonize one de-identified series: body part to SNOMED (CID 4031) and geometry from its headers."""

from __future__ import annotations

from collections.abc import Sequence

from pydicom import Dataset

from contracts import DeidentifiedSeries, HarmonizedSeries
from services.harmonize.body_part import map_body_part
from services.harmonize.geometry import GeometryUnavailable, series_geometry


def harmonize_series(
    series: DeidentifiedSeries, headers: Sequence[Dataset], study_description: str | None
) -> HarmonizedSeries:
    protocol = next((str(ds.ProtocolName) for ds in headers if ds.get("ProtocolName")), None)
    texts = {"SeriesDescription": series.series_description, "ProtocolName": protocol,
             "StudyDescription": study_description}
    body_part = map_body_part(series.body_part_examined, texts)
    geometry = None
    note = None
    if not headers:
        note = "no_instances"
    else:
        try:
            geometry = series_geometry(headers)
        except GeometryUnavailable as exc:
            note = exc.code
    return HarmonizedSeries(
        **series.model_dump(), body_part=body_part, geometry=geometry, geometry_note=note
    )
