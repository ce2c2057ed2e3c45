"""A study of 2,000+ instances through the whole local stack: memory of every worker and time per stage.

    .venv/bin/python bench/large_study.py [--instances 2000] [--spacing 0.5]

Starts its own stack (state in a temporary directory, free ports), sends one CT series by C-STORE,
samples each process's resident memory (VmRSS) every 0.2 s until the study is indexed, and prints the
peak per process with the stage timings. Goal: every worker under 300 MB (instances are streamed, the
study is never held in memory whole).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from radcurate.push import PushReport, find_files, push, scan
from radcurate.samples import make_series
from radcurate.stack import Stack

GOAL_MB = 300.0


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, pids: dict[str, int], period: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.period = period
        self.peak = dict.fromkeys(pids, 0.0)
        self.idle = {name: rss_mb(pid) for name, pid in pids.items()}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_mb(pid))
            time.sleep(self.period)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--spacing", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="radcurate-bench-") as tmp:
        stack = Stack(state_dir=Path(tmp) / "stack", report=lambda _m: None)
        print("starting the stack ...", flush=True)
        env = stack.up(services=True)
        try:
            workers = ["ingest", "deid", "harmonize", "qc", "index", "api"]
            pids = {name: pid for name in workers if (pid := stack.pid(name)) is not None}
            sample = make_series(Path(tmp) / "series", slices=args.instances, spacing=args.spacing)
            size_mb = sum(f.stat().st_size for f in sample.files) / 1e6
            sampler = Sampler(pids)
            sampler.start()

            report = PushReport()
            files = scan(find_files(sample.directory), report)
            started = time.monotonic()
            push(files, host=env["ORTHANC_DICOM_HOST"], port=int(env["ORTHANC_DICOM_PORT"]),
                 called_aet=env["ORTHANC_AET"], calling_aet="RADCURATE_PUSH", report=report)
            pushed = time.monotonic()
            if report.failed:
                print(f"{len(report.failed)} instances failed to send")
                return 1

            from services.deid.pseudonym import Pseudonymizer

            uid = Pseudonymizer(bytes.fromhex(env["DEID_PROJECT_KEY"]), env["DEID_KEY_ID"]).uid(sample.study_uid)
            api = httpx.Client(base_url=env["API_URL"], headers={"Authorization": f"Bearer {env['API_TOKEN']}"})
            study = None
            while time.monotonic() - started < args.timeout:
                answer = api.get(f"/api/v1/studies/{uid}")
                if answer.status_code == 200:
                    study = answer.json()
                    break
                time.sleep(0.5)
            indexed = time.monotonic()
            sampler.done.set()
            sampler.join()
            if study is None:
                print(f"study not indexed within {args.timeout:.0f} s")
                return 1

            from pymongo import MongoClient

            pipeline: Any = MongoClient(env["MONGO_URI"])[env["MONGO_DB"]]["pipeline"]
            progress: dict[str, Any] = pipeline.find_one({"study_uid": uid}) or {}
            stages = progress.get("stages", {})

            print(f"\nstudy: {len(sample.files)} CT instances, {size_mb:.0f} MB; indexed with "
                  f"{study['instance_count']} instances, QC {study['qc_status']}")
            print(f"C-STORE: {len(files) / (pushed - started):.0f} instances/s ({pushed - started:.1f} s)")
            print(f"from the last instance sent to the study indexed: {indexed - pushed:.1f} s "
                  f"(includes StableAge {stack.stable_age} s)")
            order = ["stable", "deidentified", "harmonized", "checked", "indexed"]
            times = [(name, stages[name]["at"]) for name in order if name in stages]
            for (prev, t0), (name, t1) in itertools.pairwise(times):
                print(f"  {prev:>12} -> {name:<12} {(t1 - t0).total_seconds():7.1f} s")
            print(f"\n{'process':<10} {'idle MB':>8} {'peak MB':>8}  goal < {GOAL_MB:.0f} MB")
            worst = 0.0
            for name in pids:
                worst = max(worst, sampler.peak[name])
                flag = "ok" if sampler.peak[name] < GOAL_MB else "OVER"
                print(f"{name:<10} {sampler.idle[name]:8.0f} {sampler.peak[name]:8.0f}  {flag}")
            return 0 if worst < GOAL_MB else 1
        finally:
            stack.down()


if __name__ == "__main__":
    raise SystemExit(main())
