"""The permit-status form: asks for the application number, then for a passport number or date of
birth, and only then tells the status (haina.permits does the reading, the lookup, the lockout and
the wording).

Slots hold the normalised application number and the KIND of verification given, never a passport
number or a date of birth: action_permit_status reads the value again from the message that
completed the form (the same turn) and the tracker store (haina/tracker_store.py) masks it before
the conversation is saved.

A message that is neither an answer to the question nor "stop" (a question on another topic) makes
the form extract nothing: Rasa rejects the form, the question is answered by its own rule, and the
form asks its question again. "Stop" in any language is the `deny` intent (bot/data/permits.yml).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from haina import i18n
from haina.languages import DEFAULT_LANGUAGE, normalise
from haina.permits import identifiers, lookup
from haina.permits.explain import locked_message, render_status

NUMBER, VERIFICATION, REQUESTED = "permit_application_number", "permit_verification", "requested_slot"
INVALID = "invalid"  # the user answered, but not with something we can read
ANSWER_INTENTS = {"inform", "check_permit_status", "nlu_fallback"}
CONFIDENT = 0.6  # below this, a message during the form counts as an attempt to answer


def _language(tracker: Tracker) -> str:
    return normalise(tracker.get_slot("language")) or DEFAULT_LANGUAGE


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _meant_as_answer(tracker: Tracker) -> bool:
    """Whether the message answers the form's question (rather than asking something else)."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    if intent.get("name") == "deny":
        return False
    return (intent.get("name") in ANSWER_INTENTS or float(intent.get("confidence") or 0.0) < CONFIDENT
            or identifiers.looks_like_a_number(_text(tracker)))


def _reset() -> List[EventType]:
    return [SlotSet(NUMBER, None), SlotSet(VERIFICATION, None)]


class ValidatePermitStatusForm(FormValidationAction):
    """Reads the answers of the form from the message text and checks them."""

    def name(self) -> Text:
        return "validate_permit_status_form"

    async def extract_permit_application_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        number = identifiers.application_number(_text(tracker))
        if number:
            return {NUMBER: number}
        if tracker.get_slot(REQUESTED) == NUMBER and _meant_as_answer(tracker):
            return {NUMBER: INVALID}
        return {}

    async def extract_permit_verification(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        requested = tracker.get_slot(REQUESTED)
        # Only from the message that answers it, or that also holds the number: the lookup reads the
        # value again from the message that completes the form.
        same_message = identifiers.application_number(_text(tracker)) is not None
        if requested != VERIFICATION and not same_message:
            return {}
        found = identifiers.verification(_text(tracker))
        if found:
            return {VERIFICATION: found.method}
        if requested == VERIFICATION and _meant_as_answer(tracker):
            return {VERIFICATION: INVALID}
        return {}

    async def validate_permit_application_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        language = _language(tracker)
        if value == INVALID or not isinstance(value, str):
            dispatcher.utter_message(text=i18n.t("permit.number_invalid", language))
            return {NUMBER: None}
        until = lookup.check_lock(tracker.sender_id, value)
        if until is not None:
            dispatcher.utter_message(text=locked_message(until, language))
            return {NUMBER: None, VERIFICATION: None, REQUESTED: None}
        return {NUMBER: value}

    async def validate_permit_verification(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot(NUMBER) is None:
            return {VERIFICATION: None}
        if value not in (identifiers.PASSPORT_NUMBER, identifiers.DATE_OF_BIRTH):
            dispatcher.utter_message(text=i18n.t("permit.verification_invalid", _language(tracker)))
            return {VERIFICATION: None}
        return {VERIFICATION: value}


class ActionPermitStatus(Action):
    """Runs when the form is complete: the lookup, then the status or the one failure answer."""

    def name(self) -> Text:
        return "action_permit_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        number = tracker.get_slot(NUMBER)
        verification = identifiers.verification(_text(tracker))
        if not number or not tracker.get_slot(VERIFICATION) or verification is None:
            return _reset()  # the form stopped early (lockout); its message was already sent
        language = _language(tracker)
        result = lookup.look_up(number, verification, tracker.sender_id)
        if result.outcome == lookup.FOUND and result.status:
            dispatcher.utter_message(text=render_status(result.status, language))
        elif result.outcome == lookup.LOCKED and result.locked_until:
            dispatcher.utter_message(text=locked_message(result.locked_until, language))
        else:
            dispatcher.utter_message(text=i18n.t("permit.not_verified", language))
        return _reset()


class ActionPermitStatusCancel(Action):
    """'Stop' during the form: end it and forget what was given."""

    def name(self) -> Text:
        return "action_permit_status_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=i18n.t("permit.cancelled", _language(tracker)))
        return [ActiveLoop(None), SlotSet(REQUESTED, None), *_reset()]
