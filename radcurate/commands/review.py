"""`radcurate review`: the mappings harmonize withheld for review, reviewers' answers, and their export.

    radcurate review list [--status open|answered|resolved] [--field procedure|body_part|...]
    radcurate review show ID
    radcurate review answer ID --code CODE --reviewer NAME [--note TEXT]
    radcurate review export [--output FILE]
        answered items -> the reviewed rules file harmonize loads (HARMONIZE_REVIEWED_RULES_FILE); its
        version grows when a rule is added or changed, and is recorded in every harmonize provenance
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from radcurate.cli import Env, table
from radcurate.commands.harmonize import api_call

PAGE = 500


def cmd_list(args: argparse.Namespace, env: Env) -> int:
    query = "&".join(f"{k}={v}" for k, v in (("status", args.status), ("field", args.field),
                                             ("limit", args.limit)) if v)
    page = api_call(env, "GET", f"/api/v1/review?{query}")
    rows = []
    for item in page["items"]:
        best = item["candidates"][0] if item["candidates"] else {}
        text = " | ".join(f"{v}" for v in item["inputs"].values())
        rows.append((item["id"], item["field"], item["status"], item["occurrences"], f"{item['confidence']:.2f}",
                     best.get("code"), (best.get("meaning") or "")[:40], text[:60]))
    print(table(rows, ["id", "field", "status", "series", "conf", "best", "meaning", "inputs"]))
    print(f"{len(rows)} of {page['total']} items")
    return 0


def cmd_show(args: argparse.Namespace, env: Env) -> int:
    print(json.dumps(api_call(env, "GET", f"/api/v1/review/{args.id}"), ensure_ascii=False, indent=2))
    return 0


def cmd_answer(args: argparse.Namespace, env: Env) -> int:
    body = {"code": args.code, "reviewer": args.reviewer, **({"note": args.note} if args.note else {})}
    item = api_call(env, "POST", f"/api/v1/review/{args.id}", body)
    print(f"{item['id']}: {item['field']} answered {item['answer']['code']} ({item['status']})")
    return 0


def answered_items(env: Env) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = api_call(env, "GET", f"/api/v1/review?status=answered&limit={PAGE}&offset={offset}")
        items += page["items"]
        offset += PAGE
        if offset >= page["total"]:
            return items


def cmd_export(args: argparse.Namespace, env: Env) -> int:
    from services.harmonize.harmonize import BUNDLED_RULES, answer_meaning
    from services.harmonize.review import dump_rules, export_rules, load_rules

    output: Path = args.output or Path(env.get("HARMONIZE_REVIEWED_RULES_FILE") or BUNDLED_RULES)
    previous = load_rules(output if output.is_file() else args.base)
    rules, problems = export_rules(previous, answered_items(env), answer_meaning)
    for problem in problems:
        print(f"  skipped: {problem}")
    if rules.version == previous.version and output.is_file():
        print(f"{output}: no new answers (version {rules.version}, {len(rules.rules)} rules)")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dump_rules(rules), encoding="utf-8")
    print(f"{output}: version {rules.version}, {len(rules.rules)} rules "
          f"(restart harmonize with HARMONIZE_REVIEWED_RULES_FILE={output}, then radcurate reharmonize)")
    return 1 if problems else 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from services.harmonize.harmonize import BUNDLED_RULES

    review = subparsers.add_parser("review", help="mappings withheld for review; answers; export as rules")
    sub = review.add_subparsers(dest="review_command", required=True)

    s = sub.add_parser("list", help="list review items")
    s.add_argument("--status", choices=["open", "answered", "resolved"], default="open")
    s.add_argument("--field", choices=["procedure", "body_part", "series_type.contrast_phase",
                                       "series_type.kernel_class", "series_type.sequence"])
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(run=cmd_list)

    s = sub.add_parser("show", help="one review item with its inputs, candidates and studies")
    s.add_argument("id")
    s.set_defaults(run=cmd_show)

    s = sub.add_parser("answer", help="store a reviewer's answer")
    s.add_argument("id")
    s.add_argument("--code", required=True, help="LOINC code, CID 4031 code or term, class name, or 'unknown'")
    s.add_argument("--reviewer", required=True)
    s.add_argument("--note")
    s.set_defaults(run=cmd_answer)

    s = sub.add_parser("export", help="write answered items as the reviewed rules file of the next version")
    s.add_argument("--output", type=Path, help="rules file (default: HARMONIZE_REVIEWED_RULES_FILE or the bundled one)")
    s.add_argument("--base", type=Path, default=BUNDLED_RULES,
                   help="rules to start from when the output does not exist yet")
    s.set_defaults(run=cmd_export)
