"""Settings of the deid service (env prefix DEID_; shared addresses by their common names). No default secrets."""

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from contracts.settings import StageSettings

PROFILES_DIR = Path(__file__).parent / "profiles"


class Settings(StageSettings):
    model_config = SettingsConfigDict(env_prefix="DEID_", extra="ignore", populate_by_name=True)

    orthanc_url: str = Field(validation_alias="ORTHANC_URL")
    orthanc_user: str = Field(validation_alias="ORTHANC_USER")
    orthanc_password: SecretStr = Field(validation_alias="ORTHANC_PASSWORD")
    research_orthanc_url: str = Field(validation_alias="RESEARCH_ORTHANC_URL")
    research_orthanc_user: str = Field(validation_alias="RESEARCH_ORTHANC_USER")
    research_orthanc_password: SecretStr = Field(validation_alias="RESEARCH_ORTHANC_PASSWORD")
    project_key: SecretStr = Field(description="Hex-encoded pseudonymisation key (>= 32 bytes).")
    key_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Recorded with every output.")
    profile_file: Path = PROFILES_DIR / "research.yaml"
    http_timeout: float = Field(60.0, gt=0)
    concurrency: int = Field(4, ge=1, le=64, description="Instances de-identified in parallel per study.")
    # Re-identification vault (services/deid/vault.py): off unless DEID_VAULT_ENABLED is true.
    vault_enabled: bool = Field(False, description="Record sealed pseudonym -> original mappings per study.")
    vault_key: SecretStr | None = Field(None, description="Hex AES-256 key (32 bytes), not the project key.")
    vault_key_id: str | None = Field(None, pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Recorded per record.")
    vault_db: str = Field("radcurate_vault", min_length=1, description="MongoDB database of the vault.")
    mongo_uri: str | None = Field(None, validation_alias="MONGO_URI")

    @field_validator("project_key")
    @classmethod
    def _key_is_long_hex(cls, value: SecretStr) -> SecretStr:
        try:
            raw = bytes.fromhex(value.get_secret_value())
        except ValueError:
            raise ValueError("DEID_PROJECT_KEY must be hex-encoded") from None
        if len(raw) < 32:
            raise ValueError("DEID_PROJECT_KEY must hold at least 32 bytes (64 hex digits)")
        return value

    @model_validator(mode="after")
    def _vault_complete(self) -> Self:
        if not self.vault_enabled:
            return self
        missing = [name for name, value in (("DEID_VAULT_KEY", self.vault_key), ("DEID_VAULT_KEY_ID",
                   self.vault_key_id), ("MONGO_URI", self.mongo_uri)) if not value]
        if missing:
            raise ValueError(f"DEID_VAULT_ENABLED needs {', '.join(missing)}")
        assert self.vault_key is not None
        try:
            key = bytes.fromhex(self.vault_key.get_secret_value())
        except ValueError:
            raise ValueError("DEID_VAULT_KEY must be hex-encoded") from None
        if len(key) != 32:
            raise ValueError("DEID_VAULT_KEY must hold exactly 32 bytes (64 hex digits)")
        if key == self.key_bytes()[: len(key)]:
            raise ValueError("DEID_VAULT_KEY must differ from DEID_PROJECT_KEY")
        return self

    def key_bytes(self) -> bytes:
        return bytes.fromhex(self.project_key.get_secret_value())
