"""Staff accounts: names, roles, argon2id password hashes (argon2-cffi), disabling.

There is no default account and no default password: the first account is made with
`haina staff add NAME --role ROLE`. Accounts are disabled, never deleted, so that the audit log and the
handoff queue keep pointing at the person who acted.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from haina import db
from haina.db.models import ROLES, StaffAccount, StaffSession, utcnow

MIN_PASSWORD = 12
MAX_PASSWORD = 256
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4). Tests swap in
# a cheaper hasher with `use_hasher`; the hash string records its parameters, so both verify.
_hasher = PasswordHasher()
_DUMMY_LOCK = threading.Lock()
_dummy_hash: str | None = None


class AccountError(ValueError):
    """A request about an account that cannot be done; `key` is its text in bot/strings/staff.yml."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Staff:
    """A staff member as the console sees them (never the hash)."""

    id: int
    username: str
    role: str
    active: bool = True


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the password hasher (tests use cheaper argon2 parameters)."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = hasher, None


def normalise_username(name: str) -> str:
    """User names are compared in lower case without surrounding spaces."""
    return (name or "").strip().lower()


def check_username(name: str) -> str:
    username = normalise_username(name)
    if not USERNAME.match(username):
        raise AccountError("staff.cli.bad_name")
    return username


def check_password(password: str) -> None:
    """At least MIN_PASSWORD characters, at most MAX_PASSWORD; no other rules (NIST SP 800-63B)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("staff.cli.password_short", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AccountError("staff.cli.password_long", maximum=MAX_PASSWORD)
    if not password.strip():
        raise AccountError("staff.cli.password_short", minimum=MIN_PASSWORD)


def _staff(row: StaffAccount) -> Staff:
    return Staff(row.id, row.username, row.role, bool(row.active))


def create_account(name: str, role: str, password: str, url: str | None = None) -> Staff:
    """A new active account; the password is hashed before it reaches the database."""
    username = check_username(name)
    if role not in ROLES:
        raise AccountError("staff.cli.bad_role", roles=", ".join(ROLES))
    check_password(password)
    hashed = _hasher.hash(password)
    db.ensure_ready(url)
    with db.session_scope(url) as session:
        exists = session.execute(sa.select(StaffAccount.id).where(StaffAccount.username == username)).first()
        if exists:
            raise AccountError("staff.cli.exists", name=username)
        row = StaffAccount(username=username, role=role, password_hash=hashed, active=True)
        session.add(row)
        session.flush()
        return _staff(row)


def set_password(name: str, password: str, url: str | None = None) -> Staff:
    """A new password for an account; its open sessions end."""
    username = normalise_username(name)
    check_password(password)
    hashed = _hasher.hash(password)
    db.ensure_ready(url)
    with db.session_scope(url) as session:
        row = session.execute(sa.select(StaffAccount).where(StaffAccount.username == username)).scalar_one_or_none()
        if row is None:
            raise AccountError("staff.cli.unknown", name=username)
        row.password_hash = hashed
        _end_sessions(session, row.id)
        return _staff(row)


def list_accounts(url: str | None = None) -> list[tuple[Staff, object, object]]:
    """(account, created_at, last_login_at) for every account, by name."""
    db.ensure_ready(url)
    with db.session_scope(url) as session:
        rows = session.execute(sa.select(StaffAccount).order_by(StaffAccount.username)).scalars().all()
        return [(_staff(r), r.created_at, r.last_login_at) for r in rows]


def disable_account(name: str, url: str | None = None) -> Staff:
    """Disable an account and end its sessions at once (it can no longer sign in)."""
    username = normalise_username(name)
    db.ensure_ready(url)
    with db.session_scope(url) as session:
        row = session.execute(sa.select(StaffAccount).where(StaffAccount.username == username)).scalar_one_or_none()
        if row is None:
            raise AccountError("staff.cli.unknown", name=username)
        if row.active:
            row.active = False
            row.disabled_at = utcnow()
        _end_sessions(session, row.id)
        return _staff(row)


def _end_sessions(session: sa.orm.Session, account_id: int) -> None:
    session.execute(sa.update(StaffSession).where(StaffSession.account_id == account_id,
                                                  StaffSession.ended_at.is_(None)).values(ended_at=utcnow()))


def _dummy() -> str:
    """A hash to verify against when the name is unknown, so both cases take the same time."""
    global _dummy_hash
    with _DUMMY_LOCK:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash("not a password of anyone: timing equaliser")
        return _dummy_hash


def verify_password(name: str, password: str, url: str | None = None) -> Staff | None:
    """The active account whose name and password these are, else None (same work either way)."""
    username = normalise_username(name)
    with db.session_scope(url) as session:
        row = session.execute(sa.select(StaffAccount).where(StaffAccount.username == username)).scalar_one_or_none()
        stored = row.password_hash if row is not None else _dummy()
        try:
            ok = _hasher.verify(stored, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None or not row.active:
            return None
        if _hasher.check_needs_rehash(stored):
            row.password_hash = _hasher.hash(password)
        row.last_login_at = utcnow()
        return _staff(row)
