"""The append-only audit log of permit lookups made in the console.

Each entry: who (account and name), when (naive UTC), which application (the normalised number, or
none when what was typed was not a number), the verification method, the outcome and the reason the
agent typed, redacted with haina.privacy (passport numbers, dates, phone numbers, e-mail addresses
masked). Never the passport number or date of birth themselves.

Append-only three times over: this module only inserts and reads; a SQLAlchemy `before_flush` hook
refuses any update or delete of an entry in this process; and the database's triggers (migration
0002) refuse UPDATE and DELETE from anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from haina import db, privacy
from haina.db.models import AUDIT_OUTCOMES, StaffAuditEntry
from haina.staff.accounts import Staff

MAX_REASON = 500
REDACTED_KINDS = (privacy.PASSPORT, privacy.DATE, privacy.PHONE, privacy.EMAIL)
CSV_COLUMNS = ("id", "time_utc", "username", "application_number", "method", "outcome", "reason")


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete an audit entry."""


@sa.event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, StaffAuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("staff_audit is append-only")


def clean_reason(reason: str) -> str:
    """The reason as stored: trimmed, one line, personal identifiers masked."""
    text = " ".join((reason or "").split())
    return privacy.redact(text, REDACTED_KINDS)[:MAX_REASON]


def record(session: Session, staff: Staff, number: str | None, method: str | None, outcome: str, reason: str,
           now: dt.datetime) -> StaffAuditEntry:
    """Add one entry to the session (committed with it)."""
    if outcome not in AUDIT_OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    entry = StaffAuditEntry(created_at=now, account_id=staff.id, username=staff.username, application_number=number,
                            method=method, outcome=outcome, reason=clean_reason(reason))
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    username: str | None = None
    application_number: str | None = None
    outcome: str | None = None

    def conditions(self) -> list[sa.sql.ColumnElement]:
        found = []
        if self.since:
            found.append(StaffAuditEntry.created_at >= dt.datetime.combine(self.since, dt.time()))
        if self.until:
            found.append(StaffAuditEntry.created_at < dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time()))
        if self.username:
            found.append(StaffAuditEntry.username == self.username.strip().lower())
        if self.application_number:
            found.append(StaffAuditEntry.application_number == self.application_number)
        if self.outcome in AUDIT_OUTCOMES:
            found.append(StaffAuditEntry.outcome == self.outcome)
        return found


@dataclass(frozen=True)
class Entry:
    id: int
    created_at: dt.datetime
    username: str
    application_number: str | None
    method: str | None
    outcome: str
    reason: str


def _entry(row: StaffAuditEntry) -> Entry:
    return Entry(row.id, row.created_at, row.username, row.application_number, row.method, row.outcome, row.reason)


def entries(where: AuditFilter = AuditFilter(), limit: int = 100, offset: int = 0,
            url: str | None = None) -> tuple[list[Entry], int]:
    """One page of entries, newest first, and how many match in all."""
    with db.session_scope(url) as session:
        conditions = where.conditions()
        total = int(session.execute(sa.select(sa.func.count()).select_from(StaffAuditEntry)
                                    .where(*conditions)).scalar_one())
        rows = session.execute(sa.select(StaffAuditEntry).where(*conditions)
                               .order_by(StaffAuditEntry.created_at.desc(), StaffAuditEntry.id.desc())
                               .limit(limit).offset(offset)).scalars().all()
        return [_entry(r) for r in rows], total


def iter_entries(where: AuditFilter = AuditFilter(), url: str | None = None, batch: int = 1000) -> Iterator[Entry]:
    """Every matching entry, oldest first, fetched in batches (for the export)."""
    last_id = 0
    while True:
        with db.session_scope(url) as session:
            rows = session.execute(sa.select(StaffAuditEntry).where(*where.conditions(), StaffAuditEntry.id > last_id)
                                   .order_by(StaffAuditEntry.id).limit(batch)).scalars().all()
            found = [_entry(r) for r in rows]
        if not found:
            return
        yield from found
        last_id = found[-1].id


def csv_text(rows: Iterable[Entry]) -> str:
    """The entries as CSV (UTF-8 with a header; times in ISO 8601, UTC)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in rows:
        writer.writerow([e.id, e.created_at.isoformat(timespec="seconds") + "Z", e.username, e.application_number or "",
                         e.method or "", e.outcome, _csv_safe(e.reason)])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
