"""Rendering an article for a language and a channel."""

import datetime as dt

from haina.knowledge.render import WECHAT_LIMIT_BYTES, fact_lines, render_article
from haina.knowledge.store import Article
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


def test_wechat_answer_fits_2048_bytes_without_breaking_characters():
    long_text = {language: "长" * 3000 for language in LANGUAGES}
    article = make_article(summary=long_text)
    text = render_article(article, "zh", {article.id: article}, channel="wechat").text
    assert len(text.encode("utf-8")) <= WECHAT_LIMIT_BYTES
    text.encode("utf-8").decode("utf-8")
    assert text.endswith("…")
