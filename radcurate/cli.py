"""`radcurate`: the command line of the curation pipeline.

    radcurate push DIR          send DICOM files to the edge archive by C-STORE (progress bar)
    radcurate status            studies per stage (stable, de-identified, ..., quarantined)
    radcurate studies [...]     the index as a table (filters as in the API)
    radcurate quarantine [...]  quarantine records

Addresses and credentials come from the environment (ORTHANC_DICOM_HOST, API_URL, API_TOKEN, ...),
falling back to the local stack's `.stack/env` when it exists.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from radcurate.commands import register_all

DEFAULT_CALLING_AET = "RADCURATE_PUSH"


def stack_env(path: Path) -> dict[str, str]:
    """Variables of a shell-sourceable `export K=V` file (the local stack's .stack/env)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text().splitlines():
        parts = shlex.split(line, comments=True)
        if parts and parts[0] == "export":
            parts = parts[1:]
        for part in parts:
            key, sep, value = part.partition("=")
            if sep:
                values[key] = value
    return values


class Env:
    def __init__(self, stack_file: Path) -> None:
        self._fallback = stack_env(stack_file)

    def get(self, name: str, default: str | None = None) -> str | None:
        return os.environ.get(name) or self._fallback.get(name) or default

    def require(self, name: str) -> str:
        value = self.get(name)
        if not value:
            raise SystemExit(f"radcurate: {name} is not set (export it, or start the local stack: make up)")
        return value


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def api_get(env: Env, path: str, params: dict[str, Any] | None = None) -> Any:
    url = env.require("API_URL").rstrip("/") + path
    token = env.require("API_TOKEN")
    response = httpx.get(url, params={k: v for k, v in (params or {}).items() if v is not None},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
    if response.status_code != 200:
        raise SystemExit(f"radcurate: {path} answered {response.status_code}: {response.text[:200]}")
    return response.json()


def cmd_push(args: argparse.Namespace, env: Env) -> int:
    from tqdm import tqdm

    from radcurate.push import PushReport, find_files, push, scan

    report = PushReport()
    files = scan(find_files(Path(args.directory)), report)
    host = args.host or env.require("ORTHANC_DICOM_HOST")
    port = int(args.port or env.require("ORTHANC_DICOM_PORT"))
    called = args.called_aet or env.require("ORTHANC_AET")
    with tqdm(total=len(files), unit="inst", desc="C-STORE", disable=args.quiet) as bar:
        push(files, host=host, port=port, called_aet=called, calling_aet=args.calling_aet, report=report,
             on_sent=lambda: bar.update(1))
    print(f"sent {report.sent}, failed {len(report.failed)}, not DICOM {len(report.not_dicom)}")
    for path, why in report.failed[:20]:
        print(f"  failed: {path}: {why}")
    for path in report.not_dicom[:20]:
        print(f"  skipped (not DICOM): {path}")
    return 0 if not report.failed else 1


def cmd_status(args: argparse.Namespace, env: Env) -> int:
    counts = api_get(env, "/api/v1/status")["counts"]
    order = ["stable", "deidentified", "harmonized", "checked", "qc_pass", "qc_fail", "qc_error", "indexed",
             "published", "quarantined", "quarantine_records"]
    print(table([(k, counts.get(k, 0)) for k in order], ["stage", "studies"]))
    return 0


def cmd_studies(args: argparse.Namespace, env: Env) -> int:
    params = {"modality": args.modality, "body_part": args.body_part, "site": args.site,
              "qc_status": args.qc_status, "limit": args.limit}
    page = api_get(env, "/api/v1/studies", params)
    rows = [
        (s["study_uid"], s["site_id"], s["study_date"], ",".join(s["modalities"]), ",".join(s["body_parts"]),
         s["series_count"], s["instance_count"], s["qc_status"], s["document_version"])
        for s in page["items"]
    ]
    print(table(rows, ["study_uid", "site", "date", "modalities", "body_parts", "series", "instances", "qc",
                       "version"]))
    print(f"{len(rows)} of {page['total']} studies")
    return 0


def cmd_quarantine(args: argparse.Namespace, env: Env) -> int:
    page = api_get(env, "/api/v1/quarantine", {"stage": args.stage, "reason": args.reason, "limit": args.limit})
    rows = [(q["received_at"][:19], q["stage"], q["kind"], q["reason"], q.get("site_id"),
             q.get("study_uid") or q.get("edge_study_id"), q["detail"][:70]) for q in page["items"]]
    print(table(rows, ["received", "stage", "kind", "reason", "site", "study", "detail"]))
    print(f"{len(rows)} of {page['total']} records")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="radcurate", description="Multi-center imaging curation pipeline")
    p.add_argument("--stack-env", type=Path, default=Path(".stack/env"), help="fallback env file (local stack)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("push", help="send DICOM files to the edge archive by C-STORE")
    s.add_argument("directory")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--called-aet")
    s.add_argument("--calling-aet", default=DEFAULT_CALLING_AET, help="the sending site's AE title")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(run=cmd_push)

    s = sub.add_parser("status", help="studies per pipeline stage")
    s.set_defaults(run=cmd_status)

    s = sub.add_parser("studies", help="list indexed studies")
    s.add_argument("--modality")
    s.add_argument("--body-part")
    s.add_argument("--site")
    s.add_argument("--qc-status", choices=["PASS", "FAIL", "ERROR"])
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(run=cmd_studies)

    s = sub.add_parser("quarantine", help="list quarantine records")
    s.add_argument("--stage")
    s.add_argument("--reason")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(run=cmd_quarantine)

    register_all(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    env = Env(args.stack_env)
    try:
        code: int = args.run(args, env)
    except httpx.HTTPError as exc:
        print(f"radcurate: API unreachable ({type(exc).__name__})", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
