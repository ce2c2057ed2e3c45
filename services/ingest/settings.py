"""Settings of the ingest service (env prefix INGEST_; shared addresses by their common names)."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from contracts.settings import StageSettings


class Settings(StageSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore", populate_by_name=True)

    orthanc_url: str = Field(validation_alias="ORTHANC_URL")
    orthanc_user: str = Field(validation_alias="ORTHANC_USER")
    orthanc_password: SecretStr = Field(validation_alias="ORTHANC_PASSWORD")
    mongo_uri: SecretStr = Field(validation_alias="MONGO_URI")
    mongo_db: str = Field("radcurate", validation_alias="MONGO_DB")
    sites_file: Path = Path("config/sites.yaml")
    cursor_name: str = "edge"
    poll_interval: float = Field(1.0, gt=0)
    stability_grace: float = Field(
        60.0, gt=0, description="Seconds a study must stay quiet before the sweep announces it (> StableAge)."
    )
    changes_page_size: int = Field(200, ge=1, le=10000)
    http_timeout: float = Field(30.0, gt=0)
