"""QC tolerances: the versioned `rules/qc_rules.yaml`, validated on load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Self, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydicom.datadict import tag_for_keyword

RULES_PATH = Path(__file__).with_name("rules") / "qc_rules.yaml"
M = TypeVar("M", bound=BaseModel)


class RulesError(ValueError):
    """The rules file is unreadable or a key is unknown, missing or out of range."""


class QCRules(BaseModel):
    """Tolerances of the checks in `checks.py` and `pixels.py`; the YAML file documents each one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    volumetric_modalities: frozenset[str] = Field(min_length=1)
    secondary_capture_sop_classes: frozenset[str]
    projection_image_types: frozenset[str]
    volume_keys: tuple[str, ...]
    volume_min_fraction: float = Field(gt=0.0, le=1.0)
    gap_tolerance: float = Field(gt=1.0)
    spacing_tolerance: float = Field(gt=0.0, lt=1.0)
    spacing_tolerance_mm: float = Field(ge=0.0)
    position_tolerance_mm: float = Field(gt=0.0)
    orientation_tolerance_deg: float = Field(gt=0.0, lt=90.0)
    tilt_tolerance_deg: float = Field(gt=0.0, lt=45.0)
    stack_alignment_tolerance_mm: float = Field(gt=0.0)
    plane_tolerance_deg: float = Field(gt=0.0, lt=45.0)
    pixel_spacing_tolerance_mm: float = Field(ge=0.0)
    pixel_samples_per_series: int = Field(ge=0)
    ct_hu_range: tuple[float, float]
    ct_hu_max_outside_fraction: float = Field(ge=0.0, lt=1.0)
    max_evidence_items: int = Field(ge=1)

    @field_validator("volumetric_modalities", "projection_image_types")
    @classmethod
    def _upper(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(m.strip().upper() for m in value)

    @field_validator("secondary_capture_sop_classes")
    @classmethod
    def _uids(cls, value: frozenset[str]) -> frozenset[str]:
        bad = sorted(v for v in value if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", v.strip()))
        if bad:
            raise ValueError(f"not UIDs: {', '.join(bad)}")
        return frozenset(v.strip() for v in value)

    @field_validator("volume_keys")
    @classmethod
    def _keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [k for k in value if tag_for_keyword(k) is None]
        if unknown:
            raise ValueError(f"not DICOM keywords: {', '.join(unknown)}")
        return value

    @field_validator("pixel_samples_per_series")
    @classmethod
    def _first_middle_last(cls, value: int) -> int:
        if 0 < value < 3:
            raise ValueError("must be 0 (pixel checks off) or at least 3 (first, middle and last)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.gap_tolerance <= 1.0 + self.spacing_tolerance:
            raise ValueError("gap_tolerance must exceed 1 + spacing_tolerance")
        if self.ct_hu_range[0] >= self.ct_hu_range[1]:
            raise ValueError("ct_hu_range must be [lowest, highest]")
        return self


def load_rules(path: Path | str | None = None) -> QCRules:
    """Read and validate the rules (default: the packaged `rules/qc_rules.yaml`)."""
    return load_yaml_model(QCRules, Path(path) if path is not None else RULES_PATH, "QC rules", RulesError)


def load_yaml_model(model: type[M], source: Path, what: str, error: type[ValueError]) -> M:
    """Read a YAML mapping into `model`; `error` names the file and each bad key (dotted path) with the problem."""
    try:
        data: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{source}: cannot read {what}: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{source}: {what} must be a mapping of keys to values")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{source}: invalid {what}: {validation_problems(exc)}") from exc


def validation_problems(exc: ValidationError) -> str:
    """`key.path: problem; ...` for each error, with `unknown key` for keys the model does not have."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: "
        f"{'unknown key' if e['type'] == 'extra_forbidden' else e['msg']}"
        for e in exc.errors()
    )
