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

import sqlalchemy as sa
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


def _pooled_write_ahead(engine: Any) -> Any:
    """The SQLite engine again, with its connections kept open and the database in write-ahead mode.

    SQLAlchemy 1.4 opens a new connection to a SQLite file for every session, and Rasa opens a
    session several times per turn; each open and close cost more than the query. In write-ahead
    mode, synced at checkpoints, a commit no longer waits for the disk (a power cut may lose the
    last turns, a crash of the server not). All of it ran on Rasa's event loop.
    """
    pooled = sa.create_engine(engine.url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=4,
                              connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(pooled, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()
    return pooled


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores (and streams) user events without passports and birth dates."""

    async def _stream_new_events(self, event_broker: EventBroker, new_events, sender_id: Text) -> None:  # type: ignore[no-untyped-def]
        for event in new_events:
            body = {"sender_id": sender_id}
            body.update(redact_event(event.as_dict()))
            event_broker.publish(body)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine = _pooled_write_ahead(self.engine)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, with each new event masked before it is written or streamed.

        Rasa's own save first reloads the whole conversation from the database to find the events
        that are new for the event broker; the events this save writes are exactly those, so they
        are found once (one count query) and both written and streamed.
        """
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            for event in new_events:
                data = redact_event(event.as_dict())
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=intent, action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        logger.debug("tracker saved with personal identifiers masked")
