"""Server-side sessions of the staff console, with idle and absolute expiry and a CSRF token each.

The cookie carries a random 256-bit token; the table keeps only its SHA-256, so a copy of the
database signs nobody in. A session ends after IDLE without a request, or ABSOLUTE after sign-in
whatever happens, or at sign-out, or when its account is disabled. `clock` (naive UTC) is replaced
in tests to move time on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from haina import db
from haina.db.models import StaffAccount, StaffSession, utcnow
from haina.staff.accounts import Staff

IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=10)
TOUCH_EVERY = dt.timedelta(seconds=30)  # last_seen_at is written at most this often (fewer writes)

clock: Callable[[], dt.datetime] = utcnow


@dataclass(frozen=True)
class SignedIn:
    """The person behind a request and the CSRF token their forms must carry."""

    staff: Staff
    csrf_token: str
    session_key: str  # the hash of the cookie's token (the row's id)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(account_id: int, url: str | None = None, now: dt.datetime | None = None) -> tuple[str, str]:
    """A new session for an account: (cookie token, CSRF token)."""
    now = now or clock()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with db.session_scope(url) as session:
        session.add(StaffSession(id=_key(token), account_id=account_id, csrf_token=csrf, created_at=now,
                                 last_seen_at=now))
    return token, csrf


def expired(created_at: dt.datetime, last_seen_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a session is over: idle too long, or open too long altogether."""
    return now - last_seen_at >= IDLE or now - created_at >= ABSOLUTE


def resume(token: str | None, url: str | None = None, now: dt.datetime | None = None) -> SignedIn | None:
    """The signed-in person for a cookie token, or None (unknown, ended, expired, account disabled)."""
    if not token or len(token) > 200:
        return None
    now = now or clock()
    key = _key(token)
    with db.session_scope(url) as session:
        found = session.execute(
            sa.select(StaffSession, StaffAccount).join(StaffAccount, StaffAccount.id == StaffSession.account_id)
            .where(StaffSession.id == key)
        ).first()
        if found is None:
            return None
        row, account = found
        if row.ended_at is not None or not account.active:
            return None
        if expired(row.created_at, row.last_seen_at, now):
            row.ended_at = now
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
        return SignedIn(Staff(account.id, account.username, account.role, True), row.csrf_token, key)


def end(token: str | None, url: str | None = None, now: dt.datetime | None = None) -> None:
    """Sign out: the session cannot be used again."""
    if not token:
        return
    with db.session_scope(url) as session:
        session.execute(sa.update(StaffSession).where(StaffSession.id == _key(token), StaffSession.ended_at.is_(None))
                        .values(ended_at=now or clock()))


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token with the one a request carries."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
