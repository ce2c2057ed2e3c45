"""Send a folder of DICOM files to an archive by C-STORE, as a hospital PACS would."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID

#: pynetdicom logs dataset identifiers by default; nothing from a dataset may reach the logs.
from pynetdicom import AE, _config

_config.LOG_REQUEST_IDENTIFIERS = False
_config.LOG_RESPONSE_IDENTIFIERS = False
_config.STORE_SEND_CHUNKED_DATASET = True  # stream files from disk instead of decoding them

MAX_CONTEXTS = 128
#: C-STORE statuses meaning "stored" (success and the warnings of PS3.4 Annex B).
STORED = {0x0000, 0xB000, 0xB006, 0xB007}


@dataclass(frozen=True)
class DicomFile:
    path: Path
    sop_class_uid: str
    transfer_syntax_uid: str


@dataclass
class PushReport:
    sent: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    not_dicom: list[Path] = field(default_factory=list)


def find_files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield path


def scan(paths: Iterable[Path], report: PushReport) -> list[DicomFile]:
    """Read each file's header; files that are not DICOM Part 10 are recorded in the report."""
    files: list[DicomFile] = []
    for path in paths:
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPClassUID"])
            sop_class = str(header.SOPClassUID)
            syntax = str(header.file_meta.TransferSyntaxUID)
        except (InvalidDicomError, AttributeError, KeyError, ValueError, OSError, EOFError):
            report.not_dicom.append(path)
            continue
        files.append(DicomFile(path, sop_class, syntax))
    return files


def _associate(ae: AE, host: str, port: int, called_aet: str) -> Any:
    assoc = ae.associate(host, port, ae_title=called_aet)
    if assoc.is_established and assoc.dul.socket is not None and assoc.dul.socket.socket is not None:
        assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return assoc


def push(
    files: list[DicomFile],
    *,
    host: str,
    port: int,
    called_aet: str,
    calling_aet: str,
    report: PushReport,
    on_sent: Callable[[], None] = lambda: None,
) -> PushReport:
    """C-STORE `files` over as few associations as the presentation-context limit allows.

    A file the archive refuses is recorded as failed; when the archive aborts the association (as
    Orthanc does on an unparsable instance) the next file goes over a new one.
    """
    by_context: dict[tuple[str, str], list[DicomFile]] = {}
    for f in files:
        by_context.setdefault((f.sop_class_uid, f.transfer_syntax_uid), []).append(f)
    contexts = list(by_context)
    for start in range(0, len(contexts), MAX_CONTEXTS):
        batch = contexts[start:start + MAX_CONTEXTS]
        ae = AE(ae_title=calling_aet)
        for sop_class, syntax in batch:
            ae.add_requested_context(UID(sop_class), [UID(syntax)])
        assoc = None
        try:
            for f in (f for key in batch for f in by_context[key]):
                if assoc is None or not assoc.is_established:
                    assoc = _associate(ae, host, port, called_aet)
                if not assoc.is_established:
                    report.failed.append((f.path, "association rejected or aborted"))
                else:
                    try:
                        status = assoc.send_c_store(f.path)
                    except (RuntimeError, OSError, ValueError) as exc:
                        report.failed.append((f.path, f"send failed ({type(exc).__name__})"))
                    else:
                        code = getattr(status, "Status", None)
                        if code in STORED:
                            report.sent += 1
                        elif code is None:
                            report.failed.append((f.path, "no response (association aborted)"))
                        else:
                            report.failed.append((f.path, f"status 0x{code:04X}"))
                on_sent()
        finally:
            if assoc is not None and assoc.is_established:
                assoc.release()
    return report
