"""The knowledge search: each article found by its own title in every language, and sane decisions.

Top-1, not top-3: someone who types an article's exact title (as the FAQ shows it, or as a button
sent it) must get that very article, in any of the eight languages; a top-3 hit would only be
offered as one of three choices.
"""

import pytest

from haina.knowledge.search import KnowledgeSearch, SearchSettings, knowledge_search
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


def test_each_title_is_answered_directly_or_offered_first(search):
    """A title is clear enough to answer, or at least the first of the three offered choices."""
    for article in list(search.articles.values())[::7]:
        for language in LANGUAGES:
            hits = search.search(article.text("title", language), limit=3)
            assert hits[0].article_id == article.id


def test_search_within_a_topic_stays_in_it(search):
    hits = search.search("how long does it take", topic="work_permit", limit=5)
    assert hits and all(search.articles[h.article_id].topic == "work_permit" for h in hits)


def test_empty_question_finds_nothing(search):
    assert search.search("   ") == []
    assert search.relevant("   ") == []


@pytest.mark.parametrize("text", ["write me a poem about the sea", "zzqx vvbnm", "火星上的天气怎么样", "123456"])
def test_unrelated_text_is_not_answered_and_not_listed(search, text):
    hits = search.search(text, limit=3)
    assert not search.is_clear(hits)
    assert search.relevant(text) == []


@pytest.mark.parametrize("text, expected", [
    ("How many points do I need for category A?", "work_permit.points"),
    ("体检证明去哪里做", "healthcare.medical_checkup"),
    ("Ich ziehe um, muss ich mich bei der Polizei neu anmelden?", "registration.address_change"),
    ("외국인도 알리페이 쓸 수 있나요", "banking.mobile_payment"),
    ("Как вернуть пенсионные взносы при отъезде из Китая", "social_insurance.refund"),
])
def test_long_tail_questions_in_several_languages(search, text, expected):
    assert expected in [h.article_id for h in search.search(text, limit=3)]


def test_cross_language_match(search):
    article = search.articles["tax.residency"]
    hits = search.search(article.text("summary", "de"), limit=3)
    assert article.id in [h.article_id for h in hits]


def test_lexical_scores_are_bounded_and_favour_rare_words(search):
    common = search._lexical_scores("the and of on")
    telling = search._lexical_scores("gongjijin provident fund withdraw")
    assert 0.0 <= common.max() <= 1.0 and 0.0 <= telling.max() <= 1.0
    assert telling.max() > 2 * common.max()


def test_weights_change_the_ranking(search):
    lexical_only = KnowledgeSearch(search.articles, SearchSettings(dense_weight=0.0, lexical_weight=1.0))
    hits = lexical_only.search("gongjijin", limit=1)
    assert hits and hits[0].dense == pytest.approx(hits[0].dense) and hits[0].score == pytest.approx(hits[0].lexical)
