"""The rendered environment of each Deployment loads in the service's own settings class.

Catches a setting a service now requires but the manifests do not set, a misspelt variable (one no settings
class reads), a value of the wrong type, and ports that do not match the probes. Needs the project installed
(the project's .venv); skipped in the tools-only venv.
"""

from __future__ import annotations

import importlib
import os
from pathlib import PurePosixPath
from typing import Any

import pytest

from tests.deploy.conftest import Rendered
from tests.deploy.test_manifests import containers, env_of, port_of, radcurate_workloads

pytest.importorskip("pydantic_settings", reason="needs the project's venv (.venv) to import the services")

SETTINGS = {
    "ingest": "services.ingest.settings:Settings",
    "deid": "services.deid.settings:Settings",
    "harmonize": "services.harmonize.settings:Settings",
    "qc": "services.qc.settings:Settings",
    "index": "services.index.settings:Settings",
    "index-api": "services.index.settings:ApiSettings",
}
#: Stand-ins for Secret references, valid for the settings' validators.
PLACEHOLDERS = {
    "DEID_PROJECT_KEY": "ab" * 32,
    "DEID_KEY_ID": "k8s-check",
    "MONGO_URI": "mongodb://radcurate-mongo-0.invalid:27017/?replicaSet=radcurate-mongo",
}
#: Variables read by libraries rather than by the settings classes.
LIBRARY_VARIABLES = {"APP_DATADIR"}  # Faust's data directory


def settings_class(stage: str) -> Any:
    module, name = SETTINGS[stage].split(":")
    return getattr(importlib.import_module(module), name)


def variables_read(cls: Any) -> set[str]:
    """The environment variables a pydantic-settings class reads."""
    prefix = cls.model_config.get("env_prefix", "")
    names = set()
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if alias is None:
            names.add(f"{prefix}{name}".upper())
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:  # AliasChoices
            names |= {str(choice).upper() for choice in getattr(alias, "choices", [])}
    return names


def load(cls: Any, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        for key in list(os.environ):  # nothing from the developer's shell (e.g. a sourced .stack/env)
            patch.delenv(key)
        for key, value in env.items():
            patch.setenv(key, value)
        return cls()


def test_each_deployment_environment_loads(overlay: Rendered, monkeypatch: pytest.MonkeyPatch) -> None:
    read_by_any: set[str] = set()
    for stage, deployment in radcurate_workloads(overlay).items():
        (container,) = containers(deployment)
        env = {k: (PLACEHOLDERS.get(k, "placeholder") if v == "<secret>" else v)
               for k, v in env_of(overlay, container).items()}
        cls = settings_class(stage)
        settings = load(cls, env, monkeypatch)
        read = variables_read(cls)
        read_by_any |= read
        own = {var["name"] for var in container.get("env", [])}
        unknown = {name for name in own - read if not name.startswith("OTEL_")}
        assert not unknown, f"{overlay.overlay}/{stage}: no setting reads {sorted(unknown)}"
        if stage == "index-api":
            assert settings.api_port == port_of(container, "http")
            continue
        assert settings.web_port == port_of(container, "health")
        assert settings.faust_options()["broker"] == [f"kafka://{env['KAFKA_BOOTSTRAP']}"]
        mounted_file = {"ingest": "sites_file", "harmonize": "reviewed_rules_file"}.get(stage)
        if mounted_file:  # the file the setting names is in the ConfigMap mounted at its directory
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            path = PurePosixPath(str(getattr(settings, mounted_file)))
            volume_name = mounts[str(path.parent)]
            (volume,) = [v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == volume_name]
            (data,) = [c for c in overlay.of_kind("ConfigMap") if c["metadata"]["name"] == volume["configMap"]["name"]]
            assert path.name in data["data"]
    shared = set(overlay.configmap("radcurate-config")["data"])
    unread = {name for name in shared - read_by_any - LIBRARY_VARIABLES if not name.startswith("OTEL_")}
    assert not unread, f"{overlay.overlay}: radcurate-config sets {sorted(unread)}, which no service reads"
