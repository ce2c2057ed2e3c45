"""The rendered Kubernetes manifests of every overlay (deploy/k8s/overlays/*), as parsed documents.

scripts/k8s_check.sh renders them into build/k8s/ and passes K8S_RENDERED_DIR; run on their own, these tests
render into a temporary directory with the same script (`render` step: installs only what is missing).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(p.parent.name for p in (K8S / "overlays").glob("*/kustomization.yaml"))

Doc = dict[str, Any]


@dataclass
class Rendered:
    """One overlay's output."""

    overlay: str
    docs: list[Doc]

    def of_kind(self, *kinds: str) -> list[Doc]:
        return [d for d in self.docs if d["kind"] in kinds]

    def get(self, kind: str, name: str) -> Doc:
        found = [d for d in self.docs if d["kind"] == kind and d["metadata"]["name"] == name]
        assert len(found) == 1, f"{self.overlay}: expected one {kind}/{name}, found {len(found)}"
        return found[0]

    def configmap(self, prefix: str) -> Doc:
        """A generated ConfigMap by its name before kustomize's hash suffix."""
        found = [d for d in self.of_kind("ConfigMap") if d["metadata"]["name"].rsplit("-", 1)[0] == prefix]
        assert len(found) == 1, f"{self.overlay}: expected one ConfigMap {prefix}-<hash>, found {len(found)}"
        return found[0]

    @property
    def namespace(self) -> str:
        (namespace,) = self.of_kind("Namespace")
        return str(namespace["metadata"]["name"])

    def workloads(self) -> Iterator[Doc]:
        yield from self.of_kind("Deployment", "StatefulSet")


def _render_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("K8S_RENDERED_DIR")
    if given and all((Path(given) / f"{o}.yaml").exists() for o in OVERLAYS):
        return Path(given)
    out = tmp_path_factory.mktemp("k8s")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "k8s_check.sh"), "render"],
        env={**os.environ, "K8S_CHECK_OUT": str(out)}, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"scripts/k8s_check.sh render failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    directory = _render_dir(tmp_path_factory)
    return {
        overlay: Rendered(overlay, [d for d in yaml.safe_load_all((directory / f"{overlay}.yaml").read_text()) if d])
        for overlay in OVERLAYS
    }


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest, rendered: dict[str, Rendered]) -> Rendered:
    return rendered[request.param]
