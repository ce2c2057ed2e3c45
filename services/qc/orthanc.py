"""Adapter for the research Orthanc (blocking; call via asyncio.to_thread).

Series headers come through DICOMweb (metadata, fetched instance by instance); the few instances sampled for
the pixel checks come as files through the REST API (`/series/{id}/instances`, `/instances/{id}/file`),
which returns each instance as stored, in its own transfer syntax.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from orthanc_api_client import OrthancApiClient
from orthanc_api_client import exceptions as orthanc_errors
from pydicom import Dataset

from contracts import TransientError

TRANSIENT_STATUS = {502, 503, 504}
FETCH_THREADS = 4


def dataset_from_dicom_json(item: dict[str, Any]) -> Dataset:
    """A header-only pydicom Dataset from one DICOM JSON object (bulk data references dropped)."""
    inline = {tag: element for tag, element in item.items() if "BulkDataURI" not in element}
    return Dataset.from_json(inline)


class ResearchArchive:
    def __init__(self, url: str, user: str, password: str, timeout: float, dicomweb_root: str) -> None:
        self._client = OrthancApiClient(url, user=user, pwd=password)
        self._timeout = timeout
        self._root = dicomweb_root.strip("/")

    def _get(self, endpoint: str) -> Any:
        """The response to a GET, or None when the resource is not there; TransientError when worth retrying.

        The client retries 502/503 itself and, once out of retries, returns nothing instead of raising: that
        is transient too.
        """
        try:
            response = self._client.get(endpoint, timeout=self._timeout)
        except orthanc_errors.ResourceNotFound:
            return None
        except (orthanc_errors.ConnectionError, orthanc_errors.TimeoutError) as exc:
            raise TransientError(f"research Orthanc unreachable ({type(exc).__name__})") from None
        except orthanc_errors.HttpError as exc:
            if exc.http_status_code in TRANSIENT_STATUS:
                raise TransientError(f"research Orthanc answered {exc.http_status_code}") from None
            raise
        if response is None:
            raise TransientError("research Orthanc kept answering 502/503")
        return response

    def series_headers(self, study_uid: str, series_uid: str, research_series_id: str) -> list[Dataset]:
        """Headers of every instance of a series; empty when the series is not in the archive.

        Each instance's metadata is fetched on its own (a few at a time) and turned into a Dataset at once,
        so a series of thousands of instances never sits in memory as one JSON document.
        """
        base = f"{self._root}/studies/{study_uid}/series/{series_uid}/instances"

        def fetch(sop_uid: str) -> Dataset | None:
            response = self._get(f"{base}/{sop_uid}/metadata")
            items: list[dict[str, Any]] = [] if response is None else response.json()
            return dataset_from_dicom_json(items[0]) if items else None

        sop_uids = sorted(self.series_instances(research_series_id))
        with ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="dicomweb") as pool:
            return [ds for ds in pool.map(fetch, sop_uids) if ds is not None]

    def series_instances(self, research_series_id: str) -> dict[str, str]:
        """SOPInstanceUID -> research-Orthanc instance id, for the instances of a series ({} when it is gone)."""
        response = self._get(f"series/{research_series_id}/instances")
        items: list[dict[str, Any]] = [] if response is None else response.json()
        return {
            str(item["MainDicomTags"]["SOPInstanceUID"]): str(item["ID"])
            for item in items
            if item.get("MainDicomTags", {}).get("SOPInstanceUID")
        }

    def instance_file(self, instance_id: str) -> bytes | None:
        """The instance as stored (pixel data in its transfer syntax), or None when it is not in the archive."""
        response = self._get(f"instances/{instance_id}/file")
        return None if response is None else bytes(response.content)
