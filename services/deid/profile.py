"""De-identification profiles: which Annex E options apply, loaded from versioned YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.deid.annex_e import Option
from services.deid.ocr import OcrMode

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"


class ProfileError(ValueError):
    """A profile file cannot be read or does not validate; the message names the offending key."""


class DeidProfile(BaseModel):
    """The Basic Application Level Confidentiality Profile plus a chosen set of its options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    version: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_.-]+$")
    options: tuple[Option, ...] = ()
    unknown_public_action: Literal["remove", "keep"] = Field(
        default="remove", description="Even-group attribute absent from pydicom's data dictionary."
    )
    unlisted_public_action: Literal["keep", "remove"] = Field(
        default="keep",
        description="Dictionary attribute absent from Table E.1-1 (the standard keeps it). 'remove' still "
        "keeps what makes the instance an image: groups 0028 and 7FE0, SOP Class, Modality, Image Type, "
        "Series and Instance Number, position, orientation and spacing.",
    )
    allow_burned_in: bool = False
    keep_references: bool = Field(
        default=False,
        description="Resolve X/Z/U* (Referenced Image Sequence, Source Image Sequence) to U* whatever the "
        "attribute's Type: the sequence stays, its instance UIDs pseudonymised like the instances they name, so "
        "references between de-identified instances survive. Off: Annex E removes them where they are Type 3.",
    )
    ocr: OcrMode = Field(
        default=OcrMode.OFF,
        description="Pixel OCR with tesseract: 'off', 'flag' (record in the report) or 'reject' (refuse the "
        "instance with reason burned_in_text_detected, and any instance whose pixels cannot be read).",
    )
    ocr_min_confidence: float = Field(default=60.0, ge=0, le=100, description="Word confidence that counts.")
    ocr_min_words: int = Field(default=2, ge=1, description="Confident words (>= 3 letters or digits) that mean text.")
    ocr_max_frames: int = Field(default=3, ge=1, le=100, description="Frames read per instance, evenly spaced.")

    @field_validator("ocr", mode="before")
    @classmethod
    def _yaml_off(cls, value: object) -> object:
        """YAML 1.1 reads a bare ``off`` as false."""
        if value is False:
            return OcrMode.OFF
        if value is True:
            raise ValueError("write off, flag or reject (quoted if need be)")
        return value

    @field_validator("options")
    @classmethod
    def _unique(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        if len(set(options)) != len(options):
            raise ValueError("an option is listed twice")
        return tuple(sorted(options, key=list(Option).index))

    @model_validator(mode="after")
    def _exclusive_dates(self) -> DeidProfile:
        if {Option.RETAIN_LONG_FULL_DATES, Option.RETAIN_LONG_MODIFIED_DATES} <= set(self.options):
            raise ValueError("retain_long_full_dates and retain_long_modified_dates exclude each other")
        return self

    @property
    def option_set(self) -> frozenset[Option]:
        """The options as a set."""
        return frozenset(self.options)

    @property
    def method_text(self) -> str:
        """Value for De-identification Method (0012,0063), at most 64 characters (LO)."""
        return f"radcurate {self.name} {self.version} PS3.15-2023b Annex E"[:64]


def load_profile(path: str | Path) -> DeidProfile:
    """Read and validate a profile YAML file; raise ProfileError naming the bad key."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path.name}: cannot be read ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path.name}: expected a mapping at the top level")
    try:
        return DeidProfile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '<root>'}: {error['msg']}" for error in exc.errors()
        )
        raise ProfileError(f"{path.name}: {problems}") from None


def builtin_profile(name: str) -> DeidProfile:
    """One of the profiles shipped in ``profiles/`` (``basic``, ``research``)."""
    return load_profile(PROFILES_DIR / f"{name}.yaml")
