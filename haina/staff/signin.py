"""Signing in: the throttle, then the password, then a new session.

The throttle counts failed sign-ins in the database (so it holds across restarts and processes):
5 failures for one user name, or 20 from one client address, within 15 minutes refuse further
attempts for that name or address until the window has moved on. A refused attempt does no
password work and is not counted, and the answer for a wrong name, a wrong password, a disabled
account and a throttled attempt tells nothing about which it was, except that a throttled person is
told to wait. The names typed and the client addresses are stored as keyed hashes only (people
sometimes type a password into the name field).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from haina import db, privacy
from haina.db.models import StaffLoginAttempt
from haina.staff import sessions
from haina.staff.accounts import Staff, normalise_username, verify_password

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20

OK, REFUSED, THROTTLED = "ok", "refused", "throttled"


@dataclass(frozen=True)
class SignInResult:
    outcome: str  # ok | refused | throttled
    staff: Staff | None = None
    token: str | None = None
    csrf_token: str | None = None


def address_key(address: str | None) -> str:
    return privacy.keyed_hash(address or "unknown", "staff_login_address")


def name_key(username: str) -> str:
    return privacy.keyed_hash(normalise_username(username)[:64], "staff_login_name")


def _failures(session: Session, column: sa.Column, value: str, now: dt.datetime) -> int:
    return int(session.execute(
        sa.select(sa.func.count()).select_from(StaffLoginAttempt)
        .where(column == value, StaffLoginAttempt.success.is_(False), StaffLoginAttempt.created_at > now - WINDOW,
               StaffLoginAttempt.created_at <= now)
    ).scalar_one())


def throttled(username: str, address: str | None, url: str | None = None, now: dt.datetime | None = None) -> bool:
    """Whether sign-ins for this name or from this address are refused right now."""
    now = now or sessions.clock()
    with db.session_scope(url) as session:
        return (_failures(session, StaffLoginAttempt.username, name_key(username), now)
                >= MAX_FAILURES_PER_NAME
                or _failures(session, StaffLoginAttempt.address_hash, address_key(address), now)
                >= MAX_FAILURES_PER_ADDRESS)


def sign_in(username: str, password: str, address: str | None, url: str | None = None,
            now: dt.datetime | None = None) -> SignInResult:
    """Check the throttle and the password; on success, start a session."""
    now = now or sessions.clock()
    name = normalise_username(username)[:64]
    if throttled(name, address, url, now):
        return SignInResult(THROTTLED)
    staff = verify_password(name, password, url)
    with db.session_scope(url) as session:
        session.add(StaffLoginAttempt(created_at=now, username=name_key(name), address_hash=address_key(address),
                                      success=staff is not None))
    if staff is None:
        return SignInResult(REFUSED)
    token, csrf = sessions.start(staff.id, url, now)
    return SignInResult(OK, staff, token, csrf)
