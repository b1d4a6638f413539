"""The knowledge search: each article found by its own title, in every language."""

import pytest

from haina.knowledge.search import knowledge_search
from haina.languages import LANGUAGES


@pytest.fixture(scope="module")
def search():
    return knowledge_search()


def test_each_article_is_found_by_its_title_in_every_language(search):
    misses = []
    for article in search.articles.values():
        for language in LANGUAGES:
            hits = search.search(article.text("title", language), limit=1)
            if not hits or hits[0].article_id != article.id:
                misses.append((article.id, language, hits[0].article_id if hits else None))
    assert misses == []


def test_search_within_a_topic_stays_in_it(search):
    hits = search.search("how long does it take", topic="work_permit", limit=5)
    assert hits and all(search.articles[h.article_id].topic == "work_permit" for h in hits)


def test_empty_question_finds_nothing(search):
    assert search.search("   ") == []


def test_cross_language_match(search):
    article = next(iter(search.articles.values()))
    hits = search.search(article.text("summary", "de"), limit=3)
    assert article.id in [h.article_id for h in hits]
