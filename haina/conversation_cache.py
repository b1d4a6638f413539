"""The latest session of recently active conversations, kept in the Rasa process beside the database.

Every turn Rasa reads the conversation's current session from the tracker store and writes the
turn's new events back. Read from SQL, that meant a query, JSON decoding and rebuilding every event
of the session on Rasa's event loop, each turn, although this process wrote those rows itself a
moment before. The cache keeps the stored (masked) events of each recent session, with a stamp of
the conversation's rows in the database (their number and highest id). The tracker store checks the
stamp with one small query before it trusts an entry, so a row written or deleted by anyone else
(another process, an operator) makes the entry stale and the store reads the database again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Text, Tuple

from rasa.shared.core.events import Event, SessionStarted

Stamp = Tuple[int, Optional[int]]  # (rows of the conversation, highest row id)

DEFAULT_CAPACITY = 500  # conversations; about 100 KB each in a typical session
MAX_EVENTS = 1000  # a session longer than this is read from the database each turn


@dataclass
class CachedSession:
    """The events of a conversation's latest session as the database holds them, and its stamp."""

    stamp: Stamp
    events: List[Event] = field(default_factory=list)


def latest_session(events: Sequence[Event]) -> List[Event]:
    """The events Rasa's SQL store returns for the latest session: those at or after the timestamp
    of the last `SessionStarted` (all of them when there is none), in stored order."""
    starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
    if not starts:
        return list(events)
    since = max(starts)
    return [e for e in events if e.timestamp is not None and e.timestamp >= since]


class ConversationCache:
    """A bounded map from sender id to its `CachedSession`, least recently used dropped first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = max(0, int(capacity))
        self._sessions: "OrderedDict[Text, CachedSession]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, sender_id: Text) -> Optional[CachedSession]:
        entry = self._sessions.get(sender_id)
        if entry is not None:
            self._sessions.move_to_end(sender_id)
        return entry

    def put(self, sender_id: Text, stamp: Stamp, events: Sequence[Event]) -> None:
        """Remember the session (or forget the conversation when it is too long to keep)."""
        if self.capacity == 0 or len(events) > MAX_EVENTS:
            self.drop(sender_id)
            return
        self._sessions[sender_id] = CachedSession(stamp, list(events))
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self.capacity:
            self._sessions.popitem(last=False)

    def drop(self, sender_id: Text) -> None:
        self._sessions.pop(sender_id, None)
