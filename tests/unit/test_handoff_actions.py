"""The handoff actions with a CollectingDispatcher and trackers like Rasa sends them: asking for a
person queues the conversation and pauses the bot (in the user's language), the second failure in a
row does the same, REST users are told how to reach a person instead, staff replies are delivered once,
and handing back resumes the bot."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import (
    ActionDeliverStaffReply, ActionHandBack, ActionHandoff, ActionHandoffAfterFailures, ActionStaffJoined,
)
from haina import i18n
from haina.handoff import queue
from haina.handoff.failures import failures_in_a_row, should_hand_off
from haina.languages import LANGUAGES
from tests.unit.test_staff_helpers import cheap_hashing, make_staff, seeded_template, staff_db  # noqa: F401


def user(text: str, intent: str = "nlu_fallback", channel: str = "socketio") -> dict[str, Any]:
    return {"event": "user", "text": text, "input_channel": channel,
            "parse_data": {"intent": {"name": intent, "confidence": 0.2}, "entities": []}}


def bot(response: str | None, text: str = "…") -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"utter_action": response} if response else {}}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def not_understood(text: str) -> list[dict[str, Any]]:
    return [action("action_listen"), user(text), action("action_answer_question"), bot("utter_not_sure"),
            action("action_handoff_after_failures")]


def tracker(events: list[dict[str, Any]], language: str = "en", channel: str = "socketio",
            sender: str = "web-user") -> Tracker:
    latest = next((e for e in reversed(events) if e["event"] == "user"), user("", channel=channel))
    latest = {**latest, "input_channel": channel}
    events = [({**e, "input_channel": channel} if e["event"] == "user" else e) for e in events]
    return Tracker(sender, {"language": language}, {**latest["parse_data"], "text": latest["text"]}, events, False,
                   None, {}, "action_listen")


async def run(action_class, events, **kwargs) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = await action_class().run(dispatcher, tracker(events, **kwargs), {})
    return dispatcher, result


def test_failures_are_counted_back_from_the_latest_turn():
    one = not_understood("blorf")[:-1]
    assert failures_in_a_row(one) == 1 and not should_hand_off(one)
    two = not_understood("blorf") + not_understood("wibble")[:-1]
    assert failures_in_a_row(two) == 2 and should_hand_off(two)
    answered_between = not_understood("blorf") + [action("action_listen"), user("hi", "greet"), action("utter_greet"),
                                                  bot("utter_greet")] + not_understood("wibble")
    assert failures_in_a_row(answered_between) == 1
    defaults = [user("a"), action("action_answer_question"), bot("utter_default"),
                user("b"), action("action_default_fallback"), bot("utter_default")]
    assert should_hand_off(defaults)
    out_of_scope = [user("a", "out_of_scope"), bot("utter_out_of_scope")] * 2
    assert failures_in_a_row(out_of_scope) == 0


def test_counting_starts_afresh_after_a_handoff_and_after_a_hand_back():
    handed = not_understood("a") + not_understood("b") + [{"event": "pause"}] + not_understood("c")[:-1]
    assert failures_in_a_row(handed) == 1
    back = not_understood("a") + [action("action_hand_back"), {"event": "resume"}] + not_understood("b")[:-1]
    assert failures_in_a_row(back) == 1


@pytest.mark.parametrize("language", LANGUAGES)
async def test_asking_for_a_person_queues_and_pauses_in_the_users_language(staff_db, language):
    dispatcher, events = await run(ActionHandoff, [action("action_listen"), user("human please", "request_human")],
                                   language=language)
    assert events == [{"event": "pause", "timestamp": None}]
    assert [m["text"] for m in dispatcher.messages] == [i18n.t("handoff.queued", language)]
    assert dispatcher.messages[0]["haina_key"] == "handoff.queued"
    [waiting] = queue.listing(url=staff_db)
    assert (waiting.sender_id, waiting.channel, waiting.language, waiting.reason, waiting.state) == (
        "web-user", "socketio", language, "asked", "waiting")


async def test_the_second_failure_in_a_row_hands_off(staff_db):
    first = not_understood("blorf")[:-1]
    dispatcher, events = await run(ActionHandoffAfterFailures, first, language="de")
    assert events == [] and dispatcher.messages == [] and queue.listing(url=staff_db) == []
    second = not_understood("blorf") + not_understood("wibble")[:-1]
    dispatcher, events = await run(ActionHandoffAfterFailures, second, language="de")
    assert events == [{"event": "pause", "timestamp": None}]
    assert [m["text"] for m in dispatcher.messages] == [i18n.t("handoff.failed_twice", "de"),
                                                        i18n.t("handoff.queued", "de")]
    assert queue.listing(url=staff_db)[0].reason == "failures"


async def test_rest_users_are_told_how_to_reach_a_person_and_not_queued(staff_db):
    dispatcher, events = await run(ActionHandoff, [user("agent please", "request_human")], channel="rest")
    assert events == [] and [m["response"] for m in dispatcher.messages] == ["utter_request_human"]
    assert queue.listing(url=staff_db) == []


async def test_a_broken_queue_still_tells_the_user_how_to_reach_a_person(monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    monkeypatch.setenv("HAINA_DATABASE_URL", f"sqlite:///{tmp_path / 'a-file' / 'haina.db'}")  # cannot be opened
    dispatcher, events = await run(ActionHandoff, [user("human", "request_human")])
    assert events == [] and dispatcher.messages[-1]["response"] == "utter_request_human"


async def test_staff_replies_are_delivered_once_in_order(staff_db):
    agent = make_staff(staff_db, "alice", "agent")
    handoff, _ = queue.request("web-user", "socketio", "ko", "asked", url=staff_db)
    queue.take(handoff.id, agent, url=staff_db)
    queue.add_reply(handoff.id, agent, "안녕하세요, 상담원입니다.", url=staff_db)
    queue.add_reply(handoff.id, agent, "무엇을 도와드릴까요?", url=staff_db)
    dispatcher, events = await run(ActionDeliverStaffReply, [], language="ko")
    assert [m["text"] for m in dispatcher.messages] == [
        i18n.t("handoff.staff_reply", "ko", text="안녕하세요, 상담원입니다."),
        i18n.t("handoff.staff_reply", "ko", text="무엇을 도와드릴까요?")]
    assert all(m["haina_staff"] for m in dispatcher.messages) and events == []
    again, _ = await run(ActionDeliverStaffReply, [], language="ko")
    assert again.messages == []


async def test_joining_and_handing_back_tell_the_user_and_resume_the_bot():
    joined, events = await run(ActionStaffJoined, [], language="ru")
    assert joined.messages[0]["text"] == i18n.t("handoff.joined", "ru") and events == []
    back, events = await run(ActionHandBack, [], language="es")
    assert back.messages[0]["text"] == i18n.t("handoff.handed_back", "es")
    assert [e["event"] for e in events] == ["resume", "action"] and events[1]["name"] == "action_listen"


def test_handoff_texts_promise_no_time():
    for language in LANGUAGES:
        text = i18n.t("handoff.queued", language)
        assert not any(ch.isdigit() for ch in text), language
