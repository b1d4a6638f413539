"""'Did this help?' answers, per article and language, for the content team's reports."""

from __future__ import annotations

import sqlalchemy as sa

from haina.db.models.base import Base, utcnow


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        sa.Index("ix_feedback_article_language_created", "article_id", "language", "created_at"),
        sa.Index("ix_feedback_language_created", "language", "created_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    article_id = sa.Column(sa.String(120), nullable=False)
    language = sa.Column(sa.String(2), nullable=False)
    helpful = sa.Column(sa.Boolean, nullable=False)
    channel = sa.Column(sa.String(32))
    sender_hash = sa.Column(sa.String(64))  # haina.privacy.hash_sender
