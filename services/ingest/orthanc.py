"""Adapter for the edge Orthanc: the change feed and study inventories (blocking; call via to_thread)."""

from __future__ import annotations

from typing import Any

from orthanc_api_client import OrthancApiClient
from orthanc_api_client import exceptions as orthanc_errors

from contracts import Sender, SeriesInventory, TransientError
from services.ingest.changes import ChangesPage, parse_changes, sender_from_metadata

TRANSIENT_STATUS = {502, 503, 504}


class StudyGone(Exception):
    """The study was deleted from the archive after its change was logged."""


class EdgeArchive:
    def __init__(self, url: str, user: str, password: str, timeout: float = 30.0) -> None:
        self._client = OrthancApiClient(url, user=user, pwd=password)
        self._timeout = timeout

    def _get(self, endpoint: str) -> Any:
        try:
            response = self._client.get(endpoint, timeout=self._timeout)
        except orthanc_errors.ResourceNotFound:
            raise
        except (orthanc_errors.ConnectionError, orthanc_errors.TimeoutError) as exc:
            raise TransientError(f"edge Orthanc unreachable ({type(exc).__name__})") from None
        except orthanc_errors.HttpError as exc:
            if exc.http_status_code in TRANSIENT_STATUS:
                raise TransientError(f"edge Orthanc answered {exc.http_status_code}") from None
            raise
        if response is None:  # the client retried 502/503 itself, then gave up without raising
            raise TransientError("edge Orthanc kept answering 502/503")
        return response.json()

    def changes(self, since: int, limit: int) -> ChangesPage:
        return parse_changes(self._get(f"changes?since={since}&limit={limit}"))

    def last_change(self) -> int:
        return int(self._get("changes?last")["Last"])

    def parent_study(self, series_id: str) -> str | None:
        """The study of a series, or None when the series is gone."""
        try:
            return str(self._get(f"series/{series_id}")["ParentStudy"])
        except orthanc_errors.ResourceNotFound:
            return None

    def is_stable(self, study_id: str) -> bool | None:
        """Whether the archive considers the study stable; None when the study is gone."""
        try:
            return bool(self._get(f"studies/{study_id}")["IsStable"])
        except orthanc_errors.ResourceNotFound:
            return None

    def study_inventory(self, study_id: str) -> tuple[list[SeriesInventory], list[Sender]]:
        """Series with their instance ids, and how the first instance of each series was received."""
        try:
            series_json = self._get(f"studies/{study_id}/series")
            series: list[SeriesInventory] = []
            senders: list[Sender] = []
            for item in series_json:
                instances = [str(i) for i in item.get("Instances", [])]
                if not instances:
                    continue
                series.append(
                    SeriesInventory(
                        edge_series_id=item["ID"],
                        modality=item.get("MainDicomTags", {}).get("Modality") or None,
                        instance_ids=sorted(instances),
                    )
                )
                metadata = self._get(f"instances/{instances[0]}/metadata?expand")
                senders.append(sender_from_metadata(metadata))
            return series, senders
        except orthanc_errors.ResourceNotFound:
            raise StudyGone(study_id) from None
