"""Permit status over the REST channel with the real servers: the form in several languages, a question
in the middle, "stop", the same answer for an unknown number, and nothing personal in the stored
conversation. The stack runs haina.db.ensure_ready on its own database under its var dir."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.request
import uuid

import pytest
import yaml

from haina import i18n, paths

pytestmark = pytest.mark.e2e

DEMO, PASSPORT = "SHWP-2026-004217", "E12345678"


def say(stack, sender: str, text: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{stack.ports.rasa}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(), headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return "\n".join(r.get("text", "") for r in json.loads(response.read()))


def response(name: str, language: str) -> str:
    domain = yaml.safe_load((paths.BOT / "domain" / "permits.yml").read_text(encoding="utf-8"))
    return next(v["text"] for v in domain["responses"][name]
                if any(c.get("value") == language for c in v.get("condition", [])))


def stored_events(stack, sender: str) -> str:
    with sqlite3.connect(stack.var_dir / "tracker.db") as connection:
        return "\n".join(row[0] for row in connection.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)))


def test_the_stack_has_its_own_seeded_database(stack):
    path = stack.var_dir / "haina.db"
    assert path.exists()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM permit_applications").fetchone()[0] == 50
        assert connection.execute("SELECT count(*) FROM service_points").fetchone()[0] >= 200


CONVERSATIONS = {
    "en": ("Can you check the status of my work permit application?", "shwp-2026-004217", "my passport is E12345678"),
    "zh": ("帮我查一下我的工作许可申请进度", "SHWP-2026-004217", "1988年3月14日"),
    "de": ("Wie ist der Stand meines Antrags auf Arbeitserlaubnis?", "SHWP-2026-004217", "geboren am 14.03.1988"),
    "ja": ("工作許可の申請状況を確認したいです", "SHWP-2026-004217", "パスポート番号はE12345678です"),
}


@pytest.mark.parametrize("language", list(CONVERSATIONS))
def test_status_lookup_in_several_languages(stack, language):
    sender = f"permit-{language}-{uuid.uuid4().hex[:6]}"
    ask, number, verification = CONVERSATIONS[language]
    assert response("utter_ask_permit_application_number", language) in say(stack, sender, ask)
    assert response("utter_ask_permit_verification", language) in say(stack, sender, number)
    answer = say(stack, sender, verification)
    assert i18n.t("permit.status.under_review", language) in answer, answer
    assert i18n.t("permit.meaning.under_review", language) in answer
    assert PASSPORT not in answer and "1988" not in answer
    events = stored_events(stack, sender)
    assert PASSPORT not in events and "14.03.1988" not in events and "1988年3月14日" not in events
    assert "[passport]" in events or "[date]" in events


def test_readme_status_is_what_the_assistant_says(stack):
    line = next(l for l in (paths.ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if l.startswith("Demo application:"))
    number, passport, status = re.fullmatch(r"Demo application: (\S+) · passport (\S+) · status: (.+)", line).groups()
    sender = f"readme-{uuid.uuid4().hex[:6]}"
    say(stack, sender, "check my permit application status")
    say(stack, sender, number)
    assert status in say(stack, sender, passport)


def test_unknown_number_and_wrong_passport_get_the_same_reply(stack):
    replies = []
    for number, passport in (("SHWP-2026-999998", PASSPORT), (DEMO, "G99887766")):
        sender = f"same-{uuid.uuid4().hex[:6]}"
        say(stack, sender, "Where is my work permit application?")
        say(stack, sender, number)
        replies.append(say(stack, sender, f"passport {passport}"))
    assert replies[0] == replies[1] == i18n.t("permit.not_verified", "en")


def test_malformed_number_gets_an_error_in_french(stack):
    sender = f"fr-{uuid.uuid4().hex[:6]}"
    say(stack, sender, "Où en est ma demande de permis de travail ?")
    assert i18n.t("permit.number_invalid", "fr") in say(stack, sender, "SHWP-2026-42")


def test_a_question_in_the_middle_is_answered_and_the_form_goes_on(stack):
    sender = f"mid-{uuid.uuid4().hex[:6]}"
    say(stack, sender, "I want to check my permit application status")
    reply = say(stack, sender, "How much does the work permit cost?")
    assert i18n.t("permit.number_invalid", "en") not in reply
    assert "SHWP-2026-004217" in reply  # answered, then the form asks for the number again
    say(stack, sender, DEMO)
    assert "Under review" in say(stack, sender, PASSPORT)


def test_stop_ends_the_form_in_chinese(stack):
    sender = f"stop-{uuid.uuid4().hex[:6]}"
    say(stack, sender, "帮我查一下申请进度")
    say(stack, sender, "SHWP-2026-004217")
    assert i18n.t("permit.cancelled", "zh") in say(stack, sender, "算了")
    assert i18n.t("permit.number_invalid", "zh") not in say(stack, sender, "你好")


def test_a_bare_application_number_starts_the_check_in_spanish(stack):
    sender = f"es-{uuid.uuid4().hex[:6]}"
    say(stack, sender, "Hola, buenos días")
    assert response("utter_ask_permit_verification", "es") in say(stack, sender, "SHWP-2026-004217")
    assert i18n.t("permit.status.under_review", "es") in say(stack, sender, "nací el 14/03/1988")
