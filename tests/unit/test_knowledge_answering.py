"""haina.answering.choose_answer: the decision the chat, `haina classify` and the staff console share."""

import pytest

from haina.answering import CROSS_TOPIC_BELOW, choose_answer
from haina.knowledge.search import knowledge_search


@pytest.fixture(scope="module")
def search():
    return knowledge_search()


def test_confident_intent_answers_with_its_topic(search):
    choice = choose_answer("How much does the work permit cost?", "work_permit_fee", 0.97, search)
    assert (choice.mode, choice.article_id, choice.via, choice.review_reason) == (
        "article", "work_permit.fee", "intent", None)


def test_button_opens_the_article(search):
    choice = choose_answer("/show_article", "show_article", 1.0, search, article_id="tax.rates")
    assert (choice.article_id, choice.via, choice.review_reason) == ("tax.rates", "button", None)


def test_small_talk_is_not_answered_from_the_knowledge_base(search):
    choice = choose_answer("hello there", "greet", 0.99, search)
    assert choice.mode == "none" and choice.review_reason is None


def test_out_of_scope_is_kept_for_review(search):
    choice = choose_answer("write me a poem", "out_of_scope", 0.9, search)
    assert (choice.mode, choice.topic, choice.review_reason) == ("none", "other", "fallback")


def test_unclear_text_is_suggested_or_not_answered_and_kept_for_review(search):
    choice = choose_answer("zzqx vvbnm", "nlu_fallback", 0.3, search)
    assert choice.mode in ("suggest", "none") and choice.review_reason in ("suggested", "fallback")


def test_search_answer_without_a_sure_intent_is_low_confidence(search):
    title = search.articles["driving.licence_conversion"].text("title", "de")
    choice = choose_answer(title, "nlu_fallback", 0.2, search)
    assert (choice.mode, choice.article_id, choice.review_reason) == ("article", "driving.licence_conversion",
                                                                     "low_confidence")


def test_unsure_intent_gives_way_to_a_clearly_closer_article_of_another_topic(search):
    title = search.articles["other.marriage_registration"].text("title", "zh")
    unsure = choose_answer(title, "registration_info", CROSS_TOPIC_BELOW - 0.2, search)
    assert unsure.article_id == "other.marriage_registration" and unsure.review_reason == "low_confidence"
    sure = choose_answer(title, "registration_info", 0.99, search)
    assert search.articles[sure.article_id].topic == "registration"
