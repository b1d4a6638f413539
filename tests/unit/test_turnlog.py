"""One log line per turn, with the sender hashed and no message text."""

import json
import logging

from haina.turnlog import TurnLogBroker, hash_sender


def test_one_line_per_turn_without_text_or_sender(caplog):
    broker = TurnLogBroker()
    with caplog.at_level(logging.INFO, logger="haina.turns"):
        broker.publish({"event": "user", "sender_id": "alice", "timestamp": 1.0, "text": "my passport is E12345678",
                        "input_channel": "rest",
                        "parse_data": {"intent": {"name": "inform", "confidence": 0.91},
                                       "language_decision": {"language": "en", "reason": "current"}}})
        broker.publish({"event": "action", "sender_id": "alice", "name": "utter_default"})
        broker.publish({"event": "bot", "sender_id": "alice", "text": "Sorry"})
        broker.publish({"event": "action", "sender_id": "alice", "name": "action_listen"})
    lines = [r.getMessage() for r in caplog.records if r.name == "haina.turns"]
    assert len(lines) == 1
    turn = json.loads(lines[0])
    assert turn["sender"] == hash_sender("alice") and "alice" not in lines[0]
    assert "E12345678" not in lines[0] and "passport" not in lines[0]
    assert turn["intent"] == "inform" and turn["language"] == "en" and turn["actions"] == ["utter_default"]
    assert turn["latency_ms"] >= 0


def test_open_turns_are_bounded():
    from haina import turnlog

    broker = TurnLogBroker()
    for i in range(turnlog.MAX_OPEN_TURNS + 10):
        broker.publish({"event": "user", "sender_id": str(i), "timestamp": 1.0, "parse_data": {}})
    assert len(broker._open) == turnlog.MAX_OPEN_TURNS
