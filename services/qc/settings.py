"""Settings of the qc service (env prefix QC_; shared addresses by their common names)."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from contracts.settings import StageSettings


class Settings(StageSettings):
    model_config = SettingsConfigDict(env_prefix="QC_", extra="ignore", populate_by_name=True)

    research_orthanc_url: str = Field(validation_alias="RESEARCH_ORTHANC_URL")
    research_orthanc_user: str = Field(validation_alias="RESEARCH_ORTHANC_USER")
    research_orthanc_password: SecretStr = Field(validation_alias="RESEARCH_ORTHANC_PASSWORD")
    dicomweb_root: str = "dicom-web"
    http_timeout: float = Field(60.0, gt=0)
    rules_file: Path | None = Field(None, description="QC rules YAML; the bundled rules when unset.")
    iod_file: Path | None = Field(None, description="Required-attribute table YAML; the bundled one when unset.")
    profiles_dir: Path | None = Field(None, description="Directory of protocol profiles; the bundled ones when unset.")
