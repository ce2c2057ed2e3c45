"""Protocol profiles: which series make a study eligible for a disease database (`profiles/*.yaml`).

A profile lists requirements; each must be met by at least one series of the study (one series may meet
several). `evaluate_profiles` is pure: it takes the facts of a study's series (`facts.series_facts`) and
gives, per profile, eligible or not with the reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.qc.checks import SeriesKind
from services.qc.facts import KernelClass, MRWeighting, SeriesFacts
from services.qc.rules import load_yaml_model

PROFILES_DIR = Path(__file__).with_name("profiles")
CODE = r"^[a-z][a-z0-9_]*$"
EPSILON_MM = 1e-3  # header values are rounded: a limit is met within this margin
Plane = Literal["AXIAL", "CORONAL", "SAGITTAL", "OBLIQUE"]


class ProfileError(ValueError):
    """A profile file is unreadable, or a key is unknown, missing or out of range."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeriesRequirement(_Model):
    """What one series must be; every criterion left out is not checked."""

    name: str = Field(pattern=CODE)
    description: str = ""
    modality: list[str] | None = Field(default=None, min_length=1)
    kind: list[SeriesKind] | None = Field(default=None, min_length=1)
    body_part: list[str] | None = Field(default=None, min_length=1, description="SNOMED CT codes (CID 4031).")
    plane: list[Plane] | None = Field(default=None, min_length=1)
    kernel_class: list[KernelClass] | None = Field(default=None, min_length=1)
    mr_acquisition_type: list[Literal["2D", "3D"]] | None = Field(default=None, min_length=1)
    mr_weighting: list[MRWeighting] | None = Field(default=None, min_length=1)
    max_slice_thickness_mm: float | None = Field(default=None, gt=0, description="SliceThickness, else spacing.")
    max_slice_spacing_mm: float | None = Field(default=None, gt=0)
    max_pixel_spacing_mm: float | None = Field(default=None, gt=0)
    max_gap_mm: float | None = Field(default=None, ge=0, description="Slice spacing minus slice thickness.")
    min_extent_mm: float | None = Field(default=None, gt=0)
    min_slices: int | None = Field(default=None, ge=1)
    qc_pass: bool = Field(default=True, description="The series' own QC verdict is PASS.")
    forbidden_findings: list[str] = Field(default_factory=list, description="Finding codes the series must not have.")


class Profile(_Model):
    name: str = Field(pattern=CODE)
    version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    description: str = ""
    requirements: list[SeriesRequirement] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_requirements(self) -> Self:
        names = [r.name for r in self.requirements]
        if len(set(names)) < len(names):
            raise ValueError("requirement names must be unique")
        return self


# ---------------------------------------------------------------- verdicts (contract candidates)


class CriterionMiss(_Model):
    criterion: str = Field(description="e.g. slice_thickness, kernel_class, extent.")
    expected: Any = None
    actual: Any = None


class SeriesMiss(_Model):
    series_uid: str
    misses: list[CriterionMiss]


class RequirementResult(_Model):
    requirement: str
    met: bool
    series_uids: list[str] = Field(default_factory=list, description="Series that meet it.")
    closest: list[SeriesMiss] = Field(default_factory=list, description="When unmet: the nearest series and why.")


class ProfileVerdict(_Model):
    """A study's eligibility for one profile, with the reasons when not eligible."""

    profile: str
    version: str
    eligible: bool
    reasons: list[str] = Field(default_factory=list, description="`requirement:criterion` codes when not eligible.")
    requirements: list[RequirementResult]


# ---------------------------------------------------------------- loading


def load_profile(path: Path | str) -> Profile:
    source = Path(path)
    profile = load_yaml_model(Profile, source, "protocol profile", ProfileError)
    if profile.name != source.stem:
        raise ProfileError(f"{source}: invalid protocol profile: name: {profile.name!r} must match the file name")
    return profile


def load_profiles(directory: Path | str | None = None) -> list[Profile]:
    """Every `*.yaml` profile of `directory` (default: the packaged `profiles/`), by name."""
    source = Path(directory) if directory is not None else PROFILES_DIR
    paths = sorted(source.glob("*.yaml"))
    if not paths:
        raise ProfileError(f"{source}: no protocol profiles (*.yaml)")
    return [load_profile(p) for p in paths]


@cache
def default_profiles() -> tuple[Profile, ...]:
    return tuple(load_profiles())


# ---------------------------------------------------------------- evaluation


def _misses(req: SeriesRequirement, f: SeriesFacts) -> list[CriterionMiss]:
    misses: list[CriterionMiss] = []

    def need(criterion: str, ok: bool, expected: Any, actual: Any) -> None:
        if not ok:
            misses.append(CriterionMiss(criterion=criterion, expected=expected, actual=actual))

    def at_most(criterion: str, limit: float | None, actual: float | None) -> None:
        if limit is not None:
            need(criterion, actual is not None and actual <= limit + EPSILON_MM, limit, actual)

    if req.modality is not None:
        need("modality", f.modality in req.modality, req.modality, f.modality)
    if req.kind is not None:
        need("kind", f.kind in req.kind, req.kind, f.kind)
    if req.body_part is not None:
        need("body_part", f.body_part in req.body_part, req.body_part, f.body_part)
    if req.plane is not None:
        need("plane", f.plane in req.plane, req.plane, f.plane)
    if req.kernel_class is not None:
        need("kernel_class", f.kernel_class in req.kernel_class, req.kernel_class, f.kernel_class)
    if req.mr_acquisition_type is not None:
        need("mr_acquisition_type", f.mr_acquisition_type in req.mr_acquisition_type, req.mr_acquisition_type,
             f.mr_acquisition_type)
    if req.mr_weighting is not None:
        need("mr_weighting", f.mr_weighting in req.mr_weighting, req.mr_weighting, f.mr_weighting)
    thickness = f.slice_thickness_mm if f.slice_thickness_mm is not None else f.slice_spacing_mm
    at_most("slice_thickness", req.max_slice_thickness_mm, thickness)
    at_most("slice_spacing", req.max_slice_spacing_mm, f.slice_spacing_mm)
    at_most("pixel_spacing", req.max_pixel_spacing_mm, f.pixel_spacing_mm)
    if req.max_gap_mm is not None:
        gap = None if f.slice_spacing_mm is None or thickness is None else round(f.slice_spacing_mm - thickness, 3)
        at_most("gap", req.max_gap_mm, gap)
    if req.min_extent_mm is not None:
        need("extent", f.extent_mm is not None and f.extent_mm >= req.min_extent_mm - EPSILON_MM,
             req.min_extent_mm, f.extent_mm)
    if req.min_slices is not None:
        need("slice_count", f.slice_count >= req.min_slices, req.min_slices, f.slice_count)
    if req.qc_pass:
        need("qc_verdict", f.qc_verdict.value == "PASS", "PASS", f.qc_verdict.value)
    if req.forbidden_findings:
        found = sorted(set(req.forbidden_findings) & set(f.qc_codes))
        need("findings", not found, [], found)
    return misses


def _requirement(req: SeriesRequirement, series: Sequence[SeriesFacts], keep: int) -> RequirementResult:
    judged = [(f.series_uid, _misses(req, f)) for f in series]
    met = [uid for uid, misses in judged if not misses]
    if met:
        return RequirementResult(requirement=req.name, met=True, series_uids=met)
    nearest = sorted(judged, key=lambda item: len(item[1]))[:keep]
    return RequirementResult(
        requirement=req.name, met=False,
        closest=[SeriesMiss(series_uid=uid, misses=misses) for uid, misses in nearest],
    )


def evaluate_profiles(
    series: Sequence[SeriesFacts], profiles: Sequence[Profile], *, closest: int = 3
) -> list[ProfileVerdict]:
    """Per profile: eligible when every requirement is met by some series; else the reasons, as
    `requirement:criterion` of the nearest series (`requirement:no_series` for a study without series)."""
    verdicts = []
    for profile in profiles:
        results = [_requirement(req, series, closest) for req in profile.requirements]
        reasons: list[str] = []
        for result in results:
            if result.met:
                continue
            if not result.closest:
                reasons.append(f"{result.requirement}:no_series")
            else:
                reasons += [f"{result.requirement}:{m.criterion}" for m in result.closest[0].misses]
        verdicts.append(ProfileVerdict(
            profile=profile.name, version=profile.version, eligible=not reasons, reasons=reasons,
            requirements=results,
        ))
    return verdicts


def eligible_for(verdicts: Sequence[ProfileVerdict]) -> list[str]:
    """Names of the profiles a study is eligible for (what the index stores for `eligible_for=` queries)."""
    return sorted(v.profile for v in verdicts if v.eligible)
