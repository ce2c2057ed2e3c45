"""Settings of the index worker and API (env prefix INDEX_; shared addresses by their common names)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from contracts.settings import StageSettings
from services.index.qc_review import ReviewPolicy


class Settings(StageSettings):
    model_config = SettingsConfigDict(env_prefix="INDEX_", extra="ignore", populate_by_name=True)

    mongo_uri: SecretStr = Field(validation_alias="MONGO_URI")
    mongo_db: str = Field("radcurate", validation_alias="MONGO_DB")
    replay_poll_interval: float = Field(1.0, gt=0, description="How often the worker reads reharmonize requests (s).")
    replay_lease: float = Field(120.0, gt=0, description="A request a stopped worker held this long is taken over (s).")
    review_accept_automatic_pass: bool = Field(
        True, description="Publish studies that pass automatic QC without a reviewer (else every study is reviewed)."
    )
    review_reviewers_required: Literal[1, 2] = Field(1, description="Level-2 decisions before a verdict.")
    publish_poll_interval: float = Field(2.0, gt=0, description="How often released studies are published (s).")
    publish_settle: float = Field(5.0, ge=0, description="Age of an accepted version before the poller takes it (s).")

    def review_policy(self) -> ReviewPolicy:
        return ReviewPolicy(accept_automatic_pass=self.review_accept_automatic_pass,
                            reviewers_required=self.review_reviewers_required)


class ApiSettings(Settings):
    api_token: SecretStr = Field(description="Bearer token required by /api/v1 (no default).")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    max_page_size: int = Field(500, ge=1)
    api_users_file: Path | None = Field(None, description="Users with personal tokens and roles (YAML).")
