"""Every article complete and sourced; the search finds each article by its own title."""

import datetime as dt

import pytest

from haina.intents import intent_table, taxonomy_topics
from haina.knowledge.store import load_articles, problems
from haina.languages import LANGUAGES

ARTICLES = load_articles()


def test_there_are_articles():
    assert len(ARTICLES) >= 1


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_article_is_complete(article_id):
    article = ARTICLES[article_id]
    assert problems(article, taxonomy_topics(), set(ARTICLES)) == []
    assert article.reviewed <= dt.date.today()


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_summary_fits_a_chat_bubble(article_id):
    for language in LANGUAGES:
        assert len(ARTICLES[article_id].summary[language]) <= 600, language


def test_every_default_article_of_an_intent_exists():
    missing = {name: info.article for name, info in intent_table().items()
               if info.kind == "knowledge" and info.article not in ARTICLES}
    assert missing == {}


def test_every_topic_but_smalltalk_has_articles():
    topics = {a.topic for a in ARTICLES.values()}
    assert set(taxonomy_topics()) - topics <= {"smalltalk", "other"}


def test_every_fact_has_a_label_and_a_known_form():
    from haina.i18n import _strings
    from haina.knowledge.render import fact_lines

    labels = _strings()
    for article in ARTICLES.values():
        for kind in article.facts:
            assert f"fact.{kind}" in labels, (article.id, kind)
        for language in LANGUAGES:
            assert len(fact_lines(article, language)) == len(article.facts), (article.id, language)
