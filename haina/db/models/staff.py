"""The staff console's accounts, server-side sessions, sign-in attempts and the permit-lookup audit log.

- StaffAccount: one person; the password only as an argon2 hash (haina.staff.accounts); accounts are
  disabled, never deleted, so the audit log keeps pointing at them.
- StaffSession: the cookie holds a random token, the table only its SHA-256 (a copied database
  cannot be used to sign in); each session has its own CSRF token and ends after idle or absolute time.
- StaffLoginAttempt: for the sign-in throttle (per user name and per client address, both as keyed hashes).
- StaffAuditEntry: every permit lookup made in the console: who, when, which application, the outcome
  and the reason typed (redacted). Never the passport number or date of birth. Append-only: the ORM
  refuses updates and deletes (haina.staff.audit), and database triggers refuse them too (migration 0002).
"""

from __future__ import annotations

import sqlalchemy as sa

from haina.db.models.base import Base, one_of, utcnow

ROLES: tuple[str, ...] = ("agent", "supervisor", "editor")
AUDIT_OUTCOMES: tuple[str, ...] = ("found", "not_verified", "locked", "invalid")


class StaffAccount(Base):
    __tablename__ = "staff_accounts"
    __table_args__ = (one_of("role", ROLES, "role"),)

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)  # normalised: lower case
    role = sa.Column(sa.String(16), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    disabled_at = sa.Column(sa.DateTime)
    last_login_at = sa.Column(sa.DateTime)


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id = sa.Column(sa.String(64), primary_key=True)  # sha256 hex of the cookie's token
    account_id = sa.Column(sa.Integer, sa.ForeignKey("staff_accounts.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    csrf_token = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    ended_at = sa.Column(sa.DateTime)


class StaffLoginAttempt(Base):
    __tablename__ = "staff_login_attempts"
    __table_args__ = (
        sa.Index("ix_staff_login_attempts_username_created", "username", "created_at"),
        sa.Index("ix_staff_login_attempts_address_created", "address_hash", "created_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    username = sa.Column(sa.String(64), nullable=False)  # keyed hash of the name typed (haina.staff.signin)
    address_hash = sa.Column(sa.String(64), nullable=False)
    success = sa.Column(sa.Boolean, nullable=False)


class StaffAuditEntry(Base):
    __tablename__ = "staff_audit"
    __table_args__ = (
        one_of("outcome", AUDIT_OUTCOMES, "outcome"),
        sa.Index("ix_staff_audit_account_created", "account_id", "created_at"),
        sa.Index("ix_staff_audit_number_created", "application_number", "created_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    account_id = sa.Column(sa.Integer, sa.ForeignKey("staff_accounts.id"), nullable=False)
    username = sa.Column(sa.String(64), nullable=False)  # as it was at the time of the lookup
    application_number = sa.Column(sa.String(20))  # normalised; NULL when what was typed was not a number
    method = sa.Column(sa.String(16))  # passport_number | date_of_birth | NULL
    outcome = sa.Column(sa.String(16), nullable=False)
    reason = sa.Column(sa.Text, nullable=False)  # redacted
