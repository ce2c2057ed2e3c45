"""A stand-in pipeline service for the stack tests: serves GET /healthz on $FAKE_WEB_PORT and records its env.

With FAKE_IGNORE_TERM=1 it ignores SIGTERM and starts a child in its process group, to test that `stop`
escalates to SIGKILL and reaches the whole group.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    data = Path(os.environ["RADCURATE_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    (data / "fake-env.json").write_text(json.dumps(dict(os.environ)))
    if os.environ.get("FAKE_IGNORE_TERM") == "1":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        (data / "fake-child.pid").write_text(str(child.pid))
    ThreadingHTTPServer(("127.0.0.1", int(os.environ["FAKE_WEB_PORT"])), Health).serve_forever()


if __name__ == "__main__":
    main()
