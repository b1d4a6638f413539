"""The status lookup behind the permit-status form: refuse when locked, verify, record, answer.

Unknown numbers and wrong verifications are the same outcome (`not_verified`) reached by the same
work: one query by number, one keyed hash of what was typed, a constant-time comparison against
the stored value or a dummy of the same form, one attempt written. Nobody can learn which numbers
exist, from the text or from the timing.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from haina import privacy
from haina.db import ensure_ready, session_scope
from haina.db.models import Application, utcnow
from haina.permits import lockout
from haina.permits.identifiers import DATE_OF_BIRTH, PASSPORT_NUMBER, Verification

FOUND, NOT_VERIFIED, LOCKED = "found", "not_verified", "locked"
_DUMMY_HASH = "hmac-sha256$" + "0" * 64
_DUMMY_DATE = "0000-00-00"

# The clock of the lockout (naive UTC); tests replace it.
clock: Callable[[], dt.datetime] = utcnow


@dataclass(frozen=True)
class Step:
    status: str
    date: dt.date
    documents: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class ApplicationStatus:
    """What a verified applicant may be told (no passport, no date of birth)."""

    number: str
    type: str
    category: str | None
    submitted: dt.date
    current: Step


@dataclass(frozen=True)
class LookupResult:
    outcome: str  # found | not_verified | locked
    status: ApplicationStatus | None = None
    locked_until: dt.datetime | None = None  # naive UTC


def _matches(app: Application | None, verification: Verification) -> bool:
    if verification.method == PASSPORT_NUMBER:
        given = privacy.passport_hash(verification.values[0])
        ok = hmac.compare_digest(given, app.passport_hash if app else _DUMMY_HASH)
    elif verification.method == DATE_OF_BIRTH:
        expected = app.date_of_birth.isoformat() if app else _DUMMY_DATE
        ok = False
        for value in verification.values:
            ok = hmac.compare_digest(value, expected) | ok  # no short-circuit: every reading is compared
    else:
        raise ValueError(f"unknown verification method {verification.method!r}")
    return ok and app is not None


def check_lock(sender_id: str, number: str | None = None, url: str | None = None,
               now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lock on this conversation (and number) ends, or None."""
    ensure_ready(url)
    with session_scope(url) as session:
        return lockout.locked_until(session, sender_id, number, now or clock())


def look_up(number: str, verification: Verification, sender_id: str, url: str | None = None,
            now: dt.datetime | None = None) -> LookupResult:
    """The status of `number` if `verification` matches, in one transaction with the attempt."""
    now = now or clock()
    ensure_ready(url)
    with session_scope(url) as session:
        if session.get_bind().dialect.name == "postgresql":
            # The attempt is visible to every other session at once; only its durability across a server
            # crash is relaxed (a fraction of a second of attempts), which saves a disk flush per lookup.
            session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
        until = lockout.locked_until(session, sender_id, number, now)
        if until is not None:
            return LookupResult(LOCKED, locked_until=until)
        # The history is loaded only after a successful verification: loading it with the application
        # would add a query exactly when the number exists.
        app = session.execute(sa.select(Application).options(lazyload(Application.history))
                              .where(Application.application_number == number)).scalar_one_or_none()
        verified = _matches(app, verification)
        lockout.record(session, sender_id, number, verification.method, verified, now)
        if not verified or app is None:
            return LookupResult(NOT_VERIFIED)
        last = app.history[-1]
        step = Step(last.status, last.date, tuple(last.documents or ()), last.reason)
        return LookupResult(FOUND, ApplicationStatus(app.application_number, app.type, app.category, app.submitted, step))
