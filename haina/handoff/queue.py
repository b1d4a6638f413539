"""The handoff queue in the application database: waiting -> taken -> closed, with who and when.

A conversation has at most one open (waiting or taken) handoff: asking again while waiting joins
the same one (a partial unique index guards it). Taking is a conditional UPDATE, so when two agents
click at once exactly one gets the conversation. Only the agent who took a conversation replies in it;
that agent or a supervisor hands it back. Replies are rows that the action server delivers to the
user's channel and marks delivered.

Channels that can receive a message the user did not ask for right then: the web chat (socket.io)
and WeChat (customer-service messages). The REST channel cannot be pushed to, so REST conversations
are not queued (actions/handoff.py tells the user how to reach a person instead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from haina import db
from haina.db.models import HANDOFF_REASONS, Handoff, HandoffReply, StaffAccount, utcnow
from haina.staff.accounts import Staff

PUSH_CHANNELS: tuple[str, ...] = ("socketio", "wechat")
TRANSITIONS: dict[str, tuple[str, ...]] = {"waiting": ("taken",), "taken": ("closed",), "closed": ()}
MAX_REPLY = 1000  # characters; the web server takes bodies up to 16 KB, and WeChat texts are short


class QueueError(ValueError):
    """A queue operation that is not allowed now; `key` is its text in bot/strings/staff.yml."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class HandoffView:
    id: int
    created_at: dt.datetime
    sender_id: str
    channel: str
    language: str
    reason: str
    state: str
    taken_by: str | None = None
    taken_at: dt.datetime | None = None
    closed_by: str | None = None
    closed_at: dt.datetime | None = None
    taken_by_id: int | None = None

    @property
    def can_push(self) -> bool:
        return can_push(self.channel)


@dataclass(frozen=True)
class Reply:
    id: int
    created_at: dt.datetime
    username: str
    text: str
    delivered_at: dt.datetime | None


def can_push(channel: str | None) -> bool:
    """Whether staff replies can reach a user of this channel without the user writing first."""
    return channel in PUSH_CHANNELS


def _select() -> sa.sql.Select:
    taker, closer = aliased(StaffAccount), aliased(StaffAccount)
    return (sa.select(Handoff, taker.username, closer.username)
            .outerjoin(taker, taker.id == Handoff.taken_by).outerjoin(closer, closer.id == Handoff.closed_by))


def _view(row: Handoff, taker: str | None, closer: str | None) -> HandoffView:
    return HandoffView(row.id, row.created_at, row.sender_id, row.channel, row.language, row.reason, row.state,
                       taker, row.taken_at, closer, row.closed_at, row.taken_by)


def request(sender_id: str, channel: str, language: str, reason: str, url: str | None = None,
            now: dt.datetime | None = None) -> tuple[HandoffView, bool]:
    """Queue a conversation (or find its open handoff): (the handoff, whether it is new)."""
    if reason not in HANDOFF_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    db.ensure_ready(url)
    found = open_for(sender_id, url)
    if found:
        return found, False
    try:
        with db.session_scope(url) as session:
            row = Handoff(sender_id=sender_id, channel=channel, language=language, reason=reason, state="waiting",
                          created_at=now or utcnow())
            session.add(row)
            session.flush()
            created = _view(row, None, None)
        return created, True
    except IntegrityError:  # asked twice at the same moment: the other request queued it
        again = open_for(sender_id, url)
        if again is None:
            raise
        return again, False


def open_for(sender_id: str, url: str | None = None) -> HandoffView | None:
    """The waiting or taken handoff of a conversation, if any."""
    with db.session_scope(url) as session:
        found = session.execute(_select().where(Handoff.sender_id == sender_id, Handoff.state != "closed")).first()
        return _view(*found) if found else None


def get(handoff_id: int, url: str | None = None) -> HandoffView | None:
    with db.session_scope(url) as session:
        found = session.execute(_select().where(Handoff.id == handoff_id)).first()
        return _view(*found) if found else None


def listing(states: Iterable[str] = ("waiting", "taken"), limit: int = 200, url: str | None = None) -> list[HandoffView]:
    """Handoffs in these states: waiting ones oldest first (who waited longest comes first), then the rest."""
    with db.session_scope(url) as session:
        rows = session.execute(_select().where(Handoff.state.in_(tuple(states)))
                               .order_by(sa.case((Handoff.state == "waiting", 0), else_=1), Handoff.created_at)
                               .limit(limit)).all()
        return [_view(*r) for r in rows]


def _move(session: sa.orm.Session, handoff_id: int, source: str, target: str, values: dict,
          extra: sa.sql.ColumnElement | None = None) -> bool:
    if target not in TRANSITIONS[source]:
        raise QueueError("staff.queue.not_allowed")
    conditions = [Handoff.id == handoff_id, Handoff.state == source]
    if extra is not None:
        conditions.append(extra)
    done = session.execute(sa.update(Handoff).where(*conditions).values(state=target, **values)
                           .execution_options(synchronize_session=False))
    return done.rowcount == 1


def take(handoff_id: int, staff: Staff, url: str | None = None, now: dt.datetime | None = None) -> HandoffView:
    """waiting -> taken by this staff member (exactly one of several at once succeeds)."""
    with db.session_scope(url) as session:
        if not _move(session, handoff_id, "waiting", "taken", {"taken_by": staff.id, "taken_at": now or utcnow()}):
            raise QueueError("staff.queue.already_taken")
    return get(handoff_id, url)  # type: ignore[return-value]


def close(handoff_id: int, staff: Staff, url: str | None = None, now: dt.datetime | None = None) -> HandoffView:
    """taken -> closed (handed back to the assistant) by the agent who took it, or by a supervisor."""
    allowed = None if staff.role == "supervisor" else Handoff.taken_by == staff.id
    with db.session_scope(url) as session:
        if not _move(session, handoff_id, "taken", "closed", {"closed_by": staff.id, "closed_at": now or utcnow()},
                     allowed):
            raise QueueError("staff.queue.not_yours")
    return get(handoff_id, url)  # type: ignore[return-value]


def check_can_close(handoff: HandoffView, staff: Staff) -> None:
    """Raise QueueError when this staff member may not hand the conversation back now."""
    if handoff.state != "taken":
        raise QueueError("staff.queue.not_allowed")
    if staff.role != "supervisor" and handoff.taken_by_id != staff.id:
        raise QueueError("staff.queue.not_yours")


def add_reply(handoff_id: int, staff: Staff, text: str, url: str | None = None,
              now: dt.datetime | None = None) -> int:
    """Keep a reply of the agent who took the conversation, to be delivered; returns its id."""
    text = (text or "").strip()
    if not text:
        raise QueueError("staff.queue.reply_empty")
    if len(text) > MAX_REPLY:
        raise QueueError("staff.queue.reply_long")
    with db.session_scope(url) as session:
        row = session.get(Handoff, handoff_id)
        if row is None or row.state != "taken" or row.taken_by != staff.id:
            raise QueueError("staff.queue.not_yours")
        if not can_push(row.channel):
            raise QueueError("staff.queue.cannot_push")
        reply = HandoffReply(handoff_id=handoff_id, account_id=staff.id, text=text, created_at=now or utcnow())
        session.add(reply)
        session.flush()
        return int(reply.id)


def pending_replies(sender_id: str, url: str | None = None) -> list[tuple[int, str]]:
    """(id, text) of the undelivered replies in the conversation's open handoff, oldest first."""
    db.ensure_ready(url)
    with db.session_scope(url) as session:
        rows = session.execute(
            sa.select(HandoffReply.id, HandoffReply.text).join(Handoff, Handoff.id == HandoffReply.handoff_id)
            .where(Handoff.sender_id == sender_id, Handoff.state == "taken", HandoffReply.delivered_at.is_(None))
            .order_by(HandoffReply.id)
        ).all()
        return [(int(i), str(t)) for i, t in rows]


def mark_delivered(reply_ids: Iterable[int], url: str | None = None, now: dt.datetime | None = None) -> None:
    ids = list(reply_ids)
    if not ids:
        return
    with db.session_scope(url) as session:
        session.execute(sa.update(HandoffReply).where(HandoffReply.id.in_(ids), HandoffReply.delivered_at.is_(None))
                        .values(delivered_at=now or utcnow()))


def replies(handoff_id: int, url: str | None = None) -> list[Reply]:
    with db.session_scope(url) as session:
        rows = session.execute(
            sa.select(HandoffReply, StaffAccount.username).join(StaffAccount, StaffAccount.id == HandoffReply.account_id)
            .where(HandoffReply.handoff_id == handoff_id).order_by(HandoffReply.id)
        ).all()
        return [Reply(r.id, r.created_at, name, r.text, r.delivered_at) for r, name in rows]


def counts(url: str | None = None) -> dict[str, int]:
    """How many handoffs are waiting and taken now (for the console's menu)."""
    with db.session_scope(url) as session:
        rows = session.execute(sa.select(Handoff.state, sa.func.count()).where(Handoff.state != "closed")
                               .group_by(Handoff.state)).all()
    found = {"waiting": 0, "taken": 0}
    found.update({state: int(n) for state, n in rows})
    return found
