"""Burned-in text guard: refuse instances whose pixels may show identifying text (``data/burned_in.yaml``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contracts.errors import DataRejected

POLICY = Path(__file__).resolve().parent / "data" / "burned_in.yaml"
REASON = "burned_in_annotation"


@dataclass(frozen=True, slots=True)
class BurnedInPolicy:
    """Modalities and SOP classes that must state Burned In Annotation = NO to pass."""

    version: str
    modalities: frozenset[str]
    sop_classes: frozenset[str]

    def check(self, burned_in: str | None, modality: str | None, sop_class_uid: str | None) -> None:
        """Raise DataRejected(REASON) for an instance that is, or may be, annotated in its pixels.

        The detail names the attribute and a listed code or UID only, never a free value.
        """
        if burned_in == "YES":
            raise DataRejected(REASON, "Burned In Annotation (0028,0301) is YES")
        if burned_in == "NO":
            return
        state = "absent" if burned_in is None else "not NO"
        if modality in self.modalities:
            raise DataRejected(REASON, f"Burned In Annotation (0028,0301) is {state} for modality {modality}")
        if sop_class_uid in self.sop_classes:
            raise DataRejected(REASON, f"Burned In Annotation (0028,0301) is {state} for SOP class {sop_class_uid}")


@functools.cache
def load_burned_in_policy(path: Path = POLICY) -> BurnedInPolicy:
    """Load the policy file."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return BurnedInPolicy(
        version=str(data["version"]),
        modalities=frozenset(str(item) for item in data["modalities"]),
        sop_classes=frozenset(str(item) for item in data["sop_classes"]),
    )
