"""Adapter for the research Orthanc: series headers through DICOMweb (blocking; call via asyncio.to_thread)."""

from __future__ import annotations

from typing import Any

from orthanc_api_client import OrthancApiClient
from orthanc_api_client import exceptions as orthanc_errors
from pydicom import Dataset

from contracts import TransientError

TRANSIENT_STATUS = {502, 503, 504}


def dataset_from_dicom_json(item: dict[str, Any]) -> Dataset:
    """A header-only pydicom Dataset from one DICOM JSON object (bulk data references dropped)."""
    inline = {tag: element for tag, element in item.items() if "BulkDataURI" not in element}
    return Dataset.from_json(inline)


class ResearchArchive:
    def __init__(self, url: str, user: str, password: str, timeout: float, dicomweb_root: str) -> None:
        self._client = OrthancApiClient(url, user=user, pwd=password)
        self._timeout = timeout
        self._root = dicomweb_root.strip("/")

    def series_headers(self, study_uid: str, series_uid: str) -> list[Dataset]:
        """Headers of every instance of a series; empty when the series is not in the archive."""
        endpoint = f"{self._root}/studies/{study_uid}/series/{series_uid}/metadata"
        try:
            items = self._client.get_json(endpoint, timeout=self._timeout)
        except orthanc_errors.ResourceNotFound:
            return []
        except (orthanc_errors.ConnectionError, orthanc_errors.TimeoutError) as exc:
            raise TransientError(f"research Orthanc unreachable ({type(exc).__name__})") from None
        except orthanc_errors.HttpError as exc:
            if exc.http_status_code in TRANSIENT_STATUS:
                raise TransientError(f"research Orthanc answered {exc.http_status_code}") from None
            raise
        return [dataset_from_dicom_json(item) for item in items]
