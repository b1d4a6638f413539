"""The status lookup: the lockout (per conversation and per number, an hour, injected clock), the
same answer and the same work for unknown numbers and wrong verifications, the README's demo line,
and time limits only where a knowledge article states them."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.permit_status import ActionPermitStatus
from haina import db, i18n, paths
from haina.db import ensure_ready
from haina.db.models import VerificationAttempt
from haina.knowledge.store import load_articles
from haina.languages import LANGUAGES
from haina.permits import explain, identifiers, lockout, lookup
from tests.unit.test_db import postgres_url  # noqa: F401  (the session's throwaway PostgreSQL database)
from tests.unit.test_permits_form import SALT, seeded  # noqa: F401  (one seeded template database per module)

DEMO, PASSPORT, BIRTH = "SHWP-2026-004217", "E12345678", "1988-03-14"
T0 = dt.datetime(2026, 12, 1, 8, 0)


@pytest.fixture(autouse=True)
def url(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("HAINA_PASSPORT_SALT", SALT)
    shutil.copy(seeded, tmp_path / "lookup.db")
    target = f"sqlite:///{tmp_path / 'lookup.db'}"
    monkeypatch.setenv("HAINA_DATABASE_URL", target)
    yield target
    db.dispose(target)


def passport(value: str) -> identifiers.Verification:
    return identifiers.Verification(identifiers.PASSPORT_NUMBER, (value,))


def birth(value: str) -> identifiers.Verification:
    return identifiers.Verification(identifiers.DATE_OF_BIRTH, (value,))


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def test_right_details_find_the_status():
    assert lookup.look_up(DEMO, passport(PASSPORT), "a", now=T0).outcome == lookup.FOUND
    found = lookup.look_up(DEMO, birth(BIRTH), "b", now=T0)
    assert found.outcome == lookup.FOUND and found.status.current.status == "under_review"
    assert found.status.current.date == dt.date(2026, 11, 19)


def test_five_failures_lock_the_conversation_for_an_hour():
    for n in range(5):
        assert lookup.look_up(DEMO, passport("X00000000"), "attacker", now=minutes(n * 10)).outcome == lookup.NOT_VERIFIED
    # the 5th failure was at minute 40: locked until minute 100, even with the right details and another number
    locked = lookup.look_up(DEMO, passport(PASSPORT), "attacker", now=minutes(41))
    assert locked.outcome == lookup.LOCKED and locked.locked_until == minutes(100)
    assert lookup.look_up("SHRP-2026-000381", passport(PASSPORT), "attacker", now=minutes(99)).outcome == lookup.LOCKED
    assert lookup.check_lock("attacker", now=minutes(99.9)) == minutes(100)
    # an hour after the 5th failure the conversation may look up again
    assert lookup.look_up(DEMO, passport(PASSPORT), "attacker", now=minutes(100)).outcome == lookup.FOUND
    assert lookup.check_lock("attacker", now=minutes(100)) is None


def test_four_failures_or_failures_spread_over_more_than_an_hour_do_not_lock():
    for n in range(4):
        lookup.look_up(DEMO, passport("X00000000"), "slow", now=minutes(n))
    assert lookup.look_up(DEMO, passport(PASSPORT), "slow", now=minutes(5)).outcome == lookup.FOUND
    for n in range(5):  # 20 minutes apart: never 5 within one hour
        lookup.look_up("SHWP-2026-000001", passport("X00000000"), f"spread-{n}", now=minutes(200 + n * 20))
    assert lookup.check_lock("someone", "SHWP-2026-000001", now=minutes(281)) is None


def test_five_failures_on_one_number_lock_that_number_for_everyone():
    for n in range(5):
        lookup.look_up(DEMO, birth("1970-01-01"), f"sender-{n}", now=minutes(n))
    assert lookup.look_up(DEMO, passport(PASSPORT), "the-real-applicant", now=minutes(30)).outcome == lookup.LOCKED
    assert lookup.check_lock("the-real-applicant", now=minutes(30)) is None  # only the number is locked
    assert lookup.look_up(DEMO, passport(PASSPORT), "the-real-applicant", now=minutes(64)).outcome == lookup.FOUND


def test_unknown_numbers_count_for_the_lockout_like_known_ones():
    for n in range(5):
        lookup.look_up("SHWP-2026-999999", passport(PASSPORT), f"u-{n}", now=minutes(n))
    assert lookup.look_up("SHWP-2026-999999", passport(PASSPORT), "u-9", now=minutes(10)).outcome == lookup.LOCKED


def test_attempts_store_only_keyed_hashes():
    lookup.look_up(DEMO, passport(PASSPORT), "sender-x", now=T0)
    with db.session_scope() as session:
        row = session.execute(sa.select(VerificationAttempt)).scalar_one()
        stored = " ".join(str(v) for v in (row.sender_hash, row.number_hash, row.method, row.outcome))
    assert DEMO not in stored and "sender-x" not in stored and PASSPORT not in stored
    assert row.number_hash == lockout.number_key(DEMO) and row.outcome == "success"


def _tracker(text: str, number: str, language: str, sender: str) -> Tracker:
    slots = {"language": language, "permit_application_number": number, "permit_verification": "passport_number",
             "requested_slot": None}
    return Tracker(sender, slots, {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": []},
                   [], False, None, {}, "action_listen")


async def _reply(text: str, number: str, language: str, sender: str, statements: list[str]) -> str:
    engine = db.engine()

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(re.sub(r"\s+", " ", statement))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        dispatcher = CollectingDispatcher()
        await ActionPermitStatus().run(dispatcher, _tracker(text, number, language, sender), {})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return dispatcher.messages[0]["text"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_unknown_number_and_wrong_verification_get_the_same_answer_by_the_same_work(language):
    lookup.look_up(DEMO, passport(PASSPORT), "warm-up", now=T0)  # the engine and ensure_ready are warm
    unknown, wrong, wrong_birth = [], [], []
    a = await _reply(f"my passport is {PASSPORT}", "SHWP-2026-999999", language, f"one-{language}", unknown)
    b = await _reply("my passport is G11112222", DEMO, language, f"two-{language}", wrong)
    c = await _reply("born 01.01.1970", DEMO, language, f"three-{language}", wrong_birth)
    assert a == b == c == i18n.t("permit.not_verified", language)
    assert unknown == wrong  # the same statements in the same order: one lookup, the lock checks, one attempt
    assert len(wrong_birth) == len(wrong)
    with db.session_scope() as session:
        assert session.scalar(sa.select(sa.func.count()).where(VerificationAttempt.outcome == "failure")) == 3


def test_the_comparison_does_the_same_work_for_a_missing_application(monkeypatch):
    calls = []
    real = lookup.hmac.compare_digest
    monkeypatch.setattr(lookup.hmac, "compare_digest", lambda a, b: calls.append((len(a), len(b))) or real(a, b))
    lookup._matches(None, passport(PASSPORT))
    lookup._matches(None, birth(BIRTH))

    class Known:
        passport_hash = lookup.privacy.passport_hash("G11112222")
        date_of_birth = dt.date(1970, 1, 1)

    lookup._matches(Known(), passport(PASSPORT))
    lookup._matches(Known(), birth(BIRTH))
    assert calls[:2] == calls[2:]  # same lengths compared, whether the application exists or not


def test_readme_names_a_demo_application_with_the_status_the_assistant_states():
    lines = [line for line in (paths.ROOT / "README.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("Demo application:")]
    assert len(lines) == 1
    match = re.fullmatch(r"Demo application: (\S+) · passport (\S+) · status: (.+)", lines[0])
    assert match, lines[0]
    number, passport_number, status_text = match.groups()
    found = lookup.look_up(number, passport(passport_number), "readme", now=T0)
    assert found.outcome == lookup.FOUND
    assert status_text == explain.status_label(found.status.current.status, "en")
    assert status_text in explain.render_status(found.status, "en")


def test_time_limits_come_from_knowledge_articles_that_state_them():
    articles = load_articles()
    steps = explain.next_steps()
    for status, routes in steps.items():
        if status == "final":
            continue
        for route, entry in routes.items():
            article = articles[entry["source"]]
            body = article.text("body", "en") + article.text("summary", "en")
            for key in ("duration", "category_a", "deadline"):
                if key in entry:
                    value = entry[key]["value"]
                    assert re.search(rf"\b{value}\b", body) or any(
                        f.get("value") == value for f in article.facts.values() if isinstance(f, dict)), (status, route, key)


def test_every_status_and_code_has_its_texts():
    from haina.db.models import APPLICATION_TYPES, STATUSES

    for language in LANGUAGES:
        for status in STATUSES:
            for prefix in ("permit.status", "permit.meaning", "permit.next"):
                assert i18n.t(f"{prefix}.{status}", language)
        for kind in APPLICATION_TYPES:
            assert i18n.t(f"permit.type.{kind}", language)
        for code in explain.DOCUMENT_CODES:
            assert i18n.t(f"permit.document.{code}", language)
        for code in explain.REASON_CODES:
            assert i18n.t(f"permit.reason.{code}", language)


def test_seeded_documents_and_reasons_are_known_codes():
    import json

    data = json.loads((paths.ROOT / "seed" / "applications.json").read_text(encoding="utf-8"))
    assert len(data["applications"]) == 50 and all(a["demo"] for a in data["applications"])
    for app in data["applications"]:
        for step in app["history"]:
            assert set(step.get("documents") or []) <= set(explain.DOCUMENT_CODES)
            assert step.get("reason") in (None, *explain.REASON_CODES)
    assert {a["history"][-1]["status"] for a in data["applications"]} == set(__import__("haina.db.models", fromlist=["STATUSES"]).STATUSES)


def test_lookup_and_lockout_on_postgresql(postgres_url):
    from haina.db import migrate, ready

    ready._DONE.clear()
    try:
        pg = postgres_url
        assert ensure_ready(pg) == []
        assert lookup.look_up(DEMO, passport(PASSPORT), "pg", url=pg, now=T0).outcome == lookup.FOUND
        for n in range(5):
            assert lookup.look_up(DEMO, birth("1970-01-01"), "pg-attacker", url=pg, now=minutes(n)).outcome == lookup.NOT_VERIFIED
        assert lookup.look_up("SHWP-2026-999999", passport(PASSPORT), "pg-attacker", url=pg, now=minutes(5)).outcome == lookup.LOCKED
        assert lookup.look_up(DEMO, passport(PASSPORT), "pg", url=pg, now=minutes(6)).outcome == lookup.LOCKED  # the number too
        assert lookup.look_up(DEMO, passport(PASSPORT), "pg", url=pg, now=minutes(64)).outcome == lookup.FOUND
    finally:
        migrate.downgrade(postgres_url, "base")
        ready._DONE.clear()
