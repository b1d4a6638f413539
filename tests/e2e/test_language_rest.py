"""The conversation's language over REST with the real servers: switching midway (by request and by
writing in another language), answers in the new language, and a fallback in the user's language."""

from __future__ import annotations

import uuid

import pytest
import yaml

from haina import i18n, paths
from haina.langid import LanguageResolver
from tests.e2e.test_rest import say, text_of

pytestmark = pytest.mark.e2e

REQUESTS = {
    "en": "in English please", "zh": "请说中文", "ja": "日本語でお願いします", "ko": "한국어로 해주세요",
    "fr": "en français svp", "de": "auf Deutsch bitte", "es": "en español por favor", "ru": "по-русски",
}
QUESTION_EN = "How much does the work permit cost?"
ARTICLE = "work_permit.fee"


def response(name: str, language: str) -> str:
    domain = yaml.safe_load((paths.BOT / "domain" / "responses_smalltalk.yml").read_text(encoding="utf-8"))
    return next(v["text"] for v in domain["responses"][name]
                if any(c.get("value") == language for c in v.get("condition", [])))


def sender(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def title(language: str) -> str:
    from haina.knowledge.store import load_articles

    return load_articles()[ARTICLE].text("title", language)


@pytest.mark.parametrize("language", list(REQUESTS))
def test_request_midway_switches_and_later_answers_follow_it(stack, language):
    user = sender(f"req-{language}")
    start = "Здравствуйте" if language != "ru" else "Hello"
    say(stack, user, start)
    assert response("utter_language_switched", language) in text_of(say(stack, user, REQUESTS[language]))
    # an English question afterwards is still answered in the requested language
    assert title(language) in text_of(say(stack, user, QUESTION_EN))
    assert response("utter_thank", language) in text_of(say(stack, user, "thanks"))


def test_writing_in_another_language_switches_the_answers(stack):
    user = sender("write")
    assert response("utter_greet", "en") in text_of(say(stack, user, "Hello"))
    # an answer from the knowledge base, in German, then in Korean (which article is the answer
    # selection's business: haina.answering)
    german = text_of(say(stack, user, "Was kostet die Arbeitserlaubnis in Shanghai eigentlich?"))
    assert i18n.t("did_it_help", "de") in german and LanguageResolver().resolve(german).language == "de"
    assert title("ko") in text_of(say(stack, user, "취업허가 비용은 얼마예요?"))
    # short messages keep the last language
    assert response("utter_thank", "ko") in text_of(say(stack, user, "thanks"))
    assert response("utter_affirm", "ko") in text_of(say(stack, user, "ok"))


def test_channel_hint_then_a_clear_message(stack):
    user = sender("hint")
    assert response("utter_affirm", "ja") in text_of(say(stack, user, "ok", metadata={"language": "ja-JP"}))
    assert title("es") in text_of(say(stack, user, "¿Cuánto cuesta el permiso de trabajo?", metadata={"language": "ja-JP"}))


@pytest.mark.parametrize("language, greeting", [("ko", "안녕하세요"), ("ja", "こんにちは"), ("ru", "Здравствуйте")])
def test_fallback_speaks_the_users_language_and_offers_a_person(stack, language, greeting):
    user = sender(f"fallback-{language}")
    say(stack, user, greeting)
    replies = say(stack, user, "/nlu_fallback")  # what the NLU gives a message it does not understand
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert any(b["payload"] == "/request_human" for b in buttons), replies
    reply = text_of(replies)
    assert reply in (response("utter_not_sure", language), response("utter_default", language)), reply


def test_unclear_korean_message_is_not_answered_in_english(stack):
    replies = say(stack, sender("unclear-ko"), "음 그거 그냥 어떻게 되는 건지 잘 모르겠네 ㅋㅋ")
    reply = text_of(replies)
    assert reply and LanguageResolver().resolve(reply).language == "ko", reply
