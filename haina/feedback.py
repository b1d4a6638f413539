"""What users told us about the answers, for the content team and the staff console.

- `record_feedback`: one "Did this help?" answer (article id, language, channel) in `feedback`.
- `log_question`: a question that was answered with low confidence, only suggested, or not
  answered, in `question_log`; QuestionLog.record redacts the text (haina.privacy.redact) and
  hashes the sender, so neither is ever stored as typed.
- `helpfulness`: yes/no counts per article and language (what the content team looks at).

The schema and migrations belong to haina.db; this module only writes and reads rows. The
database is migrated once per process before the first write (`haina.db.ensure_ready`).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Sequence

from haina import db
from haina.db.models import QUESTION_OUTCOMES, Feedback, QuestionLog

_READY: set[str] = set()
_READY_LOCK = threading.Lock()


def _ready(url: str | None) -> str:
    target = url or db.database_url()
    with _READY_LOCK:
        if target not in _READY:
            db.ensure_ready(target)
            _READY.add(target)
    return target


def record_feedback(article_id: str, helpful: bool, *, language: str, channel: str | None = None,
                    sender_id: str | None = None, url: str | None = None) -> int:
    """Store one answer to "Did this help?"; returns the row's id."""
    from haina.privacy import hash_sender

    target = _ready(url)
    with db.session_scope(target) as session:
        row = Feedback(article_id=article_id, helpful=bool(helpful), language=language, channel=channel,
                       sender_hash=hash_sender(sender_id) if sender_id else None)
        session.add(row)
        session.flush()
        return int(row.id)


def log_question(text: str, *, reason: str, language: str | None, channel: str | None = None,
                 intent: str | None = None, confidence: float | None = None, topic: str | None = None,
                 article_id: str | None = None, candidates: Sequence[str] = (), sender_id: str | None = None,
                 url: str | None = None) -> int:
    """Keep a question staff should look at (reason: one of QUESTION_OUTCOMES); returns the row's id.

    `answer_id` is the article that was answered, or for a suggestion the first candidate offered.
    """
    if reason not in QUESTION_OUTCOMES:
        raise ValueError(f"unknown reason {reason!r}")
    target = _ready(url)
    answer = article_id or (candidates[0] if candidates else None)
    with db.session_scope(target) as session:
        row = QuestionLog.record(text=text, outcome=reason, sender_id=sender_id, channel=channel, language=language,
                                 intent=intent, confidence=confidence, topic=topic, answer_id=answer)
        session.add(row)
        session.flush()
        return int(row.id)


def helpfulness(url: str | None = None) -> dict[tuple[str, str], dict[str, int]]:
    """{(article id, language): {"yes": n, "no": m}} over all feedback."""
    target = _ready(url)
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"yes": 0, "no": 0})
    with db.session_scope(target) as session:
        for article_id, language, helpful in session.query(Feedback.article_id, Feedback.language, Feedback.helpful):
            counts[(article_id, language)]["yes" if helpful else "no"] += 1
    return dict(counts)
