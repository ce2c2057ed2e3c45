"""Harmonize one de-identified series: procedure (LOINC), body part (CID 4031), series type, equipment and
units, and geometry from its headers. Every mapping carries a confidence and its rule; below the review
threshold the value is withheld and the question left for the review list (see review.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydicom import Dataset

from contracts import DeidentifiedSeries, HarmonizedSeries
from services.harmonize.body_part import TEXT_ATTRIBUTES, body_part_meaning, resolve_body_part
from services.harmonize.equipment import equipment, measurements
from services.harmonize.geometry import GeometryUnavailable, series_geometry
from services.harmonize.policy import VERSION, VOCABULARY_DIR, Policy, default_policy
from services.harmonize.procedure import ProcedureMapper, build_mapper
from services.harmonize.review import ReviewedRules, load_rules
from services.harmonize.series_type import SeriesTyper, default_rules, series_type_meaning

#: The rules file a harmonizer loads when no other is configured.
BUNDLED_RULES = VOCABULARY_DIR / "reviewed_rules.yaml"


def _text(ds: Dataset, keyword: str) -> str | None:
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError):
        return None
    text = str(value).strip() if value not in (None, "") else ""
    return text or None


def first_text(headers: Sequence[Dataset], keyword: str) -> str | None:
    return next((t for ds in headers if (t := _text(ds, keyword))), None)


def requested_procedure(headers: Sequence[Dataset]) -> str | None:
    """RequestedProcedureDescription, at the top level or in the Request Attributes Sequence."""
    text = first_text(headers, "RequestedProcedureDescription")
    if text:
        return text
    for ds in headers[:1]:
        for item in ds.get("RequestAttributesSequence", []) or []:
            if t := _text(item, "RequestedProcedureDescription"):
                return t
    return None


def anatomic_region(headers: Sequence[Dataset]) -> tuple[str | None, str | None, str | None] | None:
    for ds in headers[:1]:
        items = ds.get("AnatomicRegionSequence") or []
        if items:
            item = items[0]
            return _text(item, "CodeValue"), _text(item, "CodingSchemeDesignator"), _text(item, "CodeMeaning")
    return None


@dataclass
class Harmonizer:
    """The mappers of one vocabulary version (plus reviewed rules and threshold): what provenance records."""

    procedures: ProcedureMapper
    typer: SeriesTyper
    policy: Policy
    reviewed: ReviewedRules = field(default_factory=ReviewedRules)

    @property
    def rules(self) -> dict[str, str]:
        """Versions recorded in StageRun.rules of every harmonize output."""
        return {
            "body_part_vocabulary": VERSION,
            "vocabulary": VERSION,
            "reviewed_rules": self.reviewed.version,
            "review_threshold": f"{self.policy.review_threshold:g}",
        }

    def series(
        self,
        series: DeidentifiedSeries,
        headers: Sequence[Dataset],
        study_description: str | None,
        study_modalities: Iterable[str] = (),
    ) -> HarmonizedSeries:
        protocol = first_text(headers, "ProtocolName")
        modality = series.modality
        texts = {"SeriesDescription": series.series_description, "ProtocolName": protocol,
                 "StudyDescription": study_description}
        body_part = resolve_body_part(
            series.body_part_examined, {k: texts[k] for k in TEXT_ATTRIBUTES}, anatomic_region=anatomic_region(headers),
            policy=self.policy, reviewed=self.reviewed, modality=modality,
        )
        procedure = self.procedures.map(
            modality, study_description=study_description, requested_procedure_description=requested_procedure(headers),
            protocol_name=protocol, body_part_examined=series.body_part_examined,
            series_description=series.series_description, study_modalities=study_modalities,
        )
        geometry = None
        note = None
        if not headers:
            note = "no_instances"
        else:
            try:
                geometry = series_geometry(headers)
            except GeometryUnavailable as exc:
                note = exc.code
        gear = equipment(headers)
        kind = self.typer.type(
            modality, headers, series_description=series.series_description, protocol_name=protocol,
            manufacturer=gear.manufacturer if gear else None, geometry=geometry,
            procedure_contrast=procedure.attributes.contrast if procedure.attributes else None,
        )
        return HarmonizedSeries(
            **series.model_dump(), body_part=body_part, geometry=geometry, geometry_note=note,
            procedure=procedure, series_type=kind, equipment=gear, acquisition=measurements(headers),
        )

    def map_description(
        self, modality: str | None, description: str | None, body_part: str | None = None
    ) -> dict[str, Any]:
        """`radcurate map`: a study description (and Body Part Examined) mapped as the service maps them."""
        procedure = self.procedures.map(modality, study_description=description, body_part_examined=body_part)
        part = resolve_body_part(body_part, {"StudyDescription": description}, policy=self.policy,
                                 reviewed=self.reviewed, modality=modality)
        return {
            "loinc": procedure.code,
            "loinc_name": procedure.meaning,
            "status": procedure.status,
            "confidence": procedure.confidence,
            "rule": procedure.rule,
            "candidates": [c.model_dump() for c in procedure.candidates],
            "attributes": procedure.attributes.model_dump() if procedure.attributes else None,
            "body_part": part.code,
            "body_part_meaning": part.meaning,
            "body_part_status": part.status,
            "body_part_confidence": part.confidence,
            "body_part_rule": part.rule,
            "review_threshold": self.policy.review_threshold,
            "versions": self.rules,
        }


def build_harmonizer(rules_file: Path | None = BUNDLED_RULES, threshold: float | None = None) -> Harmonizer:
    policy = default_policy().with_threshold(threshold)
    reviewed = load_rules(rules_file)
    return Harmonizer(
        procedures=build_mapper(policy=policy, reviewed=reviewed),
        typer=SeriesTyper(default_rules(), policy, reviewed),
        policy=policy,
        reviewed=reviewed,
    )


@cache
def default_harmonizer() -> Harmonizer:
    return build_harmonizer()


def harmonize_series(
    series: DeidentifiedSeries, headers: Sequence[Dataset], study_description: str | None
) -> HarmonizedSeries:
    """`Harmonizer.series` with the bundled vocabulary and rules."""
    return default_harmonizer().series(series, headers, study_description)


def answer_meaning(field_name: str, answer: str) -> str | None:
    """Validate a reviewer's answer for `field_name` against the vocabulary; its meaning, or None."""
    if field_name == "procedure":
        mapper = default_harmonizer().procedures
        known = mapper.catalogue.get(answer)
        return known.name if known else None
    if field_name == "body_part":
        return body_part_meaning(answer)
    return series_type_meaning(field_name, answer)
