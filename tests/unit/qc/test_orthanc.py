"""The research-archive adapter against a local HTTP server speaking Orthanc's answers: headers through
DICOMweb metadata, instance ids and files through the REST API, 404 as absent, 502/503/504 as transient."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from contracts import TransientError
from services.qc.orthanc import ResearchArchive
from services.qc.pixels import read_instance
from tests.unit.series import build_series

SERIES = build_series(count=3)
FILES = {}
for _ds in SERIES:
    _buffer = io.BytesIO()
    _ds.save_as(_buffer, enforce_file_format=True)
    FILES[f"i{_ds.InstanceNumber}"] = _buffer.getvalue()


class _Orthanc(BaseHTTPRequestHandler):
    status: ClassVar[dict[str, int]] = {}

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        forced = self.status.get(self.path)
        if forced:
            self._send(forced, b"{}")
        elif self.path.startswith("/dicom-web/studies/2.25.7/series/2.25.8/instances/"):
            sop_uid = self.path.split("/")[7]
            payload = [{k: v for k, v in ds.to_json_dict().items() if k != "7FE00010"}
                       for ds in SERIES if str(ds.SOPInstanceUID) == sop_uid]
            self._send(200, json.dumps(payload).encode(), "application/dicom+json") if payload else self._send(
                404, b"{}")
        elif self.path == "/series/rs1/instances":
            items = [{"ID": f"i{ds.InstanceNumber}", "MainDicomTags": {"SOPInstanceUID": str(ds.SOPInstanceUID)}}
                     for ds in SERIES] + [{"ID": "no-tags", "MainDicomTags": {}}]
            self._send(200, json.dumps(items).encode())
        elif self.path.startswith("/instances/") and self.path.endswith("/file"):
            data = FILES.get(self.path.split("/")[2])
            self._send(200, data, "application/dicom") if data else self._send(404, b"{}")
        else:
            self._send(404, b"{}")


@pytest.fixture
def archive() -> Iterator[ResearchArchive]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Orthanc)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ResearchArchive(f"http://127.0.0.1:{server.server_port}", "qc", "secret", 10, "/dicom-web/")
    finally:
        _Orthanc.status = {}
        server.shutdown()
        server.server_close()


def test_series_headers(archive: ResearchArchive) -> None:
    headers = archive.series_headers("2.25.7", "2.25.8", "rs1")
    assert sorted(int(ds.InstanceNumber) for ds in headers) == [1, 2, 3]
    assert "PixelData" not in headers[0]
    assert archive.series_headers("2.25.7", "2.25.9", "rs-gone") == []


def test_instance_ids_and_files(archive: ResearchArchive) -> None:
    ids = archive.series_instances("rs1")
    assert ids == {str(ds.SOPInstanceUID): f"i{ds.InstanceNumber}" for ds in SERIES}
    data = archive.instance_file("i2")
    assert data is not None
    assert read_instance(data).pixel_array.shape == (128, 128)
    assert archive.instance_file("gone") is None
    assert archive.series_instances("unknown") == {}


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_answers(archive: ResearchArchive, status: int) -> None:
    _Orthanc.status = {"/instances/i1/file": status, "/series/rs1/instances": status}
    with pytest.raises(TransientError, match=str(status)):
        archive.instance_file("i1")
    with pytest.raises(TransientError):
        archive.series_instances("rs1")


def test_unreachable_archive_is_transient() -> None:
    with pytest.raises(TransientError, match="unreachable"):
        ResearchArchive("http://127.0.0.1:9", "qc", "secret", 2, "dicom-web").instance_file("i1")
