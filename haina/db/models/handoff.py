"""The human handoff queue: conversations that asked for a person (or that the assistant failed
twice in a row), their state (waiting -> taken -> closed, with who and when) and the staff's replies.

The transcript itself stays in Rasa's tracker store (the user's messages are stored there while the
bot is paused); a reply row is what the action server delivers and marks delivered.
`sender_id` is the channel's conversation id (needed to answer); it is never logged.
"""

from __future__ import annotations

import sqlalchemy as sa

from haina.db.models.base import Base, one_of, utcnow

HANDOFF_STATES: tuple[str, ...] = ("waiting", "taken", "closed")
HANDOFF_REASONS: tuple[str, ...] = ("asked", "failures")


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        one_of("state", HANDOFF_STATES, "state"),
        one_of("reason", HANDOFF_REASONS, "reason"),
        sa.Index("ix_handoffs_state_created", "state", "created_at"),
        # at most one open handoff per conversation
        sa.Index("uq_handoffs_open_sender", "sender_id", unique=True,
                 sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'")),
        sa.Index("ix_handoffs_sender_created", "sender_id", "created_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    sender_id = sa.Column(sa.String(255), nullable=False)
    channel = sa.Column(sa.String(32), nullable=False)
    language = sa.Column(sa.String(2), nullable=False)
    reason = sa.Column(sa.String(16), nullable=False)
    state = sa.Column(sa.String(8), nullable=False, default="waiting")
    taken_by = sa.Column(sa.Integer, sa.ForeignKey("staff_accounts.id"))
    taken_at = sa.Column(sa.DateTime)
    closed_by = sa.Column(sa.Integer, sa.ForeignKey("staff_accounts.id"))
    closed_at = sa.Column(sa.DateTime)


class HandoffReply(Base):
    __tablename__ = "handoff_replies"
    __table_args__ = (sa.Index("ix_handoff_replies_handoff_delivered", "handoff_id", "delivered_at"),)

    id = sa.Column(sa.Integer, primary_key=True)
    handoff_id = sa.Column(sa.Integer, sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    account_id = sa.Column(sa.Integer, sa.ForeignKey("staff_accounts.id"), nullable=False)
    text = sa.Column(sa.Text, nullable=False)
    delivered_at = sa.Column(sa.DateTime)
