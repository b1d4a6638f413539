"""The article is chosen once, in the NLU, and the action renders that choice."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from actions.answer import chosen_answer
from bot.nlu.answer_chooser import AnswerChooser
from haina.answering import PARSE_KEY, AnswerChoice, choose_answer
from haina.knowledge.search import knowledge_search


@pytest.fixture(scope="module")
def search():
    return knowledge_search()


def parsed(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


@pytest.mark.parametrize("text, intent, confidence", [
    ("How much does the work permit cost?", "work_permit_fee", 0.95),
    ("工作许可要多久", "work_permit_processing_time", 0.5),
    ("hmm what about the thing", "nlu_fallback", 0.2),
    ("hello", "greet", 0.99),
])
def test_the_component_makes_the_same_choice_as_haina_answering(search, text, intent, confidence):
    message = parsed(text, intent, confidence)
    AnswerChooser().process([message])
    carried = AnswerChoice.from_dict(message.get(PARSE_KEY))
    direct = choose_answer(text, intent, confidence, search, ranking=message.get("intent_ranking"))
    assert carried == AnswerChoice(direct.mode, direct.article_id, direct.candidates, direct.topic, via=direct.via)
    assert message.as_dict(only_output_properties=True)[PARSE_KEY] == carried.as_dict()


def test_the_action_takes_the_carried_choice_without_searching(search, monkeypatch):
    monkeypatch.setattr("actions.answer.choose_answer", lambda *a, **k: pytest.fail("searched again"))
    choice = {"mode": "article", "article_id": "work_permit.fee", "candidates": [], "topic": "work_permit", "via": "intent"}
    got = chosen_answer({"text": "?", "intent": {"name": "work_permit_fee", "confidence": 0.9}, PARSE_KEY: choice},
                        None, search)
    assert got.article_id == "work_permit.fee" and got.via == "intent"


@pytest.mark.parametrize("carried", [None, {"mode": "bogus"}, {"mode": "article", "article_id": "no.such_article"}])
def test_the_action_decides_itself_without_a_usable_choice(search, carried):
    message = {"text": "How much does the work permit cost?", "intent": {"name": "work_permit_fee", "confidence": 0.95},
               "intent_ranking": [], PARSE_KEY: carried}
    assert chosen_answer(message, None, search).topic == "work_permit"


def test_a_button_naming_an_article_wins_over_the_carried_choice(search):
    choice = {"mode": "article", "article_id": "work_permit.fee", "candidates": [], "topic": "work_permit", "via": "intent"}
    got = chosen_answer({"text": "/show_article", PARSE_KEY: choice}, "tax.residency", search)
    assert got.article_id == "tax.residency" and got.via == "button"
