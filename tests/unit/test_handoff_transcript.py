"""The transcript staff read: user messages as typed with their detected language, the assistant's
answers with a Chinese rendering from the knowledge base (or the domain's Chinese response, or the
strings file), staff replies, and the pause and resume marks; polling returns only what is new."""

from __future__ import annotations

import datetime as dt

import pytest

from haina import i18n
from haina.handoff import transcript
from haina.knowledge.render import render_article
from haina.knowledge.search import KnowledgeSearch
from haina.knowledge.store import load_articles

ARTICLE = "work_permit.processing_time"


@pytest.fixture(scope="module")
def search() -> KnowledgeSearch:
    # Only the articles are used here (no ranking): a KnowledgeSearch without loading the e5 index.
    search = KnowledgeSearch.__new__(KnowledgeSearch)
    search.articles = load_articles()
    return search


def events(search: KnowledgeSearch) -> list[dict]:
    article = search.articles[ARTICLE]
    feedback = f'/give_feedback{{"helpful": "yes", "article_id": "{ARTICLE}"}}'
    return [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "Wie lange dauert die Arbeitserlaubnis?", "timestamp": 1764662400.0,
         "parse_data": {"intent": {"name": "work_permit_processing_time", "confidence": 0.97},
                        "entities": [{"entity": "language", "value": "de"}]}},
        {"event": "slot", "name": "language", "value": "de", "timestamp": 1764662400.1},
        {"event": "bot", "text": render_article(article, "de", search.articles).text, "timestamp": 1764662401.0,
         "data": {"buttons": []}, "metadata": {}},
        {"event": "bot", "text": i18n.t("did_it_help", "de"), "timestamp": 1764662401.1,
         "data": {"buttons": [{"title": "Ja", "payload": feedback}]}, "metadata": {}},
        {"event": "user", "text": "Ich möchte mit einem Menschen sprechen", "timestamp": 1764662460.0,
         "parse_data": {"intent": {"name": "request_human", "confidence": 0.99},
                        "entities": [{"entity": "language", "value": "de"}]}},
        {"event": "bot", "text": i18n.t("handoff.queued", "de"), "timestamp": 1764662461.0,
         "metadata": {"haina_key": "handoff.queued"}},
        {"event": "pause", "timestamp": 1764662461.1},
        {"event": "user", "text": "Meine Passnummer ist [passport]", "timestamp": 1764662500.0,
         "parse_data": {"intent": {"name": "inform", "confidence": 0.8},
                        "entities": [{"entity": "language", "value": "de"}]}},
        {"event": "bot", "text": "Service-Team: Guten Tag!", "timestamp": 1764662600.0,
         "metadata": {"haina_staff": True}},
        {"event": "bot", "text": "Hallo!", "timestamp": 1764662700.0, "metadata": {"utter_action": "utter_greet"}},
        {"event": "resume", "timestamp": 1764662700.1},
    ]


def test_the_transcript_has_languages_and_chinese_renderings(search):
    items = transcript.build(events(search), search)
    kinds = [i.kind for i in items]
    assert kinds == ["user", "bot", "bot", "user", "bot", "paused", "user", "staff", "bot", "resumed"]
    first = items[0]
    assert (first.text, first.language, first.intent) == ("Wie lange dauert die Arbeitserlaubnis?", "de",
                                                          "work_permit_processing_time")
    answer = items[1]
    assert answer.article_id == ARTICLE
    assert answer.chinese == render_article(search.articles[ARTICLE], "zh", search.articles).text
    assert items[4].chinese == i18n.t("handoff.queued", "zh")
    assert items[6].text == "Meine Passnummer ist [passport]"  # as the tracker store masked it
    assert items[7].text == "Service-Team: Guten Tag!" and items[7].chinese is None
    assert items[8].chinese == transcript.response_text("utter_greet", "zh") and "海纳" in items[8].chinese
    assert items[1].time == dt.datetime(2025, 12, 2, 8, 0, 1)  # naive UTC, from Rasa's epoch timestamp


def test_a_button_press_is_marked_as_such(search):
    [item] = transcript.build([{"event": "user", "text": '/greet{"language":"en"}', "timestamp": 1.0,
                                "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}}], search)
    assert item.payload and item.intent == "greet"
    assert not transcript.build(events(search), search)[0].payload


def test_polling_returns_only_what_came_after(search):
    all_events = events(search)
    later = transcript.build(all_events, search, after=8)
    assert [i.kind for i in later] == ["staff", "bot", "resumed"]
    assert [i.index for i in later] == [9, 10, 11]


def test_a_chinese_conversation_needs_no_second_rendering(search):
    items = transcript.build([
        {"event": "slot", "name": "language", "value": "zh", "timestamp": 1.0},
        {"event": "bot", "text": "你好！", "timestamp": 2.0, "metadata": {"utter_action": "utter_greet"}},
    ], search)
    assert items[0].chinese is None


def test_every_domain_response_has_a_chinese_text_for_the_transcript():
    for name in transcript._responses():
        assert transcript.response_text(name, "zh"), name
