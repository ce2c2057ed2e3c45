"""`radcurate qc`: the three-level QC review from the command line (queue, show, decide, statistics).

Decisions are taken as the user of the bearer token (`--token-var` names the variable holding it,
e.g. REVIEWER_TOKEN in the local stack's .stack/env).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import httpx


def _client(args: argparse.Namespace, env: Any) -> httpx.Client:
    return httpx.Client(base_url=env.require("API_URL"), timeout=30,
                        headers={"Authorization": f"Bearer {env.require(args.token_var)}"})


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise SystemExit(f"radcurate: {response.status_code}: {response.json().get('detail', response.text)}")
    return response.json()


def cmd_queue(args: argparse.Namespace, env: Any) -> int:
    from radcurate.cli import table

    page = _answer(_client(args, env).get("/api/v1/qc/queue", params={
        k: v for k, v in {"state": args.state, "site": args.site, "limit": args.limit}.items() if v}))
    rows = [(i["study_uid"], i["document_version"], i["site_id"], i["automatic"], i["state"], ",".join(i["codes"]))
            for i in page["items"]]
    print(table(rows, ["study_uid", "version", "site", "automatic", "state", "findings"]))
    print(f"{len(rows)} of {page['total']} waiting")
    return 0


def cmd_show(args: argparse.Namespace, env: Any) -> int:
    print(json.dumps(_answer(_client(args, env).get(f"/api/v1/qc/{args.study_uid}")), indent=2))
    return 0


def cmd_decide(args: argparse.Namespace, env: Any) -> int:
    review = _answer(_client(args, env).post(f"/api/v1/qc/{args.study_uid}/decision", json={
        "document_version": args.version, "decision": args.decision, "reason": args.reason}))
    print(f"{args.study_uid} version {args.version}: {review['state']}")
    return 0


def cmd_statistics(args: argparse.Namespace, env: Any) -> int:
    from radcurate.cli import table

    rows = _answer(_client(args, env).get("/api/v1/qc/statistics", params={
        k: v for k, v in {"site": args.site, "since": args.since}.items() if v}))["items"]
    print(table([(r["site_id"], r["week"], r["studies"], r["verdicts"].get("PASS", 0), r["verdicts"].get("FAIL", 0),
                  r["verdicts"].get("ERROR", 0), ", ".join(f"{k} {v}" for k, v in sorted(r["failure_reasons"].items())))
                 for r in rows], ["site", "week", "studies", "pass", "fail", "error", "failure reasons"]))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("qc", help="three-level QC review: queue, show, decide, statistics")
    parser.add_argument("--token-var", default="API_TOKEN", help="variable holding your bearer token")
    sub = parser.add_subparsers(dest="qc_command", required=True)
    s = sub.add_parser("queue", help="studies waiting for a reviewer or an arbitrator")
    s.add_argument("--state", choices=["awaiting_review", "awaiting_arbitration", "accepted", "rejected"])
    s.add_argument("--site")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(run=cmd_queue)
    s = sub.add_parser("show", help="a study's review and its history")
    s.add_argument("study_uid")
    s.set_defaults(run=cmd_show)
    s = sub.add_parser("decide", help="accept or reject a study version (as your token's user)")
    s.add_argument("study_uid")
    s.add_argument("decision", choices=["accept", "reject"])
    s.add_argument("--version", type=int, required=True)
    s.add_argument("--reason")
    s.set_defaults(run=cmd_decide)
    s = sub.add_parser("statistics", help="per site and week: verdicts and failure reasons")
    s.add_argument("--site")
    s.add_argument("--since")
    s.set_defaults(run=cmd_statistics)
