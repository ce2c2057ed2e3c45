"""Every Orthanc adapter turns an archive that keeps answering 502/503 into a transient error (retried by the
stage), never into a processing error; the client library retries those itself and then returns nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from contracts import TransientError
from services.deid.orthanc import EdgeArchive as DeidEdge
from services.deid.orthanc import ResearchArchive as DeidResearch
from services.harmonize.orthanc import ResearchArchive as HarmonizeResearch
from services.ingest.orthanc import EdgeArchive as IngestEdge


class _Unavailable(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _busy(self) -> None:
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _busy


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


CALLS: dict[str, Callable[[str], object]] = {
    "ingest changes": lambda url: IngestEdge(url, "u", "p", 5).changes(0, 10),
    "deid download": lambda url: DeidEdge(url, "u", "p", 5).download("i1"),
    "deid store": lambda url: DeidResearch(url, "u", "p", 5).store(b"DICM"),
    "deid study": lambda url: DeidResearch(url, "u", "p", 5).study("s1"),
    "harmonize headers": lambda url: HarmonizeResearch(url, "u", "p", 5, "dicom-web").series_headers("1", "2", "s"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_an_archive_answering_503_is_a_transient_error(url: str, name: str) -> None:
    with pytest.raises(TransientError, match=r"503"):
        CALLS[name](url)
