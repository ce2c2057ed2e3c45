"""Adapters for the two archives the deid stage touches (blocking; call via asyncio.to_thread).

The edge archive is read (original instances); the research archive is written (de-identified ones).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from orthanc_api_client import OrthancApiClient
from orthanc_api_client import exceptions as orthanc_errors

from contracts import DataRejected, TransientError

TRANSIENT_STATUS = {502, 503, 504}
T = TypeVar("T")


class InstanceGone(Exception):
    """The instance was deleted from the edge archive after the study was announced."""


def _answered(response: Any, archive: str) -> Any:
    """The response, or TransientError when the client retried 502/503 itself and then gave up silently."""
    if response is None:
        raise TransientError(f"{archive} Orthanc kept answering 502/503")
    return response


def _translated(call: Callable[[], T], archive: str) -> T:
    try:
        return call()
    except (orthanc_errors.ConnectionError, orthanc_errors.TimeoutError) as exc:
        raise TransientError(f"{archive} Orthanc unreachable ({type(exc).__name__})") from None
    except orthanc_errors.ResourceNotFound:
        raise
    except orthanc_errors.HttpError as exc:
        if exc.http_status_code in TRANSIENT_STATUS:
            raise TransientError(f"{archive} Orthanc answered {exc.http_status_code}") from None
        raise


class EdgeArchive:
    def __init__(self, url: str, user: str, password: str, timeout: float) -> None:
        self._client = OrthancApiClient(url, user=user, pwd=password)
        self._timeout = timeout

    def download(self, instance_id: str) -> bytes:
        try:
            data: bytes = _translated(
                lambda: _answered(self._client.get(f"instances/{instance_id}/file", timeout=self._timeout),
                                 "edge").content, "edge"
            )
            return data
        except orthanc_errors.ResourceNotFound:
            raise InstanceGone(instance_id) from None


class ResearchArchive:
    def __init__(self, url: str, user: str, password: str, timeout: float) -> None:
        self._client = OrthancApiClient(url, user=user, pwd=password)
        self._timeout = timeout

    def store(self, dicom: bytes) -> dict[str, Any]:
        """Store one de-identified instance; returns Orthanc's answer (ID, ParentSeries, ParentStudy...)."""

        def post() -> dict[str, Any]:
            response = _answered(self._client.post(
                "instances", data=dicom, headers={"Content-Type": "application/dicom"}, timeout=self._timeout
            ), "research")
            answer: dict[str, Any] = response.json()
            return answer

        try:
            return _translated(post, "research")
        except orthanc_errors.HttpError as exc:
            if exc.http_status_code == 400:
                raise DataRejected("research_archive_refused", "the research archive refused the instance") from None
            raise

    def study(self, study_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = _translated(
            lambda: _answered(self._client.get(f"studies/{study_id}", timeout=self._timeout), "research").json(),
            "research"
        )
        return answer

    def reconstruct(self, level: str, resource_id: str) -> None:
        """Have Orthanc rebuild a study's or series' main tags from its stored files."""
        if level not in ("studies", "series"):
            raise ValueError(f"cannot reconstruct {level!r}")
        _translated(lambda: _answered(self._client.post(f"{level}/{resource_id}/reconstruct", json={},
                                                        timeout=self._timeout), "research"), "research")

    def series_of_study(self, study_id: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = _translated(
            lambda: _answered(self._client.get(f"studies/{study_id}/series", timeout=self._timeout),
                              "research").json(),
            "research"
        )
        return answer
