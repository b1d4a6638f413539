"""Human handoff actions: queue the conversation and pause the bot, deliver staff replies, hand back.

- action_handoff: the user asked for a person (intent request_human, any language).
- action_handoff_after_failures: runs after the knowledge answer to a not-understood message and
  hands off when the assistant has now failed twice in a row (haina.handoff.failures).
- action_staff_joined / action_deliver_staff_reply / action_hand_back: run by the staff console
  through Rasa's `POST /conversations/<id>/execute?output_channel=latest`, so their messages reach
  the user in the channel they used (socket.io room of the web chat, WeChat customer-service message).

Pausing is Rasa's own ConversationPaused event: the processor stops predicting while the tracker is
paused, but still parses and stores every user message. ConversationResumed (and an action_listen, so
the rules see the next message as a fresh turn) gives the conversation back to the assistant.
Channels that cannot be pushed to (REST) are not queued: the user is told how to reach a person.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, ConversationResumed, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import conversation_language, input_channel
from haina import i18n

logger = logging.getLogger(__name__)


def _say(dispatcher: CollectingDispatcher, key: str, language: str, **values: Any) -> None:
    """A text from bot/strings; the key travels in the message's metadata for the console's Chinese view."""
    dispatcher.utter_message(text=i18n.t(key, language, **values), haina_key=key, haina_values=values or None)


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[EventType]:
    """Queue the conversation for staff and pause the bot, or say how to reach a person."""
    from haina.handoff import queue

    language = conversation_language(tracker)
    channel = input_channel(tracker)
    if reason == "failures":
        _say(dispatcher, "handoff.failed_twice", language)
    if not queue.can_push(channel):
        dispatcher.utter_message(response="utter_request_human")
        return []
    try:
        queue.request(tracker.sender_id, channel, language, reason)
    except Exception as failure:  # the queue is down: the user still learns how to reach a person
        logger.warning("handoff not queued: %s", type(failure).__name__)
        dispatcher.utter_message(response="utter_request_human")
        return []
    _say(dispatcher, "handoff.queued", language)
    return [ConversationPaused()]


class ActionHandoff(Action):
    """The user asked for a person."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        return hand_off(dispatcher, tracker, "asked")


class ActionHandoffAfterFailures(Action):
    """After a not-understood message: the second failure in a row hands the conversation to staff."""

    def name(self) -> Text:
        return "action_handoff_after_failures"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        from haina.handoff.failures import should_hand_off

        if not should_hand_off(tracker.events):
            return []
        return hand_off(dispatcher, tracker, "failures")


class ActionStaffJoined(Action):
    """Tells the waiting user that a person has taken the conversation (run by the console)."""

    def name(self) -> Text:
        return "action_staff_joined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        _say(dispatcher, "handoff.joined", conversation_language(tracker))
        return []


class ActionDeliverStaffReply(Action):
    """Sends the staff's undelivered replies of this conversation and marks them delivered."""

    def name(self) -> Text:
        return "action_deliver_staff_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        from haina.handoff import queue

        language = conversation_language(tracker)
        pending = queue.pending_replies(tracker.sender_id)
        for _, text in pending:
            dispatcher.utter_message(text=i18n.t("handoff.staff_reply", language, text=text), haina_staff=True)
        queue.mark_delivered(reply_id for reply_id, _ in pending)
        return []


class ActionHandBack(Action):
    """Gives the conversation back to the assistant (run by the console when the agent hands back)."""

    def name(self) -> Text:
        return "action_hand_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        _say(dispatcher, "handoff.handed_back", conversation_language(tracker))
        return [ConversationResumed(), ActionExecuted("action_listen")]
