"""Settings of the harmonize service (env prefix HARMONIZE_; shared addresses by their common names)."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from contracts.settings import StageSettings
from services.harmonize.harmonize import BUNDLED_RULES


class Settings(StageSettings):
    model_config = SettingsConfigDict(env_prefix="HARMONIZE_", extra="ignore", populate_by_name=True)

    research_orthanc_url: str = Field(validation_alias="RESEARCH_ORTHANC_URL")
    research_orthanc_user: str = Field(validation_alias="RESEARCH_ORTHANC_USER")
    research_orthanc_password: SecretStr = Field(validation_alias="RESEARCH_ORTHANC_PASSWORD")
    dicomweb_root: str = "dicom-web"
    http_timeout: float = Field(60.0, gt=0)
    reviewed_rules_file: Path = Field(
        BUNDLED_RULES, description="Reviewers' answers exported by `radcurate review export` (versioned)."
    )
    review_threshold: float | None = Field(
        None, gt=0, le=1, description="Overrides the threshold of vocabulary/policy.yaml; recorded in provenance."
    )
