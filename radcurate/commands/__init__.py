"""Subcommands of `radcurate` that live in their own modules.

Each module listed in COMMANDS defines `register(subparsers)`, adding its parser with
`set_defaults(run=function(args, env) -> int)`. Modules are imported only when present.
"""

from __future__ import annotations

import argparse
import importlib

COMMANDS = ("deid", "harmonize", "review", "qc")


def register_all(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"radcurate.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"radcurate.commands.{name}":
                raise
            continue
        module.register(subparsers)
