"""Settings of the index worker and API (env prefix INDEX_; shared addresses by their common names)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from contracts.settings import StageSettings


class Settings(StageSettings):
    model_config = SettingsConfigDict(env_prefix="INDEX_", extra="ignore", populate_by_name=True)

    mongo_uri: SecretStr = Field(validation_alias="MONGO_URI")
    mongo_db: str = Field("radcurate", validation_alias="MONGO_DB")
    replay_poll_interval: float = Field(1.0, gt=0, description="How often the worker reads reharmonize requests (s).")
    replay_lease: float = Field(120.0, gt=0, description="A request a stopped worker held this long is taken over (s).")


class ApiSettings(Settings):
    api_token: SecretStr = Field(description="Bearer token required by /api/v1 (no default).")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    max_page_size: int = Field(500, ge=1)
