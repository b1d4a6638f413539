"""`python -m bench [load|nlu|all] [options]`: run one benchmark, or every one that exists (the default).

Each benchmark is a module of this package with `add_arguments(parser)` and `run(args) -> int`;
it writes its own section of bench/results.md and its raw JSON to bench/out/.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from types import ModuleType

# name -> module. A benchmark whose module does not exist yet is simply not offered.
BENCHMARKS: dict[str, str] = {
    "load": "bench.load",        # REST conversations at 1/10/50 users, against a plain `rasa init` peer
    "nlu": "bench.nlu",          # intent accuracy and macro-F1, language ID, parse time (issue 4)
    "search": "bench.search",    # long-tail knowledge search and `haina classify` topics (issue 5)
    "db": "bench.db",            # status lookups and directory queries on PostgreSQL (issue 6)
    "wechat": "bench.wechat",    # WeChat channel overhead and passive-answer share (issue 7)
    "staff": "bench.staff",      # staff console assist latency with 20 agents (issue 8)
}


def available() -> dict[str, ModuleType]:
    """The benchmarks whose module exists, imported, in the order of BENCHMARKS."""
    return {name: importlib.import_module(module) for name, module in BENCHMARKS.items()
            if importlib.util.find_spec(module) is not None}


def parser(benchmarks: dict[str, ModuleType]) -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="which", metavar="{" + ",".join([*benchmarks, "all"]) + "}")
    for name, module in benchmarks.items():
        module.add_arguments(commands.add_parser(name, help=(module.__doc__ or "").splitlines()[0]))
    every = commands.add_parser("all", help="every benchmark above, in turn (options shared)",
                                conflict_handler="resolve")
    for module in benchmarks.values():
        module.add_arguments(every)
    return main


def main(argv: list[str] | None = None) -> int:
    benchmarks = available()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "all")
    args = parser(benchmarks).parse_args(argv)
    selected = benchmarks if args.which == "all" else {args.which: benchmarks[args.which]}
    status = 0
    for name, module in selected.items():
        print(f"=== bench {name} ===", flush=True)
        status = max(status, module.run(args))
    return status


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("\nInterrupted; servers stopped.", file=sys.stderr)
        raise SystemExit(130)
