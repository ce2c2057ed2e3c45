"""Adapter for the research Orthanc: series headers through DICOMweb (blocking; call via asyncio.to_thread)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from orthanc_api_client import OrthancApiClient
from orthanc_api_client import exceptions as orthanc_errors
from pydicom import Dataset

from contracts import TransientError

TRANSIENT_STATUS = {502, 503, 504}


def _inline(item: dict[str, Any]) -> dict[str, Any]:
    """A DICOM JSON object without its bulk data references, inside sequence items too."""
    kept: dict[str, Any] = {}
    for tag, element in item.items():
        if "BulkDataURI" in element:
            continue
        if element.get("vr") == "SQ" and element.get("Value"):
            element = {**element, "Value": [_inline(child) for child in element["Value"]]}
        kept[tag] = element
    return kept


def dataset_from_dicom_json(item: dict[str, Any]) -> Dataset:
    """A header-only pydicom Dataset from one DICOM JSON object (bulk data references dropped)."""
    return Dataset.from_json(_inline(item))


#: Attributes kept for every instance (geometry and identity); other attributes are read from the first
#: FULL_INSTANCES instances only, so a series of thousands of instances is never held in memory whole.
PER_INSTANCE = frozenset({
    "00080008", "00080016", "00080018", "00080060", "0020000D", "0020000E", "00200012", "00200013",
    "00200032", "00200037", "00200052", "00200100", "00201041", "00280008", "00280010", "00280011",
    "00280030", "00180050", "00180086", "00181120", "00189087",
    "52009229", "52009230",  # shared and per-frame functional groups: geometry of enhanced multi-frame frames
})
FULL_INSTANCES = 3
FETCH_THREADS = 4


class ResearchArchive:
    def __init__(self, url: str, user: str, password: str, timeout: float, dicomweb_root: str) -> None:
        self._client = OrthancApiClient(url, user=user, pwd=password)
        self._timeout = timeout
        self._root = dicomweb_root.strip("/")

    def _get_json(self, endpoint: str) -> Any:
        try:
            response = self._client.get(endpoint, timeout=self._timeout)
        except orthanc_errors.ResourceNotFound:
            raise
        except (orthanc_errors.ConnectionError, orthanc_errors.TimeoutError) as exc:
            raise TransientError(f"research Orthanc unreachable ({type(exc).__name__})") from None
        except orthanc_errors.HttpError as exc:
            if exc.http_status_code in TRANSIENT_STATUS:
                raise TransientError(f"research Orthanc answered {exc.http_status_code}") from None
            raise
        if response is None:  # the client retried 502/503 itself, then gave up without raising
            raise TransientError("research Orthanc kept answering 502/503")
        return response.json()

    def series_headers(self, study_uid: str, series_uid: str, research_series_id: str) -> list[Dataset]:
        """Headers of every instance of a series, in instance-number order; empty when the series is gone.

        Instances are fetched one by one (DICOMweb metadata, a few at a time) and reduced at once: the
        first FULL_INSTANCES keep every attribute, the others only PER_INSTANCE.
        """
        try:
            instances = self._get_json(f"series/{research_series_id}/instances")
        except orthanc_errors.ResourceNotFound:
            return []
        order = sorted(
            instances,
            key=lambda i: (_int(i.get("MainDicomTags", {}).get("InstanceNumber")), i["ID"]),
        )
        sop_uids = [i["MainDicomTags"]["SOPInstanceUID"] for i in order]
        base = f"{self._root}/studies/{study_uid}/series/{series_uid}/instances"

        def fetch(position_and_uid: tuple[int, str]) -> Dataset | None:
            position, sop_uid = position_and_uid
            try:
                [item] = self._get_json(f"{base}/{sop_uid}/metadata")
            except orthanc_errors.ResourceNotFound:
                return None  # deleted meanwhile
            if position >= FULL_INSTANCES:
                item = {tag: element for tag, element in item.items() if tag in PER_INSTANCE}
            return dataset_from_dicom_json(item)

        with ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="dicomweb") as pool:
            return [ds for ds in pool.map(fetch, enumerate(sop_uids)) if ds is not None]


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 1 << 30
