"""`haina import`: CSV or JSON exports of service points and permit applications, checked row by row
and written in one transaction, idempotently (by `ref` and by application number).

JSON: {"service_points": [...]} and/or {"applications": [...]} (objects as in the team's import format);
CSV: one kind per file, see haina/db/importer/readers.py for the columns. Passport numbers are hashed
(haina.privacy.passport_hash) before anything is stored and never appear in a report.

Public API:
- `import_file(path, kind=None, dry_run=False, url=None, session=None) -> ImportReport`
- `ImportReport`: `.ok`, `.changed`, `.problems` (Problem: `.message(language)`), `.counts[kind]`
  (created/updated/unchanged), `.lines(language)` for printing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from haina.db.importer.applications import check_application, write_applications
from haina.db.importer.problems import KINDS, Counts, ImportReport, Problem
from haina.db.importer.readers import read
from haina.db.importer.service_points import check_service_point, write_service_points


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""


def _check(rows_by_kind, problems: list[Problem], today: dt.date | None) -> dict[str, list]:
    records: dict[str, list] = {}
    for rows in rows_by_kind:
        seen: dict[str, int] = {}
        checked = records.setdefault(rows.kind, [])
        for row, item in rows.items:
            if rows.kind == "service_points":
                record = check_service_point(item, row, problems)
                key = record.ref if record else None
            else:
                record = check_application(item, row, problems, today=today)
                key = record.number if record else None
            if record is None:
                continue
            if key in seen:
                field = "ref" if rows.kind == "service_points" else "application_number"
                problems.append(Problem("duplicate", {"field": field, "value": key, "first": seen[key]},
                                        row=row, label=key, kind=rows.kind))
                continue
            seen[key] = row
            checked.append(record)
    return records


def _write(session: Session, records: dict[str, list], report: ImportReport) -> None:
    for kind in KINDS:
        if kind in records:
            writer = write_service_points if kind == "service_points" else write_applications
            report.counts[kind] = writer(session, records[kind])


def import_file(path: str | Path, kind: str | None = None, dry_run: bool = False, url: str | None = None,
                session: Session | None = None, today: dt.date | None = None) -> ImportReport:
    """Check every row of the file; if all are right, write them in one transaction.

    A file with any problem changes nothing. With `dry_run`, the changes are made and rolled back so
    the counts say what an import would do. With `session`, the caller's transaction is used (and
    left to the caller to commit).
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    path = Path(path)
    report = ImportReport(path=str(path), dry_run=dry_run)
    rows = read(path, kind, report.problems)
    records = _check(rows, report.problems, today)
    if report.problems:
        return report
    if session is not None:
        _write(session, records, report)
        return report
    from haina.db.engine import session_scope

    try:
        with session_scope(url) as scoped:
            _write(scoped, records, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except SQLAlchemyError as error:
        report.counts = {k: Counts() for k in report.counts}
        # The driver's first line only: the full message would repeat the row's values.
        reason = str(getattr(error, "orig", None) or type(error).__name__).splitlines()[0]
        report.problems.append(Problem("db_error", {"reason": reason}))
    return report


__all__ = ["import_file", "ImportReport", "Problem", "Counts", "KINDS"]
