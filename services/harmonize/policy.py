"""The confidence policy (vocabulary/policy.yaml): review threshold, confidences and score weights."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

VOCABULARY_DIR = Path(__file__).with_name("vocabulary")
VERSION = (VOCABULARY_DIR / "VERSION").read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Policy:
    review_threshold: float
    confidence: dict[str, float]
    weights: dict[str, float]
    qualifier_weights: dict[str, float]
    body_part: dict[str, float]
    series_type: dict[str, float]
    contradicting_qualifiers: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Purpose -> the contrast its codes are made with, unnamed in them (arthrogram -> W).
    contrast_of_purpose: dict[str, str] = field(default_factory=dict)
    #: Qualifiers weighing less than 1 that a code still may not state unsaid (a limited exam).
    stated_qualifiers: frozenset[str] = frozenset()

    def with_threshold(self, threshold: float | None) -> Policy:
        """The same policy with another review threshold (the HARMONIZE_REVIEW_THRESHOLD override)."""
        if threshold is None:
            return self
        return replace(self, review_threshold=threshold)

    def status(self, confidence: float) -> str:
        """`mapped` at or above the threshold, else `review`."""
        return "mapped" if confidence >= self.review_threshold - 1e-9 else "review"


def load_policy(path: Path) -> Policy:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    threshold = float(raw["review_threshold"])
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"{path.name}: review_threshold must be in (0, 1]")
    qualifier_weights = {k: float(v) for k, v in raw["qualifier_weights"].items()}
    named_only_spec = raw.get("named_only_qualifiers") or {}
    named_only = list(named_only_spec.get("qualifiers") or ())
    if both := set(named_only) & qualifier_weights.keys():
        raise ValueError(f"{path.name}: weighed twice (qualifier_weights and named_only_qualifiers): {sorted(both)}")
    qualifier_weights |= {q: float(named_only_spec["weight"]) for q in named_only}
    return Policy(
        review_threshold=threshold,
        confidence={k: float(v) for k, v in raw["confidence"].items()},
        weights={k: float(v) for k, v in raw["weights"].items()},
        qualifier_weights=qualifier_weights,
        body_part={k: float(v) for k, v in raw["body_part"].items()},
        series_type={k: float(v) for k, v in raw["series_type"].items()},
        contradicting_qualifiers={k: frozenset(v) for k, v in (raw.get("contradicting_qualifiers") or {}).items()},
        contrast_of_purpose={k: str(v) for k, v in (raw.get("contrast_of_purpose") or {}).items()},
        stated_qualifiers=frozenset(raw.get("stated_qualifiers") or ()) | frozenset(named_only),
    )


@cache
def default_policy() -> Policy:
    return load_policy(VOCABULARY_DIR / "policy.yaml")
