"""Required attributes of the IODs the qc stage supports: the versioned `rules/iod_required.yaml`.

Pure Python at run time; the table is checked against dciodvfy (dicom3tools) in the tests only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydicom import Dataset
from pydicom.datadict import tag_for_keyword

from services.qc.geometry import present, text
from services.qc.rules import load_yaml_model

IOD_PATH = Path(__file__).with_name("rules") / "iod_required.yaml"
RequirementType = Literal["1", "2", "1C"]


class IODTableError(ValueError):
    """The IOD table is unreadable, names an unknown keyword or module, or misses a key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _keywords(values: list[str]) -> list[str]:
    unknown = [k for k in values if tag_for_keyword(k) is None]
    if unknown:
        raise ValueError(f"not DICOM keywords: {', '.join(unknown)}")
    return values


class Conditional(_Model):
    """Type 1C: one of `any_of` has a value, when every `when` attribute has the given value (or always)."""

    any_of: list[str] = Field(min_length=1)
    when: dict[str, str] = Field(default_factory=dict)
    module: str | None = None

    check_any_of = field_validator("any_of")(_keywords)

    @field_validator("when")
    @classmethod
    def _when_keywords(cls, value: dict[str, str]) -> dict[str, str]:
        _keywords(list(value))
        return {k: v.strip().upper() for k, v in value.items()}


class ModuleSpec(_Model):
    type1: list[str] = Field(default_factory=list)
    type2: list[str] = Field(default_factory=list)
    conditional: list[Conditional] = Field(default_factory=list)

    check_type1 = field_validator("type1")(_keywords)
    check_type2 = field_validator("type2")(_keywords)


class SOPClassSpec(_Model):
    name: str
    modules: list[str] = Field(min_length=1)
    conditional: list[Conditional] = Field(default_factory=list)


class IODTable(_Model):
    version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    standard: str
    modules: dict[str, ModuleSpec]
    sop_classes: dict[str, SOPClassSpec] = Field(min_length=1)

    @field_validator("sop_classes")
    @classmethod
    def _uids(cls, value: dict[str, SOPClassSpec]) -> dict[str, SOPClassSpec]:
        bad = [uid for uid in value if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", uid)]
        if bad:
            raise ValueError(f"not UIDs: {', '.join(bad)}")
        return value

    @model_validator(mode="after")
    def _references(self) -> Self:
        for uid, spec in self.sop_classes.items():
            unknown = [m for m in spec.modules if m not in self.modules]
            if unknown:
                raise ValueError(f"sop_classes.{uid}.modules: unknown module {', '.join(unknown)}")
            for cond in spec.conditional:
                if cond.module not in self.modules:
                    raise ValueError(f"sop_classes.{uid}.conditional: module must name a module of the table")
        return self

    def requirements(self, sop_class: str) -> list[Requirement] | None:
        """What an instance of `sop_class` must carry, or None when the table does not cover the class."""
        spec = self.sop_classes.get(sop_class)
        if spec is None:
            return None
        out: list[Requirement] = []
        for name in spec.modules:
            module = self.modules[name]
            out += [Requirement((k,), "1", name) for k in module.type1]
            out += [Requirement((k,), "2", name) for k in module.type2]
            out += [Requirement(tuple(c.any_of), "1C", name, tuple(c.when.items())) for c in module.conditional]
        out += [Requirement(tuple(c.any_of), "1C", c.module or "", tuple(c.when.items())) for c in spec.conditional]
        return out


@dataclass(frozen=True)
class Requirement:
    attributes: tuple[str, ...]  # one of them (a single one unless Type 1C with alternatives)
    type: RequirementType
    module: str
    when: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Missing:
    requirement: Requirement
    problem: Literal["absent", "empty"]


def load_iod_table(path: Path | str | None = None) -> IODTable:
    """Read and validate the table (default: the packaged `rules/iod_required.yaml`)."""
    return load_yaml_model(IODTable, Path(path) if path is not None else IOD_PATH, "IOD table", IODTableError)


@cache
def default_iod_table() -> IODTable:
    return load_iod_table()


def missing_attributes(ds: Dataset, table: IODTable) -> list[Missing] | None:
    """Requirements `ds` does not meet; None when its SOP class is not in the table."""
    sop_class = text(ds, "SOPClassUID")
    if not sop_class:
        problem: Literal["absent", "empty"] = "absent" if "SOPClassUID" not in ds else "empty"
        return [Missing(Requirement(("SOPClassUID",), "1", "SOPCommon"), problem)]
    requirements = table.requirements(sop_class)
    if requirements is None:
        return None
    missing: list[Missing] = []
    for req in requirements:
        if any(text(ds, keyword) != value for keyword, value in req.when):
            continue
        if req.type == "2":
            if not any(k in ds for k in req.attributes):
                missing.append(Missing(req, "absent"))
        elif not any(present(ds, k) for k in req.attributes):
            missing.append(Missing(req, "empty" if any(k in ds for k in req.attributes) else "absent"))
    return missing
