"""Recall of the qc checks per injected defect, and their false-FAIL rate on clean series, over seeded variants.

Each case is a real multi-slice series built from a pydicom test file (random template, orientation, spacing,
slice count and instance order, and a special kind: tilted CT, multi-echo, diffusion, multi-phase, sequential
CT, localizers mixed in, derived reformat or projection), judged as the qc service judges it (every header,
pixels of the sampled instances, study-level checks). Defects are injected by tests/unit/qc/defects.py, the
same code the unit tests use.

- recall: the defect's reason code is among the FAIL/ERROR findings, with the defect's verdict;
- exact: those findings are exactly that one code (and what the series is was still recognised);
- false FAIL: a clean series whose study verdict is not PASS; recognised: tilt / several volumes reported.

Usage (from the repository root): python -m bench.qc_eval [--per-pair N] [--clean N] [--seed S] [--jobs J]
Exit status 1 when recall is below 100 % or any clean series fails.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _defects() -> Any:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.unit.qc.defects")


def _run(job: tuple[str, str, str, int]) -> tuple[str, str, str, bool, bool, bool, list[str]]:
    """(group, name, variant, recalled, exact, recognised, codes) of one seeded case."""
    kind, name, variant, seed = job
    d = _defects()
    rules = importlib.import_module("services.qc.rules").load_rules()
    rng = random.Random(f"{kind}:{name}:{variant}:{seed}")
    if kind == "defect":
        case = d.defect_case(name, rng, rules, variant)
    elif kind == "skew":
        case = d.skewed_mr_case(rng)
    else:
        case = d.clean_case(variant, rng)
    qc, study = d.judge(case, rules)
    found = d.problems(study.findings)
    recognised = case.recognised <= d.passes(qc.findings)
    if kind == "clean":
        return kind, variant, variant, study.verdict.value == "PASS", not found, recognised, sorted(found)
    recalled = case.codes <= found and study.verdict is case.verdict
    return kind, name, variant, recalled, d.correct(case, qc, study), recognised, sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-pair", type=int, default=8, help="cases per (defect, series kind) pair")
    parser.add_argument("--clean", type=int, default=40, help="clean cases per series kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    d = _defects()
    jobs: list[tuple[str, str, str, int]] = []
    for defect in d.DEFECTS:
        for variant in d.VARIANTS:
            if d.compatible(defect, variant):
                jobs += [("defect", defect, variant, args.seed * 100_000 + k) for k in range(args.per_pair)]
    jobs += [("skew", "skewed_stack", "mr", args.seed * 100_000 + k) for k in range(args.per_pair * 2)]
    for variant in d.VARIANTS:
        jobs += [("clean", variant, variant, args.seed * 100_000 + k) for k in range(args.clean)]

    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(_run, jobs, chunksize=4))
    elapsed = time.monotonic() - started

    defects: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    clean: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    misses: list[str] = []
    for kind, name, variant, ok, exact, recognised, codes in results:
        (clean if kind == "clean" else defects)[name].append((ok, exact, recognised))
        if not (ok and exact and recognised):
            misses.append(f"  {kind} {name} on {variant}: got {codes or 'nothing'}"
                          f"{'' if recognised else ' (not recognised)'}")

    print(f"qc_eval: {len(results)} cases, seed {args.seed}, {elapsed:.0f} s\n")
    print(f"{'defect':<28}{'code':<28}{'cases':>6}{'recall':>9}{'exact':>9}")
    recall_total = [0, 0]
    for name, rows in defects.items():
        code = d.DEFECTS[name].code if name in d.DEFECTS else "skewed_stack"
        recall = sum(r[0] for r in rows)
        recall_total[0] += recall
        recall_total[1] += len(rows)
        print(f"{name:<28}{code:<28}{len(rows):>6}{100 * recall / len(rows):>8.1f}%"
              f"{100 * sum(r[0] and r[1] and r[2] for r in rows) / len(rows):>8.1f}%")
    print(f"{'all defects':<56}{recall_total[1]:>6}{100 * recall_total[0] / recall_total[1]:>8.1f}%\n")
    print(f"{'clean series':<28}{'':<28}{'cases':>6}{'false FAIL':>11}{'recognised':>11}")
    false_total = [0, 0]
    for name, rows in clean.items():
        false = sum(not r[0] for r in rows)
        false_total[0] += false
        false_total[1] += len(rows)
        print(f"{name:<56}{len(rows):>6}{100 * false / len(rows):>10.1f}%"
              f"{100 * sum(r[2] for r in rows) / len(rows):>10.1f}%")
    print(f"{'all clean':<56}{false_total[1]:>6}{100 * false_total[0] / false_total[1]:>10.1f}%")
    if misses:
        print("\nnot as expected:\n" + "\n".join(misses[:50]))
    return 0 if recall_total[0] == recall_total[1] and false_total[0] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
