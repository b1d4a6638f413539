"""`haina import FILE… [--kind service_points|applications] [--dry-run]`: load CSV or JSON exports of
service points and permit applications into the application database (see haina.db.importer)."""

from __future__ import annotations

import argparse
import os


def cmd_import(args: argparse.Namespace) -> int:
    from haina.db import migrate
    from haina.db.importer import import_file
    from haina.languages import DEFAULT_LANGUAGE, normalise

    language = normalise(args.language) or normalise(os.environ.get("LANG")) or DEFAULT_LANGUAGE
    if migrate.current(args.database) != migrate.head():
        migrate.upgrade(args.database)
    status = 0
    for path in args.files:
        report = import_file(path, kind=args.kind, dry_run=args.dry_run, url=args.database)
        for line in report.lines(language):
            print(line, flush=True)
        status = max(status, 0 if report.ok else 1)
    return status


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "import", help="import CSV or JSON files of service points or permit applications",
        description="Checks every row and imports a file only if all its rows are right (one transaction). "
        "Idempotent: rows are matched by ref (service points) or application number; an unchanged row is left "
        "alone and a changed one updated. Problems are reported per row (CSV: the header is row 1; JSON: the "
        "position in its list). Passport numbers are hashed and never printed. Exit code 1 if a file had problems.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="a .json or .csv file")
    parser.add_argument("--kind", choices=["service_points", "applications"],
                        help="what a CSV file holds (default: told by its header); for JSON, import only this part")
    parser.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")
    parser.add_argument("--database", help="database URL (default: HAINA_DATABASE_URL or var/haina.db)")
    parser.add_argument("--language", help="language of the report: en zh ja ko fr de es ru (default: from LANG)")
    parser.set_defaults(func=cmd_import)
