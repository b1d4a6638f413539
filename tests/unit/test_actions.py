"""action_answer_question, called directly as rasa-sdk would (no server)."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerQuestion
from haina.intents import intent_table
from haina.knowledge.search import knowledge_search


def tracker(text: str, intent: str, confidence: float, language: str = "en", **slots) -> Tracker:
    return Tracker(
        sender_id="test", slots={"language": language, "article_id": None, **slots},
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )


@pytest.fixture(scope="module")
def articles():
    return knowledge_search().articles


def first_knowledge_intent():
    for name, info in intent_table().items():
        if info.kind == "knowledge" and info.article in knowledge_search().articles:
            return name, info
    pytest.skip("no article for any knowledge intent yet")


@pytest.mark.parametrize("language", ["en", "zh", "ja", "ko", "fr", "de", "es", "ru"])
async def test_confident_intent_answers_in_the_users_language(articles, language):
    name, info = first_knowledge_intent()
    article = articles[info.article]
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker(article.text("title", language), name, 0.95, language), {})
    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    assert article.text("body", language).strip()[:40] in text
    assert article.source_url in text
    assert events == [{"event": "slot", "timestamp": None, "name": "article_id", "value": None}]


async def test_button_opens_the_named_article(articles):
    article_id = sorted(articles)[-1]
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(dispatcher, tracker("/show_article", "show_article", 1.0, "de", article_id=article_id), {})
    assert articles[article_id].text("title", "de") in dispatcher.messages[0]["text"]


async def test_unclear_question_offers_choices_and_a_person():
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(dispatcher, tracker("hmm what about the thing", "nlu_fallback", 0.2, "fr"), {})
    message = dispatcher.messages[0]
    assert message["response"] in ("utter_not_sure", "utter_default")
    if message["response"] == "utter_not_sure":
        assert message["buttons"][-1] == {"title": "Parler à une personne", "payload": "/request_human"}
        assert 2 <= len(message["buttons"]) <= 4
