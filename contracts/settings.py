"""How a stage connects to the event bus: the settings every stage shares, in one place.

Infrastructure addresses use common names (KAFKA_BOOTSTRAP, FAUST_*); each stage's own settings
subclass this with an env prefix (DEID_, QC_, ...). Defaults suit Apache Kafka in production; the
local broker needs short sessions (FAUST_BROKER_SESSION_TIMEOUT=10, FAUST_BROKER_HEARTBEAT_INTERVAL=1).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.delivery import RetryPolicy


class StageSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap: str = Field("localhost:9092", validation_alias="KAFKA_BOOTSTRAP")
    broker_session_timeout: float = Field(60.0, validation_alias="FAUST_BROKER_SESSION_TIMEOUT")
    broker_heartbeat_interval: float = Field(3.0, validation_alias="FAUST_BROKER_HEARTBEAT_INTERVAL")
    broker_commit_interval: float = Field(2.8, validation_alias="FAUST_BROKER_COMMIT_INTERVAL")
    replication_factor: int = Field(1, ge=1, validation_alias="KAFKA_REPLICATION_FACTOR")
    web_host: str = Field("127.0.0.1", validation_alias="WEB_HOST", description="Address of the health endpoint.")
    web_port: int = 6066
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    log_format: Literal["json", "text"] = Field("json", validation_alias="LOG_FORMAT")
    retry_initial_delay: float = Field(0.5, gt=0, validation_alias="RETRY_INITIAL_DELAY")
    retry_max_delay: float = Field(30.0, gt=0, validation_alias="RETRY_MAX_DELAY")

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.retry_initial_delay, self.retry_max_delay)

    def faust_options(self) -> dict[str, Any]:
        """Keyword arguments for `faust.App` (at-least-once; sinks are idempotent)."""
        return {
            "broker": [f"kafka://{host.strip()}" for host in self.kafka_bootstrap.split(",")],
            "broker_session_timeout": self.broker_session_timeout,
            "broker_heartbeat_interval": self.broker_heartbeat_interval,
            "broker_commit_interval": self.broker_commit_interval,
            "consumer_auto_offset_reset": "earliest",
            "producer_acks": -1,
            "topic_replication_factor": self.replication_factor,
            "topic_allow_declare": True,
            "store": "memory://",
            "web_enabled": True,
            "web_bind": self.web_host,
            "web_host": self.web_host,
            "web_port": self.web_port,
            "web_in_thread": False,
        }
