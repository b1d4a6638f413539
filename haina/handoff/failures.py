"""Did the assistant fail the user twice in a row? Read from the conversation's own events.

A turn (a user message and what the assistant did before listening again) failed when the assistant
said it did not understand: `utter_default` (nothing found, or Rasa's core fallback ran) or
`utter_not_sure` ("I'm not sure I understood. Did you mean one of these?": the NLU fell back and the
knowledge search had no clear answer, only candidates). A question judged out of scope is an answer,
not a failure. Counting stops at the last handoff or hand-back and at a new session, so a conversation
handed back starts afresh.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

FAILURE_RESPONSES = frozenset({"utter_default", "utter_not_sure"})
FAILURE_ACTIONS = frozenset({"action_default_fallback"})
# Actions after which counting starts again (a handoff was made or ended).
RESET_ACTIONS = frozenset({"action_handoff", "action_hand_back"})  # a handoff also leaves a "pause" event
NEEDED = 2


def _turns(events: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """The events after the last reset, split into turns that start with a user message."""
    start = 0
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind in ("resume", "pause", "session_started", "restart") or (
                kind == "action" and event.get("name") in RESET_ACTIONS):
            start = index + 1
    turns: list[list[Mapping[str, Any]]] = []
    for event in events[start:]:
        if event.get("event") == "user":
            turns.append([event])
        elif turns:
            turns[-1].append(event)
    return turns


def turn_failed(turn: Iterable[Mapping[str, Any]]) -> bool:
    for event in turn:
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") in FAILURE_RESPONSES:
            return True
        if event.get("event") == "action" and event.get("name") in FAILURE_ACTIONS:
            return True
    return False


def failures_in_a_row(events: Sequence[Mapping[str, Any]]) -> int:
    """How many of the latest turns, counting back from the current one, the assistant failed."""
    count = 0
    for turn in reversed(_turns(events)):
        if not turn_failed(turn):
            break
        count += 1
    return count


def should_hand_off(events: Sequence[Mapping[str, Any]]) -> bool:
    return failures_in_a_row(events) >= NEEDED
