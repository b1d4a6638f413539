"""Assist's decisions on parse results shaped like the Rasa server's /model/parse answer: the fields
`haina classify` reports, the article in the caller's language beside the same article in Chinese, the
alternatives, and the directory with the chat's own filters (and its relaxing of one)."""

from __future__ import annotations

import pytest

from haina.classify import predict
from haina.knowledge.search import knowledge_search
from haina.staff.assist import DirectoryFilters, decide, filters_from_parse, search_directory, time_label
from tests.unit.test_staff_helpers import cheap_hashing, seeded_template, staff_db  # noqa: F401


def parse(text: str, intent: str, confidence: float, language: str, entities=(), ranking=None) -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "entities": [*entities, {"entity": "language", "value": language}],
            "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
            "language_decision": {"language": language, "reason": "detected"}}


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "extractor": "GazetteerEntityExtractor"}


@pytest.fixture(scope="module")
def search():
    return knowledge_search()


def test_a_confident_question_gets_the_article_in_the_callers_language_and_in_chinese(search, staff_db):
    text = "Wie lange dauert die Arbeitserlaubnis?"
    parsed = parse(text, "work_permit_processing_time", 0.97, "de")
    result = decide(text, parsed, search, "zh")
    assert (result.language, result.intent, result.topic, result.mode) == (
        "de", "work_permit_processing_time", "work_permit", "article")
    assert predict(parsed, text, search)["answer_id"] == result.best[0].id  # exactly what the chat answers
    caller, chinese = result.best
    article = search.articles[caller.id]
    assert (caller.language, chinese.language) == ("de", "zh")
    assert caller.title == article.title["de"] and chinese.title == article.title["zh"]
    assert caller.source_url == article.source_url and caller.reviewed == article.reviewed
    assert "Quelle" in caller.source or article.source_authority["de"] in caller.source
    assert result.best[0].id not in [a.id for a in result.alternatives] and len(result.alternatives) == 4
    assert result.directory is None


def test_an_unclear_question_offers_what_the_chat_would_offer(search, staff_db):
    text = "something about my papers"
    parsed = parse(text, "nlu_fallback", 0.31, "en",
                   ranking=[{"name": "nlu_fallback", "confidence": 0.31}, {"name": "work_permit_documents",
                                                                          "confidence": 0.2}])
    result = decide(text, parsed, search, "en")
    assert result.mode in ("suggest", "article", "none") and result.intent == "work_permit_documents"
    assert result.ranking[0] == ("nlu_fallback", 0.31)


def test_directory_requests_use_the_chats_filters(search, staff_db):
    text = "浦东有没有周日开门的国际医院"
    parsed = parse(text, "search_directory", 0.99, "zh",
                   [entity("district", "pudong"), entity("service_time", "sun"), entity("service_category", "hospital")])
    assert filters_from_parse(parsed) == DirectoryFilters("hospital", "pudong", None, ("sun",), None)
    result = decide(text, parsed, search, "en")
    assert result.topic == "healthcare" and result.directory is not None
    directory = result.directory
    assert directory.problem is None and directory.results
    for caller_text, chinese_text in directory.results:
        assert "地址" in caller_text or "电话" in caller_text  # the caller speaks Chinese here
        assert caller_text == chinese_text


def test_the_agent_can_change_the_filters(search, staff_db):
    chosen = DirectoryFilters("police_station", "xuhui", None, (), None)
    found = search_directory(chosen, "en", "en")
    assert found.results and "Xuhui" in found.described
    near = search_directory(DirectoryFilters("hospital", None, "en", (), "31.2304,121.4737"), "fr", "zh")
    assert near.results and all("km" in fr for fr, _ in near.results)
    bad = search_directory(DirectoryFilters("hospital", None, None, (), "north of here"), "en", "en")
    assert bad.problem == "staff.directory.bad_location"


def test_nothing_matching_drops_one_filter_as_the_chat_does(search, staff_db):
    no_russian = DirectoryFilters("police_station", "xuhui", "ru", (), None)
    found = search_directory(no_russian, "en", "en")
    assert found.results and found.dropped == "Russian spoken"  # the chat relaxes time, then language, then district
    assert "Russian" not in found.described and "Xuhui" in found.described


def test_time_filters_are_named_in_the_console_language():
    assert time_label("sun", "zh") == "星期日" and time_label("sun", "en") == "Sunday"
    assert time_label("now", "zh") == "现在"
