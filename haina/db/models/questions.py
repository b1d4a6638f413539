"""The question log behind the staff console's unanswered-questions loop.

Only the redacted text is stored: build rows with `QuestionLog.record(...)`, which applies
haina.privacy.redact and hash_sender, rather than setting `text` yourself.
"""

from __future__ import annotations

import sqlalchemy as sa

from haina.db.models.base import Base, one_of, utcnow
from haina.privacy import hash_sender, redact

QUESTION_OUTCOMES: tuple[str, ...] = ("answered", "suggested", "fallback", "low_confidence")


class QuestionLog(Base):
    __tablename__ = "question_log"
    __table_args__ = (
        one_of("outcome", QUESTION_OUTCOMES, "outcome"),
        sa.Index("ix_question_log_outcome_created", "outcome", "created_at"),
        sa.Index("ix_question_log_topic_created", "topic", "created_at"),
        sa.Index("ix_question_log_language_created", "language", "created_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    sender_hash = sa.Column(sa.String(64))
    channel = sa.Column(sa.String(32))
    language = sa.Column(sa.String(2))
    text = sa.Column(sa.Text, nullable=False)  # redacted
    intent = sa.Column(sa.String(100))
    confidence = sa.Column(sa.Float)
    topic = sa.Column(sa.String(60))
    answer_id = sa.Column(sa.String(120), index=True)
    outcome = sa.Column(sa.String(16), nullable=False)

    @classmethod
    def record(cls, *, text: str, outcome: str, sender_id: str | None = None, channel: str | None = None,
               language: str | None = None, intent: str | None = None, confidence: float | None = None,
               topic: str | None = None, answer_id: str | None = None) -> "QuestionLog":
        """A new row with the text redacted and the sender hashed (add it to a session to store it)."""
        if outcome not in QUESTION_OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        return cls(text=redact(text), outcome=outcome, sender_hash=hash_sender(sender_id) if sender_id else None,
                   channel=channel, language=language, intent=intent, confidence=confidence, topic=topic,
                   answer_id=answer_id)
