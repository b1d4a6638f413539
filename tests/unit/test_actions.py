"""action_answer_question and action_record_feedback, called directly as rasa-sdk would (no server)."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerQuestion
from actions.feedback import ActionRecordFeedback
from haina import i18n
from haina.intents import intent_table
from haina.knowledge.search import knowledge_search
from haina.languages import LANGUAGES


def tracker(text: str, intent: str, confidence: float, language: str = "en", entities=(), channel="rest",
            sender="test", **slots) -> Tracker:
    return Tracker(
        sender_id=sender, slots={"language": language, "article_id": None, **slots},
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": list(entities)},
        events=[{"event": "user", "text": text, "input_channel": channel}], paused=False, followup_action=None,
        active_loop={}, latest_action_name="action_listen",
    )


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A throwaway SQLite application database for one test."""
    url = f"sqlite:///{tmp_path}/haina.db"
    monkeypatch.setenv("HAINA_DATABASE_URL", url)
    return url


def rows(url, model):
    from haina import db
    from haina.db import migrate

    migrate.upgrade(url)
    with db.session_scope(url) as session:
        return [{c.name: getattr(r, c.name) for c in model.__table__.columns} for r in session.query(model)]


@pytest.fixture(scope="module")
def articles():
    return knowledge_search().articles


def first_knowledge_intent():
    for name, info in intent_table().items():
        if info.kind == "knowledge" and info.article in knowledge_search().articles:
            return name, info
    pytest.skip("no article for any knowledge intent yet")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_confident_intent_answers_and_asks_for_feedback(articles, language, database):
    name, info = first_knowledge_intent()
    article = articles[info.article]
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker(article.text("title", language), name, 0.95, language), {})
    assert len(dispatcher.messages) == 2
    answer, question = dispatcher.messages
    assert article.text("body", language).strip()[:40] in answer["text"]
    assert article.source_url in answer["text"]
    assert [b["title"] for b in answer["buttons"]] == [articles[r].text("title", language) for r in article.related]
    assert question["text"] == i18n.t("did_it_help", language)
    assert [b["payload"] for b in question["buttons"]] == [
        f'/give_feedback{{"helpful": "yes", "article_id": "{article.id}"}}',
        f'/give_feedback{{"helpful": "no", "article_id": "{article.id}"}}']
    assert events == [{"event": "slot", "timestamp": None, "name": "article_id", "value": None}]


async def test_confident_answer_is_not_logged_for_review(articles, database):
    from haina.db.models import QuestionLog

    name, info = first_knowledge_intent()
    await ActionAnswerQuestion().run(CollectingDispatcher(), tracker("what is it", name, 0.95), {})
    assert rows(database, QuestionLog) == []


async def test_button_opens_the_named_article(articles, database):
    article_id = sorted(articles)[-1]
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(dispatcher, tracker("/show_article", "show_article", 1.0, "de", article_id=article_id), {})
    assert articles[article_id].text("title", "de") in dispatcher.messages[0]["text"]


async def test_wechat_gets_a_short_answer_with_a_link(articles, database, monkeypatch):
    monkeypatch.setenv("HAINA_PUBLIC_URL", "https://haina.example.org")
    article_id = "work_permit.points"
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(dispatcher, tracker("/show_article", "show_article", 1.0, "zh", channel="wechat",
                                                         article_id=article_id), {})
    text = dispatcher.messages[0]["text"]
    assert len(text.encode("utf-8")) <= 2048
    assert f"https://haina.example.org/faq/{article_id}?lang=zh" in text
    assert articles[article_id].text("body", "zh")[:60] not in text


async def test_unclear_question_offers_choices_and_a_person_and_is_logged_redacted(database):
    from haina.db.models import QuestionLog

    dispatcher = CollectingDispatcher()
    text = "hmm what about the thing for E12345678"
    await ActionAnswerQuestion().run(dispatcher, tracker(text, "nlu_fallback", 0.2, "fr", sender="user-42"), {})
    message = dispatcher.messages[0]
    assert message["response"] in ("utter_not_sure", "utter_default")
    if message["response"] == "utter_not_sure":
        assert message["buttons"][-1] == {"title": "Parler à une personne", "payload": "/request_human"}
        assert 2 <= len(message["buttons"]) <= 4
    [row] = rows(database, QuestionLog)
    assert row["outcome"] in ("suggested", "fallback", "low_confidence")
    assert "E12345678" not in row["text"] and "[passport]" in row["text"]
    assert row["language"] == "fr" and row["channel"] == "rest" and row["sender_hash"] != "user-42"


async def test_feedback_is_stored_with_article_language_and_channel(articles, database):
    from haina.db.models import Feedback

    entities = [{"entity": "helpful", "value": "no"}, {"entity": "article_id", "value": "tax.residency"}]
    dispatcher = CollectingDispatcher()
    await ActionRecordFeedback().run(dispatcher, tracker("/give_feedback", "give_feedback", 1.0, "ja", entities), {})
    [row] = rows(database, Feedback)
    assert (row["article_id"], row["helpful"], row["language"], row["channel"]) == ("tax.residency", False, "ja", "rest")
    message = dispatcher.messages[0]
    assert message["response"] == "utter_feedback_sorry"
    assert message["buttons"][-1] == {"title": i18n.t("talk_to_person", "ja"), "payload": "/request_human"}


async def test_positive_feedback_is_thanked(database):
    from haina.db.models import Feedback

    entities = [{"entity": "helpful", "value": "yes"}, {"entity": "article_id", "value": "work_permit.fee"}]
    dispatcher = CollectingDispatcher()
    await ActionRecordFeedback().run(dispatcher, tracker("/give_feedback", "give_feedback", 1.0, "en", entities), {})
    assert dispatcher.messages[0]["response"] == "utter_feedback_thanks"
    assert [r["helpful"] for r in rows(database, Feedback)] == [True]


@pytest.mark.parametrize("entities", [
    [{"entity": "helpful", "value": "yes"}, {"entity": "article_id", "value": "no.such_article"}],
    [{"entity": "helpful", "value": "maybe"}, {"entity": "article_id", "value": "work_permit.fee"}],
    [],
])
async def test_malformed_feedback_is_not_stored(entities, database):
    from haina.db.models import Feedback

    dispatcher = CollectingDispatcher()
    await ActionRecordFeedback().run(dispatcher, tracker("/give_feedback", "give_feedback", 1.0, "en", entities), {})
    assert dispatcher.messages[0]["response"] == "utter_feedback_unclear"
    assert rows(database, Feedback) == []
