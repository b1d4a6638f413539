"""Rendering an article for a language and a channel: Babel formats, lists, buttons, WeChat limit."""

import datetime as dt

import pytest

from haina.knowledge.render import (WECHAT_LIMIT_BYTES, faq_url, fact_lines, feedback_buttons, key_facts,
                                    render_article)
from haina.knowledge.store import Article, load_articles
from haina.languages import LANGUAGES


def make_article(**overrides) -> Article:
    texts = {language: f"text {language}" for language in LANGUAGES}
    values = dict(
        id="work_permit.sample", topic="work_permit", title=dict(texts), summary=dict(texts), body=dict(texts),
        source_authority={language: f"authority {language}" for language in LANGUAGES},
        source_url="https://example.gov.cn/page", reviewed=dt.date(2026, 11, 25), related=(),
        facts={"processing_time": {"value": 10, "unit": "day", "working": True},
               "fee": {"amount": 0, "currency": "CNY"}, "validity": {"value": 5, "unit": "year", "up_to": True}},
    )
    values.update(overrides)
    return Article(**values)


def test_facts_in_the_users_locale():
    article = make_article()
    assert fact_lines(article, "en") == ["Processing time: 10 working days", "Fee: free of charge", "Validity: up to 5 years"]
    assert fact_lines(article, "zh") == ["办理时限: 10个工作日", "费用: 免费", "有效期: 最长5年"]


@pytest.mark.parametrize("language, expected", [
    ("en", "CN¥1,500.50"), ("de", "1.500,50\xa0CN¥"), ("fr", "1\u202f500,50\xa0CNY"), ("zh", "¥1,500.50"),
    ("ja", "元1,500.50"), ("ru", "1\xa0500,50\xa0CN¥"), ("es", "1.500,50\xa0CNY"), ("ko", "CN¥1,500.50"),
])
def test_money_is_formatted_for_the_locale(language, expected):
    article = make_article(facts={"fee": {"amount": 1500.5, "currency": "CNY"}})
    assert key_facts(article, language)[0].value == expected


@pytest.mark.parametrize("language, expected", [
    ("en", "25 November 2026"), ("de", "25. November 2026"), ("fr", "25 novembre 2026"), ("es", "25 de noviembre de 2026"),
    ("ru", "25 ноября 2026\u202fг."), ("zh", "2026年11月25日"), ("ja", "2026年11月25日"), ("ko", "2026년 11월 25일"),
])
def test_review_date_is_formatted_for_the_locale(language, expected):
    article = make_article()
    assert expected in render_article(article, language, {article.id: article}).text


@pytest.mark.parametrize("language, expected", [
    ("en", "30 days"), ("de", "30 Tage"), ("fr", "30\xa0jours"), ("es", "30 días"), ("ru", "30 дней"),
    ("zh", "30天"), ("ja", "30 日"), ("ko", "30일"),
])
def test_durations_are_formatted_for_the_locale(language, expected):
    article = make_article(facts={"deadline": {"value": 30, "unit": "day"}})
    assert key_facts(article, language)[0].value == expected


def test_documents_and_steps_become_lists():
    facts = {
        "documents": {language: [f"passport {language}", f"photo {language}"] for language in LANGUAGES},
        "steps": {language: [f"apply {language}", f"collect {language}"] for language in LANGUAGES},
        "where": {language: f"office {language}" for language in LANGUAGES},
    }
    article = make_article(facts=facts)
    text = render_article(article, "fr", {article.id: article}).text
    assert "**Documents à préparer**\n- passport fr\n- photo fr" in text
    assert "**Étapes**\n1. apply fr\n2. collect fr" in text
    assert "- **Où s'adresser :** office fr" in text or "- **Où s'adresser:** office fr" in text


def test_web_answer_names_its_source_and_date():
    article = make_article()
    text = render_article(article, "fr", {article.id: article}).text
    assert "text fr" in text and "authority fr" in text and "https://example.gov.cn/page" in text
    assert "25 novembre 2026" in text


def test_related_articles_become_buttons():
    other = make_article(id="work_permit.other", title={l: f"Other {l}" for l in LANGUAGES})
    article = make_article(related=("work_permit.other", "work_permit.missing"))
    buttons = render_article(article, "de", {article.id: article, other.id: other}).buttons
    assert buttons == [{"title": "Other de", "payload": '/show_article{"article_id": "work_permit.other"}'}]


def test_feedback_buttons_carry_the_article_in_every_language():
    for language in LANGUAGES:
        yes, no = feedback_buttons("work_permit.fee", language)
        assert yes["payload"] == '/give_feedback{"helpful": "yes", "article_id": "work_permit.fee"}'
        assert no["payload"] == '/give_feedback{"helpful": "no", "article_id": "work_permit.fee"}'
        assert yes["title"] != no["title"]


def test_faq_link_uses_the_public_url(monkeypatch):
    monkeypatch.delenv("HAINA_PUBLIC_URL", raising=False)
    assert faq_url("work_permit.fee", "ja") == "http://localhost:8000/faq/work_permit.fee?lang=ja"
    monkeypatch.setenv("HAINA_PUBLIC_URL", "https://haina.example.org/")
    article = make_article()
    text = render_article(article, "ko", {article.id: article}, channel="wechat").text
    assert "https://haina.example.org/faq/work_permit.sample?lang=ko" in text


def test_wechat_cuts_only_the_summary_and_keeps_link_and_source():
    long_text = {language: "长" * 3000 for language in LANGUAGES}
    article = make_article(summary=long_text)
    text = render_article(article, "zh", {article.id: article}, channel="wechat", page_url="https://h.example/faq/x").text
    assert len(text.encode("utf-8")) <= WECHAT_LIMIT_BYTES
    text.encode("utf-8").decode("utf-8")
    assert "长…" in text
    assert "https://h.example/faq/x" in text and "https://example.gov.cn/page" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_real_article_fits_wechat_in_every_language(language, monkeypatch):
    monkeypatch.setenv("HAINA_PUBLIC_URL", "https://haina-assistant.example.gov.cn/services/international-talent")
    articles = load_articles()
    for article in articles.values():
        text = render_article(article, language, articles, channel="wechat").text
        assert len(text.encode("utf-8")) <= WECHAT_LIMIT_BYTES, article.id
        assert article.text("title", language) in text and "/faq/" + article.id in text, article.id
        assert article.source_url in text, article.id
        # a real summary is short enough to arrive whole
        assert article.text("summary", language).strip() in text, article.id
