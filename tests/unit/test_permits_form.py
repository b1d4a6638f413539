"""The permit-status form, called as rasa-sdk would (no server), in all eight languages: the number is
checked (error with an example of the format), then a passport number or a date of birth in the
forms people of each language write; only then the status, in the user's language."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.permit_status import ActionPermitStatus, ActionPermitStatusCancel, ValidatePermitStatusForm
from haina import db, i18n
from haina.db import ensure_ready
from haina.languages import LANGUAGES
from haina.permits import lookup

NUMBER, VERIFICATION = "permit_application_number", "permit_verification"
DOMAIN = {
    "forms": {"permit_status_form": {"required_slots": [NUMBER, VERIFICATION]}},
    "slots": {NUMBER: {"type": "text", "mappings": [{"type": "custom"}]},
              VERIFICATION: {"type": "text", "mappings": [{"type": "custom"}]}},
}
DEMO = "SHWP-2026-004217"  # seed/applications.json: passport E12345678, born 1988-03-14, under review


SALT = "form-test-salt"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """One seeded database per module (migrations and seed take seconds); each test gets a copy."""
    path = tmp_path_factory.mktemp("seeded") / "template.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAINA_PASSPORT_SALT", SALT)
        ensure_ready(f"sqlite:///{path}")
    db.dispose(f"sqlite:///{path}")  # closes the WAL so that the file alone is the database
    return path


@pytest.fixture(autouse=True)
def database(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("HAINA_PASSPORT_SALT", SALT)
    path = tmp_path / "form.db"
    shutil.copy(seeded, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("HAINA_DATABASE_URL", url)
    ensure_ready(url)  # finds it migrated and seeded
    yield url
    db.dispose(url)


def tracker(text: str, language: str, requested: str | None = None, intent: str = "inform", confidence: float = 0.9,
            sender: str = "form-test", **slots) -> Tracker:
    values = {"language": language, "requested_slot": requested, NUMBER: None, VERIFICATION: None, **slots}
    return Tracker(sender, values, {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []},
                   [], False, None, {"name": "permit_status_form"}, "action_listen")


async def validate(t: Tracker) -> tuple[dict, list[str]]:
    dispatcher = CollectingDispatcher()
    events = await ValidatePermitStatusForm().run(dispatcher, t, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, [m["text"] for m in dispatcher.messages]


async def answer(text: str, language: str, sender: str = "form-test", number: str = DEMO) -> str:
    dispatcher = CollectingDispatcher()
    slots = await validate(tracker(text, language, requested=VERIFICATION, sender=sender, **{NUMBER: number}))
    assert slots[0][VERIFICATION] in ("passport_number", "date_of_birth"), (text, slots)
    await ActionPermitStatus().run(dispatcher, tracker(text, language, sender=sender, **{NUMBER: number, VERIFICATION: slots[0][VERIFICATION]}), DOMAIN)
    return dispatcher.messages[0]["text"]


NUMBERS = {
    "en": "it's shwp-2026-004217", "zh": "申请号是SHWP 2026 004217", "ja": "申請番号はSHWP-2026-004217です",
    "ko": "신청번호는 SHWP-2026-004217입니다", "fr": "mon numéro : SHWP2026004217", "de": "die Nummer ist SHWP-2026-004217",
    "es": "el número es shwp-2026-004217", "ru": "номер заявки SHWP-2026-004217",
}
BAD_NUMBERS = {"en": "SHWP-2026-4217", "zh": "我的申请号是12345", "ja": "SH-2026-004217", "ko": "SHWP 4217",
               "fr": "SHXP-2026-004217", "de": "Nummer 2026004217", "es": "SHWP-26-004217", "ru": "номер 0042170"}
BIRTH_DATES = {"en": "I was born on 14 March 1988", "zh": "出生日期1988年3月14日", "ja": "生年月日は1988年3月14日です",
               "ko": "1988년 3월 14일생이에요", "fr": "je suis né le 14/03/1988", "de": "geboren am 14.03.1988",
               "es": "nací el 14 de marzo de 1988", "ru": "дата рождения 14.03.1988"}
PASSPORTS = {"en": "my passport is E12345678", "zh": "护照号E12345678", "ja": "パスポート番号はE12345678です",
             "ko": "여권번호 e12345678", "fr": "passeport E12345678", "de": "Passnummer: E 1234 5678",
             "es": "mi pasaporte es E12345678", "ru": "паспорт E12345678"}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_application_number_is_read_and_normalised(language):
    slots, messages = await validate(tracker(NUMBERS[language], language, requested=NUMBER))
    assert slots[NUMBER] == DEMO and messages == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_malformed_number_gets_an_error_with_the_format_in_the_users_language(language):
    slots, messages = await validate(tracker(BAD_NUMBERS[language], language, requested=NUMBER))
    assert slots == {NUMBER: None}
    assert messages == [i18n.t("permit.number_invalid", language)]
    assert "SHWP-2026-004217" in messages[0] and "SHRP-2026-000381" in messages[0]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_unreadable_verification_gets_an_error_in_the_users_language(language):
    slots, messages = await validate(tracker("hmm", language, requested=VERIFICATION, intent="inform", **{NUMBER: DEMO}))
    assert slots == {VERIFICATION: None}
    assert messages == [i18n.t("permit.verification_invalid", language)]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_date_of_birth_as_people_write_it_verifies_and_the_status_is_told(language):
    text = await answer(BIRTH_DATES[language], language, sender=f"dob-{language}")
    assert text.startswith(i18n.t("permit.answer", language, number=DEMO, type=i18n.t("permit.type.work_permit_new", language),
                                  status=i18n.t("permit.status.under_review", language),
                                  date=i18n.date(dt.date(2026, 11, 19), language)))
    assert i18n.t("permit.meaning.under_review", language) in text
    assert i18n.t("permit.next.under_review", language) in text
    assert "1988" not in text and "14" not in text.split("\n", 1)[1]  # the birth date is not echoed


@pytest.mark.parametrize("language", LANGUAGES)
async def test_passport_number_verifies_and_is_never_echoed(language):
    text = await answer(PASSPORTS[language], language, sender=f"passport-{language}")
    assert i18n.t("permit.status.under_review", language) in text
    assert "E12345678" not in text and "5678" not in text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_wrong_verification_is_refused_in_the_users_language(language):
    text = await answer("E00000000", language, sender=f"wrong-{language}")
    assert text == i18n.t("permit.not_verified", language)


async def test_number_and_passport_in_the_first_message_fill_the_whole_form():
    slots, messages = await validate(tracker("status of SHWP-2026-004217 please, passport E12345678", "en",
                                             intent="check_permit_status"))
    assert slots == {NUMBER: DEMO, VERIFICATION: "passport_number"} and messages == []


async def test_a_passport_before_the_number_is_not_kept_for_later():
    slots, _ = await validate(tracker("my passport is E12345678, where is my application", "en", intent="check_permit_status"))
    assert VERIFICATION not in slots


async def test_a_question_on_another_topic_fills_nothing_so_the_form_steps_aside():
    slots, messages = await validate(tracker("how much does the work permit cost?", "en", requested=NUMBER,
                                             intent="work_permit_fee", confidence=0.93))
    assert slots == {} and messages == []
    slots, messages = await validate(tracker("stop", "en", requested=VERIFICATION, intent="deny", **{NUMBER: DEMO}))
    assert slots == {} and messages == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_cancel_ends_the_form_and_forgets_the_slots(language):
    dispatcher = CollectingDispatcher()
    events = await ActionPermitStatusCancel().run(dispatcher, tracker("stop", language, intent="deny", **{NUMBER: DEMO}), DOMAIN)
    assert dispatcher.messages[0]["text"] == i18n.t("permit.cancelled", language)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {"requested_slot": None, NUMBER: None, VERIFICATION: None}


async def test_the_lookup_resets_the_slots():
    dispatcher = CollectingDispatcher()
    events = await ActionPermitStatus().run(
        dispatcher, tracker("E12345678", "en", **{NUMBER: DEMO, VERIFICATION: "passport_number"}), DOMAIN)
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {NUMBER: None, VERIFICATION: None}


async def test_locked_conversation_is_told_when_it_gives_a_number(monkeypatch):
    now = dt.datetime(2026, 12, 1, 2, 0)
    monkeypatch.setattr(lookup, "clock", lambda: now)
    for _ in range(5):
        assert (await answer("E00000000", "de", sender="locked")) == i18n.t("permit.not_verified", "de")
    slots, messages = await validate(tracker(DEMO, "de", requested=NUMBER, sender="locked"))
    assert slots == {NUMBER: None, VERIFICATION: None, "requested_slot": None}
    assert messages == [i18n.t("permit.locked", "de", time="11:00")]  # 03:00 UTC = 11:00 in Shanghai
