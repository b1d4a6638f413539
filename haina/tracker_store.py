"""Rasa's SQL tracker store, with passport numbers and dates of birth masked before a conversation
is saved or streamed to the event broker.

endpoints.yml points at `haina.tracker_store.RedactingSQLTrackerStore` (same settings as Rasa's SQL
store). Only what users send is touched: the text of user events, everything in their parse data
(entity values, the text copy) and the values of slot events; the assistant never echoes these
values, so its own messages are stored as sent. The current turn runs on the unmasked message (the
permit-status form reads it in the same turn); every later turn sees the masked copy.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from haina import privacy

logger = logging.getLogger(__name__)
KINDS = (privacy.PASSPORT, privacy.DATE)
SENSITIVE_ENTITIES = {privacy.PASSPORT, privacy.DATE}
MASKED_EVENTS = {"user", "slot"}


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return privacy.redact(value, KINDS)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


def redact_event(data: Dict[Text, Any]) -> Dict[Text, Any]:
    """A serialised event with passport numbers and dates of birth masked (user and slot events)."""
    if data.get("event") not in MASKED_EVENTS:
        return data
    masked = _mask(data)
    for entity in (masked.get("parse_data") or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") in SENSITIVE_ENTITIES:
            entity["value"] = privacy.MASKS[entity["entity"]]
    return masked


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores (and streams) user events without passports and birth dates."""

    async def _stream_new_events(self, event_broker: EventBroker, new_events, sender_id: Text) -> None:  # type: ignore[no-untyped-def]
        for event in new_events:
            body = {"sender_id": sender_id}
            body.update(redact_event(event.as_dict()))
            event_broker.publish(body)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, with each new event masked before it is written."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redact_event(event.as_dict())
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=intent, action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()
        logger.debug("tracker saved with personal identifiers masked")
