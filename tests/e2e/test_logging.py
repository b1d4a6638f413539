"""The running servers log one structured line per turn, and never what the user typed."""

import json
import time
import uuid

import pytest

from haina.privacy import hash_sender
from tests.e2e.test_rest import say

pytestmark = pytest.mark.e2e


def turn_lines(stack) -> list[dict]:
    text = (stack.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    turns = []
    for line in text.splitlines():
        start = line.find('{"sender"')
        if start >= 0:
            turns.append(json.loads(line[start:]))
    return turns


def test_one_line_per_turn_without_the_message(stack):
    sender = f"log-{uuid.uuid4().hex[:8]}"
    secret = "X" + uuid.uuid4().hex[:8].upper()  # looks like a passport number, must never be logged
    say(stack, sender, "Hello")
    say(stack, sender, f"my passport number is {secret}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        mine = [t for t in turn_lines(stack) if t["sender"] == hash_sender(sender)]
        if len(mine) >= 2:
            break
        time.sleep(0.3)
    assert len(mine) == 2, "expected one log line per turn"
    first = mine[0]
    assert {"sender", "channel", "language", "intent", "confidence", "actions", "latency_ms"} <= set(first)
    assert first["channel"] == "rest" and first["language"] == "en" and first["intent"] == "greet"
    assert first["latency_ms"] >= 0
    for name in ("rasa.log", "actions.log", "web.log"):
        log = stack.log_dir / name
        if log.exists():
            content = log.read_text(encoding="utf-8", errors="replace")
            assert secret not in content, f"{name} holds what the user typed"
            assert sender not in content, f"{name} holds the raw sender id"
