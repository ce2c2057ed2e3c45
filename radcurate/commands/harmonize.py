"""`radcurate map` and `radcurate reharmonize`: the harmonization vocabulary from the command line.

    radcurate map --modality CT --description "CT CHEST W/O CONTRAST" [--body-part CHEST]
        one JSON object: loinc, loinc_name, body_part, confidence, rule... computed by the same function the
        harmonize service uses (no stack needed)
    radcurate reharmonize --since 2026-01-01 [--until DAY] [--study UID ...] [--site ID] [--wait]
        replay stored de-identified studies through the current vocabulary (the index republishes them to
        harmonize; de-identification is not re-run) and update the index
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import httpx

from radcurate.cli import Env


def cmd_map(args: argparse.Namespace, env: Env) -> int:
    from services.harmonize.harmonize import BUNDLED_RULES, build_harmonizer

    rules = args.rules or Path(env.get("HARMONIZE_REVIEWED_RULES_FILE") or BUNDLED_RULES)
    harmonizer = build_harmonizer(rules, args.threshold)
    result = harmonizer.map_description(args.modality, args.description, args.body_part)
    print(json.dumps(result, ensure_ascii=False, indent=2 if args.pretty else None))
    return 0


def api_call(env: Env, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    url = env.require("API_URL").rstrip("/") + path
    response = httpx.request(method, url, json=body, timeout=30,
                             headers={"Authorization": f"Bearer {env.require('API_TOKEN')}"})
    if response.status_code >= 300:
        raise SystemExit(f"radcurate: {method} {path} answered {response.status_code}: {response.text[:300]}")
    return response.json()


def cmd_reharmonize(args: argparse.Namespace, env: Env) -> int:
    body = {"since": args.since.isoformat(), "until": args.until.isoformat() if args.until else None,
            "study_uids": args.study or None, "site": args.site, "reason": args.reason}
    request = api_call(env, "POST", "/api/v1/reharmonize", {k: v for k, v in body.items() if v is not None})
    print(f"request {request['request_id']}: {request['matched']} de-identified studies to replay")
    if not args.wait:
        return 0
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        state = api_call(env, "GET", f"/api/v1/reharmonize/{request['request_id']}")
        if state["status"] == "published":
            print(f"published {state['published']} replay events; the index updates as harmonize and qc finish")
            return 0
        time.sleep(1)
    print("radcurate: the request is not published yet (is the index worker running?)")
    return 1


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = subparsers.add_parser("map", help="map a procedure description to LOINC and a body part (no stack needed)")
    s.add_argument("--modality", required=True, help="DICOM modality, e.g. CT, MR, DX")
    s.add_argument("--description", required=True, help="Study / requested procedure description")
    s.add_argument("--body-part", help="Body Part Examined")
    s.add_argument("--rules", type=Path, default=None,
                   help="reviewed rules file (default: the bundled vocabulary/reviewed_rules.yaml)")
    s.add_argument("--threshold", type=float, help="review threshold (default: vocabulary/policy.yaml)")
    s.add_argument("--pretty", action="store_true", help="indent the JSON")
    s.set_defaults(run=cmd_map)

    s = subparsers.add_parser("reharmonize", help="replay de-identified studies through the current vocabulary")
    s.add_argument("--since", type=_day, required=True, help="studies de-identified on or after this day")
    s.add_argument("--until", type=_day, help="... and on or before this day")
    s.add_argument("--study", action="append", help="only this (pseudonymised) StudyInstanceUID; repeatable")
    s.add_argument("--site", help="only this site")
    s.add_argument("--reason", help="why (recorded with the request)")
    s.add_argument("--wait", action="store_true", help="wait until the index published the replay events")
    s.add_argument("--timeout", type=float, default=120.0)
    s.set_defaults(run=cmd_reharmonize)
