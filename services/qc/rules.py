"""QC tolerances: the versioned `rules/qc_rules.yaml`, validated on load."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

RULES_PATH = Path(__file__).with_name("rules") / "qc_rules.yaml"


class RulesError(ValueError):
    """The rules file is unreadable or a key is unknown, missing or out of range."""


class QCRules(BaseModel):
    """Tolerances of the checks in `checks.py`; the YAML file documents each one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    volumetric_modalities: frozenset[str] = Field(min_length=1)
    gap_tolerance: float = Field(gt=1.0)
    spacing_tolerance: float = Field(gt=0.0, lt=1.0)
    spacing_tolerance_mm: float = Field(ge=0.0)
    position_tolerance_mm: float = Field(gt=0.0)
    orientation_tolerance_deg: float = Field(gt=0.0, lt=90.0)
    pixel_spacing_tolerance_mm: float = Field(ge=0.0)
    max_evidence_items: int = Field(ge=1)

    @field_validator("volumetric_modalities")
    @classmethod
    def _upper(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(m.strip().upper() for m in value)

    @model_validator(mode="after")
    def _gap_above_spacing(self) -> Self:
        if self.gap_tolerance <= 1.0 + self.spacing_tolerance:
            raise ValueError("gap_tolerance must exceed 1 + spacing_tolerance")
        return self


def load_rules(path: Path | str | None = None) -> QCRules:
    """Read and validate the rules (default: the packaged `rules/qc_rules.yaml`)."""
    source = Path(path) if path is not None else RULES_PATH
    try:
        data: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{source}: cannot read QC rules: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{source}: QC rules must be a mapping of keys to values")
    try:
        return QCRules.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: "
            f"{'unknown key' if e['type'] == 'extra_forbidden' else e['msg']}"
            for e in exc.errors()
        )
        raise RulesError(f"{source}: invalid QC rules: {problems}") from exc
