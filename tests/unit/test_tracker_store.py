"""The tracker store's conversation cache: the same conversations as Rasa's SQL store reads from
the database, without reading them again each turn, and never stale when someone else writes."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from haina.conversation_cache import ConversationCache, latest_session
from haina.tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}},
                           "intents": ["greet"]})


def _stores(tmp_path, **kwargs):
    db = str(tmp_path / "tracker.db")
    return (RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, **kwargs),
            SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db))


def _user(text, at):
    return UserUttered(text, {"name": "greet", "confidence": 0.9}, timestamp=at)


def _dump(tracker):
    return None if tracker is None else [e.as_dict() for e in tracker.events]


async def _turn(store, sender, text, at, extra=()):
    tracker = await store.get_or_create_tracker(sender)
    for event in (_user(text, at), *extra, ActionExecuted("utter_greet", timestamp=at + 0.1),
                  BotUttered("hi", timestamp=at + 0.2), ActionExecuted("action_listen", timestamp=at + 0.3)):
        tracker.update(event)
    await store.save(tracker)


async def test_reads_the_same_conversation_as_rasas_store_across_sessions(tmp_path):
    ours, rasas = _stores(tmp_path)
    await _turn(ours, "a", "hello", 10.0, [SlotSet("language", "fr", timestamp=10.05)])
    await _turn(ours, "a", "my passport E12345678", 20.0)
    assert _dump(await ours.retrieve("a")) == _dump(await rasas.retrieve("a"))
    # a new session: Rasa's store then returns only what follows the last SessionStarted
    await _turn(ours, "a", "again", 30.0, [ActionExecuted("action_session_start", timestamp=30.01),
                                           SessionStarted(timestamp=30.02), SlotSet("language", "de", timestamp=30.03)])
    await _turn(ours, "a", "and more", 40.0)
    cached, read = await ours.retrieve("a"), await rasas.retrieve("a")
    assert _dump(cached) == _dump(read)
    assert cached.get_slot("language") == "de" and cached.events[0].timestamp >= 30.02
    assert "E12345678" not in str(_dump(await ours.retrieve_full_tracker("a")))
    assert await ours.retrieve("nobody") is None


async def test_a_turn_served_from_the_cache_does_not_read_the_events_again(tmp_path, monkeypatch):
    ours, _ = _stores(tmp_path)
    await _turn(ours, "b", "hello", 10.0)
    await ours.retrieve("b")  # filled by the read after the first save? either way, from now on cached

    def no_read(*args, **kwargs):
        raise AssertionError("the session was read from the database again")

    monkeypatch.setattr(ours, "_stored_session", no_read)
    monkeypatch.setattr(ours, "_event_query", no_read)
    await _turn(ours, "b", "second", 20.0)
    tracker = await ours.retrieve("b")
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hello", "second"]


async def test_rows_written_by_another_store_make_the_entry_stale(tmp_path):
    ours, rasas = _stores(tmp_path)
    await _turn(ours, "c", "hello", 10.0)
    await ours.retrieve("c")
    await _turn(rasas, "c", "written elsewhere", 20.0)  # another process, same database
    assert _dump(await ours.retrieve("c")) == _dump(await rasas.retrieve("c"))
    await _turn(ours, "c", "back here", 30.0)  # and the next save appends after the foreign rows
    texts = [e.text for e in (await rasas.retrieve("c")).events if isinstance(e, UserUttered)]
    assert texts == ["hello", "written elsewhere", "back here"]


async def test_an_unsaved_change_to_a_retrieved_tracker_is_not_seen_later(tmp_path):
    ours, _ = _stores(tmp_path)
    await _turn(ours, "d", "hello", 10.0)
    tracker = await ours.retrieve("d")
    tracker.update(_user("a turn that failed before it was saved", 20.0))
    assert len((await ours.retrieve("d")).events) == len(tracker.events) - 1


@pytest.mark.parametrize("capacity", [0, 1])
async def test_a_small_or_disabled_cache_still_gives_every_conversation(tmp_path, capacity):
    ours, rasas = _stores(tmp_path, conversation_cache=capacity)
    for sender in ("e", "f", "e", "f"):
        await _turn(ours, sender, f"to {sender}", 10.0)
    assert len(ours.cache) == capacity
    for sender in ("e", "f"):
        assert _dump(await ours.retrieve(sender)) == _dump(await rasas.retrieve(sender))
        assert [e.text for e in (await ours.retrieve(sender)).events if isinstance(e, UserUttered)] == [f"to {sender}"] * 2


def test_the_cache_drops_the_least_recently_used_conversation():
    cache = ConversationCache(2)
    cache.put("x", (1, 1), [])
    cache.put("y", (1, 2), [])
    cache.get("x")
    cache.put("z", (1, 3), [])
    assert cache.get("y") is None and cache.get("x") is not None and cache.get("z") is not None


def test_latest_session_starts_at_the_last_session_started():
    events = [ActionExecuted("action_listen", timestamp=1.0), SessionStarted(timestamp=2.0),
              BotUttered("a", timestamp=3.0), SessionStarted(timestamp=4.0), BotUttered("b", timestamp=5.0)]
    assert latest_session(events) == events[3:]
    assert latest_session(events[:1]) == events[:1]
    DialogueStateTracker.from_events("s", latest_session(events), DOMAIN.slots)
