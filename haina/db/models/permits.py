"""Permit applications, their dated status history and the verification attempts (for the lockout).

The passport number is never stored: only `passport_hash` (keyed HMAC, haina.privacy.passport_hash)
and its last four characters. Verification attempts store keyed hashes of the sender and of the
application number, so the lockout can count them without keeping what was typed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from haina.db.models.base import Base, one_of, utcnow

APPLICATION_TYPES: tuple[str, ...] = (
    "work_permit_new", "work_permit_renewal", "work_permit_change", "work_permit_cancellation", "residence_permit",
)
PERMIT_CATEGORIES: tuple[str, ...] = ("A", "B", "C")
STATUSES: tuple[str, ...] = (
    "submitted", "under_review", "documents_needed", "approved", "permit_issued",
    "ready_for_collection", "collected", "rejected",
)
OUTCOMES: tuple[str, ...] = ("success", "failure")
METHODS: tuple[str, ...] = ("passport_number", "date_of_birth")


class Application(Base):
    __tablename__ = "permit_applications"
    __table_args__ = (
        one_of("type", APPLICATION_TYPES, "type"),
        one_of("status", STATUSES, "status"),
        sa.CheckConstraint("category IS NULL OR category IN ('A', 'B', 'C')", name="category"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    application_number = sa.Column(sa.String(20), nullable=False, unique=True)  # normalised: SHWP-2026-004217
    type = sa.Column(sa.String(32), nullable=False)
    category = sa.Column(sa.String(1))
    passport_hash = sa.Column(sa.String(80), nullable=False)
    passport_last4 = sa.Column(sa.String(4), nullable=False)
    date_of_birth = sa.Column(sa.Date, nullable=False)
    nationality = sa.Column(sa.String(2), nullable=False)
    employer = sa.Column(sa.String(200))
    submitted = sa.Column(sa.Date, nullable=False)
    status = sa.Column(sa.String(32), nullable=False)  # = the last history entry, kept for queries
    status_date = sa.Column(sa.Date, nullable=False)
    demo = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    history = relationship("StatusChange", order_by="StatusChange.position", cascade="all, delete-orphan",
                           back_populates="application", lazy="selectin")

    def __repr__(self) -> str:  # no personal data in reprs (they end up in logs)
        return f"<Application {self.application_number} {self.status}>"


class StatusChange(Base):
    __tablename__ = "permit_status_history"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "position"),
        one_of("status", STATUSES, "status"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    application_id = sa.Column(sa.Integer, sa.ForeignKey("permit_applications.id", ondelete="CASCADE"),
                               nullable=False)
    position = sa.Column(sa.Integer, nullable=False)  # 0, 1, 2 … in the order of the history
    status = sa.Column(sa.String(32), nullable=False)
    date = sa.Column(sa.Date, nullable=False)
    documents = sa.Column(sa.JSON)  # documents_needed: codes (bot/strings/permits.yml) or free texts
    reason = sa.Column(sa.Text)     # rejected: a code or a free text

    application = relationship("Application", back_populates="history")


class VerificationAttempt(Base):
    """One verification of an applicant (passport number or date of birth), right or wrong."""

    __tablename__ = "permit_verification_attempts"
    __table_args__ = (
        one_of("outcome", OUTCOMES, "outcome"),
        # "5 failures within an hour" per conversation and per application number:
        sa.Index("ix_verification_sender_outcome_time", "sender_hash", "outcome", "created_at"),
        sa.Index("ix_verification_number_outcome_time", "number_hash", "outcome", "created_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    sender_hash = sa.Column(sa.String(64), nullable=False)
    number_hash = sa.Column(sa.String(64), nullable=False)
    method = sa.Column(sa.String(16))
    outcome = sa.Column(sa.String(8), nullable=False)
