"""Subcommands of `haina` that belong to one capability each (import, wechat-sim, staff, …).

Every module here defines `register(subparsers)`, which adds its parser and sets `func`; the
command line finds them by listing this package, so a capability adds a command without editing
haina/cli.py. Imports of heavy libraries belong inside the command's function, not at module level.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register_all(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Let every module of this package add its subcommand, in alphabetical order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(subparsers)
