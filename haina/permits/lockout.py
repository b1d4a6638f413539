"""The lockout: after 5 failed verifications within an hour, for a conversation or for an
application number, lookups are refused for an hour from the 5th failure.

Counted from `permit_verification_attempts` (keyed hashes only), so it holds across the action
server's restarts and processes. Refused lookups are not attempts and do not extend the lock.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from haina import privacy
from haina.db.models import VerificationAttempt

MAX_FAILURES = 5
WINDOW = dt.timedelta(hours=1)
LOCK = dt.timedelta(hours=1)


def sender_key(sender_id: str) -> str:
    return privacy.hash_sender(sender_id)


def number_key(number: str) -> str:
    """Keyed, so the table of attempts does not list which numbers were tried."""
    return privacy.keyed_hash(number, "application_number")


def _lock_end(times: list[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """The end of the latest lock that these failure times (sorted) impose, if it is still running."""
    until = None
    for i in range(MAX_FAILURES - 1, len(times)):
        if times[i] - times[i - MAX_FAILURES + 1] <= WINDOW and times[i] + LOCK > now:
            until = max(until or times[i] + LOCK, times[i] + LOCK)
    return until


def locked_until(session: Session, sender_id: str, number: str | None, now: dt.datetime) -> dt.datetime | None:
    """When the lock on this conversation or number ends (naive UTC), or None if lookups are allowed.

    One query for both keys (the two (key, outcome, created_at) indexes serve it as a bitmap OR).
    """
    sender, key = sender_key(sender_id), number_key(number) if number else None
    who = VerificationAttempt.sender_hash == sender
    if key:
        who = sa.or_(who, VerificationAttempt.number_hash == key)
    rows = session.execute(
        sa.select(VerificationAttempt.created_at, VerificationAttempt.sender_hash, VerificationAttempt.number_hash)
        .where(who, VerificationAttempt.outcome == "failure",
               VerificationAttempt.created_at > now - WINDOW - LOCK, VerificationAttempt.created_at <= now)
        .order_by(VerificationAttempt.created_at)
    ).all()
    ends = [_lock_end([r.created_at for r in rows if r.sender_hash == sender], now)]
    if key:
        ends.append(_lock_end([r.created_at for r in rows if r.number_hash == key], now))
    found = [t for t in ends if t is not None]
    return max(found) if found else None


def record(session: Session, sender_id: str, number: str, method: str, success: bool, now: dt.datetime) -> None:
    session.add(VerificationAttempt(created_at=now, sender_hash=sender_key(sender_id), number_hash=number_key(number),
                                    method=method, outcome="success" if success else "failure"))
