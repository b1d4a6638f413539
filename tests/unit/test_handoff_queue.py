"""The handoff queue's states: waiting -> taken -> closed with who and when, one open handoff per
conversation, exactly one of two agents gets a conversation, only the taker replies, the taker or a
supervisor hands back, replies wait until they are delivered."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from haina.handoff import queue
from haina.handoff.queue import QueueError
from tests.unit.test_staff_helpers import cheap_hashing, make_staff, seeded_template, staff_db  # noqa: F401

T0 = dt.datetime(2026, 12, 1, 8, 0)


@pytest.fixture
def people(staff_db):
    return {name: make_staff(staff_db, name, role) for name, role in
            (("alice", "agent"), ("bob", "agent"), ("sue", "supervisor"))}


def test_waiting_then_taken_then_closed_with_who_and_when(staff_db, people):
    handoff, new = queue.request("user-1", "socketio", "ja", "asked", url=staff_db, now=T0)
    assert new and handoff.state == "waiting" and handoff.language == "ja" and handoff.created_at == T0
    taken = queue.take(handoff.id, people["alice"], url=staff_db, now=T0 + dt.timedelta(minutes=3))
    assert (taken.state, taken.taken_by, taken.taken_at) == ("taken", "alice", T0 + dt.timedelta(minutes=3))
    closed = queue.close(handoff.id, people["alice"], url=staff_db, now=T0 + dt.timedelta(minutes=9))
    assert (closed.state, closed.closed_by, closed.closed_at) == ("closed", "alice", T0 + dt.timedelta(minutes=9))
    assert closed.taken_by == "alice"
    assert queue.listing(url=staff_db) == []


def test_asking_again_joins_the_open_handoff_and_a_closed_one_allows_a_new_one(staff_db, people):
    first, _ = queue.request("user-1", "socketio", "en", "asked", url=staff_db)
    again, new = queue.request("user-1", "socketio", "en", "failures", url=staff_db)
    assert not new and again.id == first.id and again.reason == "asked"
    queue.take(first.id, people["alice"], url=staff_db)
    assert queue.request("user-1", "socketio", "en", "asked", url=staff_db)[0].id == first.id
    queue.close(first.id, people["alice"], url=staff_db)
    later, new = queue.request("user-1", "socketio", "en", "asked", url=staff_db)
    assert new and later.id != first.id


def test_no_state_is_skipped_or_revisited(staff_db, people):
    handoff, _ = queue.request("user-1", "wechat", "zh", "asked", url=staff_db)
    with pytest.raises(QueueError) as refused:
        queue.close(handoff.id, people["sue"], url=staff_db)  # waiting -> closed is not a transition
    assert refused.value.key == "staff.queue.not_yours"
    queue.take(handoff.id, people["alice"], url=staff_db)
    with pytest.raises(QueueError):
        queue.take(handoff.id, people["bob"], url=staff_db)
    queue.close(handoff.id, people["alice"], url=staff_db)
    for move in (queue.take, queue.close):
        with pytest.raises(QueueError):
            move(handoff.id, people["sue"], url=staff_db)
    assert queue.get(handoff.id, staff_db).state == "closed"
    assert queue.TRANSITIONS == {"waiting": ("taken",), "taken": ("closed",), "closed": ()}


def test_two_agents_taking_at_once_get_one_conversation_between_them(staff_db, people):
    handoff, _ = queue.request("user-1", "socketio", "en", "asked", url=staff_db)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def grab(name: str) -> None:
        barrier.wait()
        try:
            queue.take(handoff.id, people[name], url=staff_db)
            results.append(name)
        except QueueError:
            results.append("refused")

    threads = [threading.Thread(target=grab, args=(n,)) for n in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[1] == "refused" and queue.get(handoff.id, staff_db).taken_by in ("alice", "bob")


def test_only_the_taker_replies_and_the_taker_or_a_supervisor_hands_back(staff_db, people):
    handoff, _ = queue.request("user-1", "socketio", "en", "asked", url=staff_db)
    with pytest.raises(QueueError):
        queue.add_reply(handoff.id, people["alice"], "hello", url=staff_db)  # not taken yet
    queue.take(handoff.id, people["alice"], url=staff_db)
    with pytest.raises(QueueError) as refused:
        queue.add_reply(handoff.id, people["bob"], "hello", url=staff_db)
    assert refused.value.key == "staff.queue.not_yours"
    with pytest.raises(QueueError):
        queue.close(handoff.id, people["bob"], url=staff_db)
    for text, key in (("  ", "staff.queue.reply_empty"), ("x" * 1001, "staff.queue.reply_long")):
        with pytest.raises(QueueError) as refused:
            queue.add_reply(handoff.id, people["alice"], text, url=staff_db)
        assert refused.value.key == key
    queue.check_can_close(queue.get(handoff.id, staff_db), people["sue"])
    assert queue.close(handoff.id, people["sue"], url=staff_db).closed_by == "sue"


def test_replies_wait_until_delivered_and_only_for_the_open_handoff(staff_db, people):
    handoff, _ = queue.request("user-1", "socketio", "en", "asked", url=staff_db)
    queue.take(handoff.id, people["alice"], url=staff_db)
    first = queue.add_reply(handoff.id, people["alice"], "Hello, this is Alice.", url=staff_db)
    second = queue.add_reply(handoff.id, people["alice"], "One moment please.", url=staff_db)
    assert queue.pending_replies("user-1", staff_db) == [(first, "Hello, this is Alice."), (second, "One moment please.")]
    assert queue.pending_replies("someone-else", staff_db) == []
    queue.mark_delivered([first], url=staff_db, now=T0)
    assert queue.pending_replies("user-1", staff_db) == [(second, "One moment please.")]
    replies = queue.replies(handoff.id, staff_db)
    assert [(r.username, r.delivered_at) for r in replies] == [("alice", T0), ("alice", None)]
    queue.close(handoff.id, people["alice"], url=staff_db)
    assert queue.pending_replies("user-1", staff_db) == []  # never sent after the hand-back


def test_a_channel_that_cannot_be_pushed_to_takes_no_replies(staff_db, people):
    handoff, _ = queue.request("rest-user", "rest", "en", "asked", url=staff_db)
    queue.take(handoff.id, people["alice"], url=staff_db)
    assert not handoff.can_push and queue.can_push("socketio") and queue.can_push("wechat")
    with pytest.raises(QueueError) as refused:
        queue.add_reply(handoff.id, people["alice"], "hello", url=staff_db)
    assert refused.value.key == "staff.queue.cannot_push"


def test_the_list_puts_who_waited_longest_first(staff_db, people):
    late, _ = queue.request("late", "socketio", "en", "asked", url=staff_db, now=T0 + dt.timedelta(minutes=5))
    early, _ = queue.request("early", "socketio", "en", "failures", url=staff_db, now=T0)
    busy, _ = queue.request("busy", "wechat", "zh", "asked", url=staff_db, now=T0 - dt.timedelta(minutes=5))
    queue.take(busy.id, people["bob"], url=staff_db)
    assert [h.sender_id for h in queue.listing(url=staff_db)] == ["early", "late", "busy"]
    assert queue.counts(staff_db) == {"waiting": 2, "taken": 1}
