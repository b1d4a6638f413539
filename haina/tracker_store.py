"""Rasa's SQL tracker store, with passport numbers and dates of birth masked before a conversation
is saved or streamed to the event broker.

endpoints.yml points at `haina.tracker_store.RedactingSQLTrackerStore` (same settings as Rasa's SQL
store). Only what users send is touched: the text of user events, everything in their parse data
(entity values, the text copy) and the values of slot events; the assistant never echoes these
values, so its own messages are stored as sent. The current turn runs on the unmasked message (the
permit-status form reads it in the same turn); every later turn sees the masked copy.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from haina import privacy
from haina.conversation_cache import DEFAULT_CAPACITY, ConversationCache, Stamp, latest_session

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
    """SQLTrackerStore that stores (and streams) user events without passports and birth dates, and
    keeps the latest session of recent conversations in memory (haina.conversation_cache).

    `conversation_cache` (endpoints.yml, default 500) is how many conversations are kept; 0 turns
    the cache off, so every turn reads the database as Rasa's own store does.
    """

    def __init__(self, *args: Any, conversation_cache: int = DEFAULT_CAPACITY, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine = _pooled_write_ahead(self.engine)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.cache = ConversationCache(conversation_cache)
        table = self.SQLEvent.__table__
        self._stamp_query = (sa.select(sa.func.count(table.c.id), sa.func.max(table.c.id))
                             .where(table.c.sender_id == sa.bindparam("sender_id")))

    def _stamp(self, session: Any, sender_id: Text) -> Stamp:
        """How many rows the conversation has in the database, and the highest row id."""
        count, highest = session.execute(self._stamp_query, {"sender_id": sender_id}).one()
        return int(count), highest

    def _stored_session(self, session: Any, sender_id: Text) -> List[Event]:
        """The latest session's events as Rasa's SQL store reads them (masked, in stored order)."""
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        return deserialise_events([json.loads(row.data) for row in rows])

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session, from the cache when the database's rows are still the ones it saw."""
        if not self.domain:
            return None
        with self.session_scope() as session:
            stamp = self._stamp(session, sender_id)  # first: a row written after it only makes the entry stale
            entry = self.cache.get(sender_id)
            if entry is not None and entry.stamp == stamp:
                events = entry.events
            else:
                events = self._stored_session(session, sender_id) if stamp[0] else []
                self.cache.put(sender_id, stamp, events)
        if not events:
            return None
        return DialogueStateTracker.from_events(sender_id, list(events), self.domain.slots)

    async def _stream_new_events(self, event_broker: EventBroker, masked: List[Dict[Text, Any]],
                                 sender_id: Text) -> None:
        for data in masked:
            event_broker.publish({"sender_id": sender_id, **data})

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, with each new event masked before it is written or streamed.

        The new events are those after the ones the database holds for the latest session, as in
        Rasa's store; that number comes from the cache when its stamp still matches (otherwise from
        Rasa's count query). They are inserted in one statement, streamed to the event broker once,
        and appended to the cached session.
        """
        sender_id = tracker.sender_id
        table = self.SQLEvent.__table__
        with self.session_scope() as session:
            before = self._stamp(session, sender_id)
            entry = self.cache.get(sender_id)
            if entry is None or entry.stamp != before:
                entry = None
                stored = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()
            else:
                stored = len(entry.events)
            new_events = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            masked = [redact_event(event.as_dict()) for event in new_events]
            rows = [{"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                     "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                     "action_name": data.get("name"), "data": json.dumps(data)}
                    for event, data in zip(new_events, masked)]
            if rows:
                session.execute(table.insert(), rows)
            after = self._stamp(session, sender_id) if entry is not None else None
            session.commit()
        if entry is not None and after is not None and after[0] == before[0] + len(rows):
            added = deserialise_events([json.loads(row["data"]) for row in rows])  # as a read would give them
            self.cache.put(sender_id, after, latest_session(entry.events + added))
        else:
            self.cache.drop(sender_id)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, masked, sender_id)
        logger.debug("tracker saved with personal identifiers masked")
