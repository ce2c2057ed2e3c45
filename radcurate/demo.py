"""`make demo`: start the local stack, push the sample studies as a hospital would, print the index.

    python -m radcurate.demo [--timeout SECONDS] [--keep-running]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

from radcurate.cli import main as cli
from radcurate.push import PushReport, find_files, push, scan
from radcurate.samples import demo_studies
from radcurate.stack import Stack


def wait_indexed(api_url: str, token: str, expected: int, timeout: float) -> int:
    """Wait until `expected` studies are indexed; returns how many are."""
    deadline = time.monotonic() + timeout
    count = 0
    with httpx.Client(base_url=api_url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as api:
        while time.monotonic() < deadline:
            count = int(api.get("/api/v1/status").json()["counts"]["studies_indexed"])
            if count >= expected:
                return count
            time.sleep(1)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="radcurate-demo", description=__doc__)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args(argv)

    stack = Stack(report=print)
    print("== starting the local stack (Orthanc edge + research, broker, MongoDB API, five services)")
    env = stack.up(services=True)
    samples = stack.dir / "samples" / time.strftime("%Y%m%d-%H%M%S")
    studies = demo_studies(samples)
    print(f"== sample studies written to {samples}: " + ", ".join(f"{s.directory.name} ({len(s.files)} instances)"
                                                            for s in studies))

    print("== C-STORE to the edge archive as site-demo-a (calling AE RADCURATE_PUSH)")
    report = PushReport()
    files = scan(find_files(samples), report)
    push(files, host=env["ORTHANC_DICOM_HOST"], port=int(env["ORTHANC_DICOM_PORT"]),
         called_aet=env["ORTHANC_AET"], calling_aet="RADCURATE_PUSH", report=report)
    print(f"sent {report.sent}, failed {len(report.failed)}, skipped (not DICOM) {len(report.not_dicom)}")

    before = wait_indexed(env["API_URL"], env["API_TOKEN"], 0, 1)
    print("== waiting until the studies are de-identified, harmonized, checked and indexed")
    count = wait_indexed(env["API_URL"], env["API_TOKEN"], before + len(studies), args.timeout)
    stack_env = ["--stack-env", str(stack.env_path)]
    print("\n== the index (GET /api/v1/studies)")
    cli([*stack_env, "studies"])
    print("\n== studies per stage (GET /api/v1/status)")
    cli([*stack_env, "status"])
    print("\n== quarantine (GET /api/v1/quarantine)")
    cli([*stack_env, "quarantine"])
    print(f"\nAPI: {env['API_URL']}/docs   token: see {stack.env_path}   stop everything: make down")
    if count < before + len(studies):
        print(f"radcurate-demo: only {count - before} of {len(studies)} studies indexed in {args.timeout:.0f}s; "
              f"see the logs in {Path(stack.dir) / 'logs'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
