"""Permit applications: check one JSON object (the import format) and write checked records by
application number. The passport number is hashed here and dropped; it is never put in a problem."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from babel import Locale
from sqlalchemy.orm import Session

from haina import privacy
from haina.db.importer.checks import RowCheck
from haina.db.importer.problems import Counts, Problem
from haina.db.importer.upsert import upsert
from haina.db.models import APPLICATION_TYPES, PERMIT_CATEGORIES, STATUSES, Application, StatusChange

KIND = "applications"
NUMBER = re.compile(r"^SH(WP|RP)-?(\d{4})-?(\d{6})$", re.IGNORECASE)
PASSPORT = re.compile(r"^(?=[A-Z0-9]*[0-9])(?=[A-Z0-9]*[A-Z])[A-Z0-9]{7,9}$|^[0-9]{9}$")
FIELDS = {"application_number", "type", "category", "passport_number", "date_of_birth", "nationality",
          "employer", "submitted", "history", "demo"}
HISTORY_FIELDS = {"status", "date", "documents", "reason"}


def normalise_number(text: str) -> str | None:
    """'shwp2026004217' → 'SHWP-2026-004217'; None when it is not an application number."""
    match = NUMBER.match((text or "").strip())
    if not match:
        return None
    return f"SH{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"


def _countries() -> set[str]:
    return {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}


COUNTRIES = _countries()


@dataclass
class Step:
    status: str
    date: dt.date
    documents: list[str] | None
    reason: str | None


@dataclass
class ApplicationRecord:
    number: str
    type: str
    category: str | None
    passport_hash: str
    passport_last4: str
    date_of_birth: dt.date
    nationality: str
    employer: str | None
    submitted: dt.date
    history: list[Step]
    demo: bool

    def canonical(self) -> dict[str, Any]:
        return {"type": self.type, "category": self.category, "passport_hash": self.passport_hash,
                "passport_last4": self.passport_last4, "date_of_birth": self.date_of_birth,
                "nationality": self.nationality, "employer": self.employer, "submitted": self.submitted,
                "demo": self.demo,
                "history": [(s.status, s.date, s.documents or None, s.reason) for s in self.history]}


def stored(app: Application) -> dict[str, Any]:
    return {"type": app.type, "category": app.category, "passport_hash": app.passport_hash,
            "passport_last4": app.passport_last4, "date_of_birth": app.date_of_birth,
            "nationality": app.nationality, "employer": app.employer, "submitted": app.submitted, "demo": app.demo,
            "history": [(s.status, s.date, s.documents or None, s.reason) for s in app.history]}


def _history(check: RowCheck, submitted: dt.date | None) -> list[Step]:
    value = check.data.get("history")
    if not value:
        check.problem("history_empty")
        return []
    if not isinstance(value, list):
        check.problem("not_list", field="history")
        return []
    steps: list[Step] = []
    for n, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            check.problem("history_entry", n=n)
            continue
        for name in sorted(set(entry) - HISTORY_FIELDS):
            check.problem("unknown_field", field=f"history {n}: {name}")
        status = str(entry.get("status") or "").strip().lower()
        if status not in STATUSES:
            check.problem("history_status", n=n, value=entry.get("status") or "", allowed=", ".join(STATUSES))
            continue
        try:
            date = dt.date.fromisoformat(str(entry.get("date") or "").strip())
        except ValueError:
            check.problem("history_date", n=n, value=entry.get("date") or "")
            continue
        documents = entry.get("documents")
        if isinstance(documents, str):
            documents = [d for d in documents.split(";")]
        if documents is not None and not (isinstance(documents, list) and all(isinstance(d, str) for d in documents)):
            check.problem("not_list", field=f"history {n}: documents")
            continue
        documents = [d.strip() for d in documents or [] if d.strip()] or None
        reason = str(entry.get("reason")).strip() if entry.get("reason") not in (None, "") else None
        if status == "documents_needed" and not documents:
            check.problem("documents_needed", n=n)
        if status == "rejected" and not reason:
            check.problem("reason_needed", n=n)
        if steps and date < steps[-1].date:
            check.problem("history_order", n=n, date=date.isoformat())
        if submitted and date < submitted:
            check.problem("history_before_submitted", n=n, date=date.isoformat(), submitted=submitted.isoformat())
        steps.append(Step(status, date, documents if status == "documents_needed" else None,
                          reason if status == "rejected" else None))
    return steps


def check_application(data: Any, row: int, problems: list[Problem], today: dt.date | None = None) -> ApplicationRecord | None:
    """The record for one application object, or None (with its problems added to `problems`)."""
    today = today or dt.date.today()
    raw_number = data.get("application_number") if isinstance(data, dict) else None
    number = normalise_number(str(raw_number)) if raw_number else None
    check = RowCheck(KIND, row, data, problems, label=number)
    if not check.data:
        return None
    for name in sorted(set(check.data) - FIELDS):
        check.problem("unknown_field", field=name)
    if not raw_number:
        check.problem("missing", field="application_number")
    elif number is None:
        check.problem("application_number", value=raw_number)
    kind = check.choice("type", APPLICATION_TYPES)
    if number and kind and (number.startswith("SHRP") != (kind == "residence_permit")):
        check.problem("number_type", number=number, type=kind)
    category = None
    if check.present("category"):
        category = check.choice("category", PERMIT_CATEGORIES)
    passport = privacy.normalise_passport(str(check.data.get("passport_number") or ""))
    if not passport:
        check.problem("missing", field="passport_number")
    elif not PASSPORT.match(passport):
        check.problem("passport")
    birth = check.date("date_of_birth", personal=True)
    if birth and not (dt.date(1900, 1, 1) <= birth <= today):
        check.problem("date_personal", field="date_of_birth")
        birth = None
    nationality = check.text("nationality", required=True, max_length=10)
    if nationality is not None:
        if nationality.upper() not in COUNTRIES:
            check.problem("nationality", value=nationality)
        nationality = nationality.upper()
    employer = check.text("employer", max_length=200)
    submitted = check.date("submitted")
    if submitted and submitted > today:
        check.problem("future", field="submitted", value=submitted.isoformat())
    history = _history(check, submitted)
    demo = check.boolean("demo")
    if not check.ok:
        return None
    return ApplicationRecord(
        number=number, type=kind, category=category,  # type: ignore[arg-type]
        passport_hash=privacy.passport_hash(passport), passport_last4=privacy.passport_last4(passport),
        date_of_birth=birth, nationality=nationality, employer=employer,  # type: ignore[arg-type]
        submitted=submitted, history=history, demo=demo,  # type: ignore[arg-type]
    )


def _apply(app: Application, record: ApplicationRecord) -> None:
    app.type, app.category, app.passport_hash = record.type, record.category, record.passport_hash
    app.passport_last4, app.date_of_birth, app.nationality = record.passport_last4, record.date_of_birth, record.nationality
    app.employer, app.submitted, app.demo = record.employer, record.submitted, record.demo
    app.status, app.status_date = record.history[-1].status, record.history[-1].date
    # In place by position: (application_id, position) is unique, so no delete-then-insert of one key.
    rows = list(app.history)
    for position, step in enumerate(record.history):
        if position < len(rows):
            row = rows[position]
            row.status, row.date, row.documents, row.reason = step.status, step.date, step.documents, step.reason
        else:
            app.history.append(StatusChange(position=position, status=step.status, date=step.date,
                                            documents=step.documents, reason=step.reason))
    for row in rows[len(record.history):]:
        app.history.remove(row)


def write_applications(session: Session, records: list[ApplicationRecord]) -> Counts:
    """Create the new numbers, update the changed ones, leave the rest; flushes but does not commit."""
    return upsert(session, Application.application_number, records, key=lambda r: r.number,
                  create=lambda number: Application(application_number=number, history=[]), stored=stored, apply=_apply)
