"""Settings of the harmonize service (env prefix HARMONIZE_; shared addresses by their common names)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from contracts.settings import StageSettings


class Settings(StageSettings):
    model_config = SettingsConfigDict(env_prefix="HARMONIZE_", extra="ignore", populate_by_name=True)

    research_orthanc_url: str = Field(validation_alias="RESEARCH_ORTHANC_URL")
    research_orthanc_user: str = Field(validation_alias="RESEARCH_ORTHANC_USER")
    research_orthanc_password: SecretStr = Field(validation_alias="RESEARCH_ORTHANC_PASSWORD")
    dicomweb_root: str = "dicom-web"
    http_timeout: float = Field(60.0, gt=0)
