"""The real local stack (two Orthancs, broker, MongoDB API, five services), started once per test session."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pymongo import MongoClient

from radcurate.push import PushReport, find_files, push, scan
from radcurate.stack import Stack
from services.deid.pseudonym import Pseudonymizer

T = TypeVar("T")
PUSH_AET = "RADCURATE_PUSH"  # registered for site-demo-a in config/sites.yaml


class Pipeline:
    """Drives the running stack as a hospital and a researcher would."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.env = stack.env()
        self.api = httpx.Client(base_url=self.env["API_URL"], timeout=30,
                                headers={"Authorization": f"Bearer {self.env['API_TOKEN']}"})
        self.edge = httpx.Client(base_url=self.env["ORTHANC_URL"], timeout=30,
                                 auth=(self.env["ORTHANC_USER"], self.env["ORTHANC_PASSWORD"]))
        self.research = httpx.Client(base_url=self.env["RESEARCH_ORTHANC_URL"], timeout=30,
                                     auth=(self.env["RESEARCH_ORTHANC_USER"], self.env["RESEARCH_ORTHANC_PASSWORD"]))
        self.mongo = MongoClient(self.env["MONGO_URI"], tz_aware=True)[self.env["MONGO_DB"]]
        self.pseudonyms = Pseudonymizer(bytes.fromhex(self.env["DEID_PROJECT_KEY"]), self.env["DEID_KEY_ID"])

    def push(self, directory: Path, calling_aet: str = PUSH_AET) -> PushReport:
        report = PushReport()
        files = scan(find_files(directory), report)
        push(files, host=self.env["ORTHANC_DICOM_HOST"], port=int(self.env["ORTHANC_DICOM_PORT"]),
             called_aet=self.env["ORTHANC_AET"], calling_aet=calling_aet, report=report)
        assert not report.failed, report.failed
        return report

    def study(self, original_study_uid: str) -> dict[str, Any] | None:
        response = self.api.get(f"/api/v1/studies/{self.pseudonyms.uid(original_study_uid)}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def quarantine(self, **params: str) -> list[dict[str, Any]]:
        response = self.api.get("/api/v1/quarantine", params={**params, "limit": 500})
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def progress(self, original_study_uid: str) -> dict[str, Any] | None:
        return self.mongo["pipeline"].find_one({"study_uid": self.pseudonyms.uid(original_study_uid)})


def wait_for(probe: Callable[[], T | None], timeout: float = 90.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.5)


#: The whole session runs as the no-PHI test needs it: spans printed to the service logs, DEBUG logging.
OBSERVED_ENV = {"OTEL_TRACES_EXPORTER": "console", "LOG_LEVEL": "DEBUG"}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    saved = {name: os.environ.get(name) for name in OBSERVED_ENV}
    os.environ.update(OBSERVED_ENV)  # the stack's processes inherit the environment
    stack = Stack(state_dir=tmp_path_factory.mktemp("stack"), report=print)
    try:
        stack.up(services=True)
        yield stack
    finally:
        stack.down(purge=False)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def pipeline(stack: Stack) -> Pipeline:
    return Pipeline(stack)
