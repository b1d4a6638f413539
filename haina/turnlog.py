"""One structured log line per conversation turn, written by a Rasa event broker.

Rasa publishes a turn's events (user, actions, bot replies) when it saves the tracker; this broker
collects them per conversation and, at the closing `action_listen`, logs one JSON line: the hashed
sender id, channel, language, intent, confidence, actions and latency in milliseconds. Never the
message text: it may hold passport numbers or other personal data.
"""

from __future__ import annotations

import json
import logging
import os
import time
from asyncio import AbstractEventLoop
from collections import OrderedDict
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from haina.privacy import hash_sender

logger = logging.getLogger("haina.turns")
MAX_OPEN_TURNS = 10_000


class TurnLogBroker(EventBroker):
    """Logs each completed turn as one JSON line on the `haina.turns` logger."""

    def __init__(self) -> None:
        self._open: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> "TurnLogBroker":
        # Rasa sets the level of its own loggers only (from LOG_LEVEL); ours would stay at the root's
        # WARNING and the turn lines would never show.
        if logger.level == logging.NOTSET:
            logger.setLevel(os.environ.get("LOG_LEVEL") or "INFO")
        return cls()

    def publish(self, event: Dict[Text, Any]) -> None:
        sender = str(event.get("sender_id", ""))
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            decision = parse.get("language_decision") or {}
            self._open[sender] = {
                "sender": hash_sender(sender),
                "channel": event.get("input_channel"),
                "language": decision.get("language"),
                "language_reason": decision.get("reason"),
                "intent": intent.get("name"),
                "confidence": round(float(intent.get("confidence") or 0.0), 4),
                "actions": [],
                "started": float(event.get("timestamp") or time.time()),
            }
            self._open.move_to_end(sender)
            while len(self._open) > MAX_OPEN_TURNS:
                self._open.popitem(last=False)
        elif kind == "action" and sender in self._open:
            name = event.get("name")
            if name == "action_listen":
                turn = self._open.pop(sender)
                started = turn.pop("started")
                turn["latency_ms"] = round((time.time() - started) * 1000, 1)
                logger.info(json.dumps(turn, ensure_ascii=False))
            elif name:
                self._open[sender]["actions"].append(name)
