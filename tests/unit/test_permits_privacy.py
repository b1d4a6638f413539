"""Passport numbers and dates of birth: masked by haina.privacy, kept out of the stored conversation
by the tracker store, out of the turn log, and stored for verification only as a keyed hash."""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from haina import privacy
from haina.tracker_store import RedactingSQLTrackerStore, redact_event
from haina.turnlog import TurnLogBroker

SECRETS = ["E12345678", "1988-03-14", "14.03.1988", "1988年3月14日", "14 March 1988", "1988년 3월 14일",
           "14. März 1988", "14 de marzo de 1988", "14 марта 1988", "533380006", "E 1234 5678"]


@pytest.mark.parametrize("text, expected", [
    ("my passport is E12345678", "my passport is [passport]"),
    ("护照号E12345678，生日1988年3月14日", "护照号[passport]，生日[date]"),
    ("application SHWP-2026-004217 and shrp 2026 000381", "application [application] and [application]"),
    ("geboren am 14. März 1988", "geboren am [date]"),
    ("nací el 14 de marzo de 1988", "nací el [date]"),
    ("родился 14 марта 1988 г.", "родился [date]"),
    ("born March 14, 1988 or 03/14/1988", "born [date] or [date]"),
    ("call +86 21 6437 0045 or 13812345678", "call [phone] or [phone]"),
    ("write to anna.m@example.com", "write to [email]"),
    ("how long does a work permit take?", "how long does a work permit take?"),
])
def test_redact(text, expected):
    assert privacy.redact(text) == expected


def test_a_text_without_digits_or_at_signs_holds_nothing_to_mask():
    """redact() skips such texts; every pattern must need a digit (or "@" for e-mail) for that to hold."""
    import re

    for kind, patterns in privacy._patterns().items():
        for pattern in patterns:
            needs = "@" if kind == privacy.EMAIL else "digit"
            assert ("@" in pattern.pattern) if needs == "@" else re.search(r"\\d|\[0-9\]", pattern.pattern), pattern.pattern


def test_skipping_texts_without_digits_masks_exactly_what_the_patterns_would():
    from haina import paths
    from haina.datatools import read_examples

    texts = [line for path in sorted(paths.NLU_DATA.glob("*/*/*.yml")) for lines in read_examples(path).values()
             for line in lines] + SECRETS + [f"x {s} y" for s in SECRETS] + ["ａｂｃ１９８８年３月１４日", "me@x.org"]
    assert len(texts) > 10000
    for text in texts:
        assert privacy.redact(text) == privacy._redact_all(text, privacy.ALL_KINDS), text


def test_redact_uses_the_patterns_of_entity_patterns_yml():
    import yaml

    from haina import paths

    data = yaml.safe_load((paths.BOT / "data" / "entity_patterns.yml").read_text(encoding="utf-8"))
    yml = {item["regex"]: item["examples"] for item in data["nlu"] if "regex" in item}
    compiled = {p.pattern for p in privacy._patterns()[privacy.PASSPORT]}
    for line in yml["passport_number"].splitlines():
        if line.strip().startswith("- "):
            assert line.strip()[2:].strip() in compiled


def test_passport_is_stored_as_a_keyed_hash(monkeypatch):
    monkeypatch.setenv("HAINA_PASSPORT_SALT", "one")
    first = privacy.passport_hash("e1234 5678")
    assert first == privacy.passport_hash("E12345678") and "12345678" not in first
    monkeypatch.setenv("HAINA_PASSPORT_SALT", "two")
    assert privacy.passport_hash("E12345678") != first  # a different installation, a different hash
    assert privacy.passport_last4("E12345678") == "5678"


def test_salt_file_is_created_once_and_private(tmp_path):
    file = tmp_path / "passport_salt"
    first = privacy._salt_for(None, file)
    assert file.read_bytes().strip() == first and len(first) == 64
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    privacy._salt_for.cache_clear()
    assert privacy._salt_for(None, file) == first


def _user(text: str, entities: list[dict]) -> UserUttered:
    return UserUttered(text, {"name": "inform", "confidence": 0.9}, entities,
                       parse_data={"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": entities})


async def test_stored_conversation_holds_no_passport_or_birth_date(tmp_path):
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker("conversation-1", [])
    for secret in SECRETS:
        entities = [{"entity": "passport_number" if secret[0] == "E" else "date_of_birth", "value": secret, "start": 0,
                     "end": len(secret)}]
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(_user(f"it is {secret}", entities))
        tracker.update(SlotSet("permit_verification", "passport_number"))
        tracker.update(BotUttered("Thanks, checking."))
    await store.save(tracker)
    with store.engine.connect() as connection:
        stored = "\n".join(row[0] for row in connection.execute(sa.text("SELECT data FROM events")))
    for secret in SECRETS:
        assert secret not in stored, secret
    assert "it is [passport]" in stored and "it is [date]" in stored and "Thanks, checking." in stored
    again = await store.retrieve("conversation-1")
    texts = [e.text for e in again.events if isinstance(e, UserUttered)]
    assert len(texts) == len(SECRETS) and all(t in ("it is [passport]", "it is [date]") for t in texts)


def test_only_user_and_slot_events_are_masked():
    bot = {"event": "bot", "text": "Application under review since 2026年11月19日"}
    assert redact_event(bot) == bot
    slot = redact_event({"event": "slot", "name": "x", "value": "E12345678"})
    assert slot["value"] == "[passport]"


def test_turn_log_never_prints_passport_or_birth_date(caplog):
    broker = TurnLogBroker()
    with caplog.at_level(logging.INFO, logger="haina.turns"):
        for n, secret in enumerate(SECRETS):
            sender = f"sender-{n}"
            broker.publish({"event": "user", "sender_id": sender, "timestamp": 1.0, "text": f"it is {secret}",
                            "input_channel": "rest", "parse_data": {
                                "text": f"it is {secret}", "intent": {"name": "inform", "confidence": 0.9},
                                "entities": [{"entity": "passport_number", "value": secret}],
                                "language_decision": {"language": "en", "reason": "current"}}})
            broker.publish({"event": "action", "sender_id": sender, "name": "validate_permit_status_form"})
            broker.publish({"event": "action", "sender_id": sender, "name": "action_listen"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged.count("\n") == len(SECRETS) - 1
    for secret in SECRETS:
        assert secret not in logged
    assert json.loads(logged.splitlines()[0])["intent"] == "inform"


class _Collecting:
    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


async def test_each_new_event_is_streamed_once_masked_without_reloading(tmp_path, monkeypatch):
    broker = _Collecting()
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"),
                                     event_broker=broker)

    async def no_reload(*args, **kwargs):
        raise AssertionError("save must not reload the conversation")

    monkeypatch.setattr(store, "retrieve", no_reload)
    tracker = DialogueStateTracker("conversation-2", [])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(_user("my passport E12345678", []))
    await store.save(tracker)
    tracker.update(BotUttered("Thanks."))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    kinds = [e["event"] for e in broker.published]
    assert kinds == ["action", "user", "bot", "action"]
    assert "E12345678" not in json.dumps(broker.published)
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() == 4


def test_sqlite_connections_are_kept_open(tmp_path):
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "p.db"))
    assert isinstance(store.engine.pool, sa.pool.QueuePool)
    with store.session_scope() as session:
        first = session.connection().connection.dbapi_connection
    with store.session_scope() as session:
        assert session.connection().connection.dbapi_connection is first
