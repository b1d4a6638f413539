"""Every article complete, sourced and reviewed, in eight languages, as docs/content-guide.md asks."""

import datetime as dt
import re

import pytest

from haina.intents import intent_table, taxonomy_topics
from haina.knowledge.render import LIST_FACTS, TEXT_FACTS, key_facts
from haina.knowledge.store import load_articles, problems
from haina.languages import LANGUAGES

ARTICLES = load_articles()
UNITS = {"day", "week", "month", "year", "hour"}
# Subjects issue 5 asks to cover, each with the article that covers it.
REQUIRED_SUBJECTS = {
    "categories A/B/C": "work_permit.categories", "points system": "work_permit.points",
    "degree authentication": "work_permit.degree_authentication", "no-criminal-record": "work_permit.criminal_record",
    "health check": "healthcare.medical_checkup", "work experience": "work_permit.work_experience",
    "online application": "work_permit.how_to_apply", "single window": "work_permit.single_window",
    "processing times": "work_permit.processing_time", "renewal": "work_permit.renewal",
    "change of employer": "work_permit.change_employer", "cancellation": "work_permit.cancellation",
    "Z visa to residence permit": "residence_permit.z_visa_conversion", "family visas": "residence_permit.family",
    "24-hour registration": "registration.temporary_residence", "permanent residence": "residence_permit.permanent_residence",
    "renting": "housing.renting", "contracts and deposits": "housing.contract_deposit",
    "international schools": "schooling.international_schools", "public schools": "schooling.public_schools",
    "hospitals": "healthcare.hospitals", "international clinics": "healthcare.international_clinics",
    "insurance": "healthcare.insurance", "emergency numbers": "healthcare.emergency",
    "social insurance": "social_insurance.overview", "social insurance refund": "social_insurance.refund",
    "income tax deductions": "tax.deductions", "bank accounts": "banking.bank_account",
    "mobile payment": "banking.mobile_payment", "driving licence conversion": "driving.licence_conversion",
    "Chinese classes": "integration.chinese_classes", "communities": "integration.communities",
}


def test_there_are_at_least_80_articles():
    assert len(ARTICLES) >= 80


def test_every_required_subject_has_its_article():
    assert {subject: article for subject, article in REQUIRED_SUBJECTS.items() if article not in ARTICLES} == {}


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_article_is_complete(article_id):
    article = ARTICLES[article_id]
    assert problems(article, taxonomy_topics(), set(ARTICLES)) == []
    assert dt.date(2024, 1, 1) <= article.reviewed <= dt.date.today()
    assert article_id not in article.related


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_lengths_follow_the_content_guide(article_id):
    article = ARTICLES[article_id]
    for language in LANGUAGES:
        assert len(article.summary[language]) <= 400, language
        assert len(article.body[language]) <= 2000, language
        assert len(article.title[language]) <= 100, language


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_keywords_in_every_language(article_id):
    keywords = ARTICLES[article_id].keywords
    assert sorted(keywords) == sorted(LANGUAGES)
    assert all(len(keywords[language]) >= 3 for language in LANGUAGES), keywords


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_body_has_no_html_and_no_top_headings(article_id):
    for language in LANGUAGES:
        body = ARTICLES[article_id].body[language]
        assert not re.search(r"<[a-zA-Z/][^>]*>", body), language
        assert not re.search(r"^#{1,2} ", body, re.M), language


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_facts_have_a_known_form_in_every_language(article_id):
    article = ARTICLES[article_id]
    for kind, value in article.facts.items():
        if kind in LIST_FACTS:
            assert sorted(value) == sorted(LANGUAGES), kind
            sizes = {len(value[language]) for language in LANGUAGES}
            assert len(sizes) == 1 and sizes.pop() > 0, f"{kind}: lists differ in length across languages"
        elif kind in TEXT_FACTS:
            assert sorted(value) == sorted(LANGUAGES), kind
        elif "value" in value:
            assert value["unit"] in UNITS and value["value"] > 0, kind
        else:
            assert value.get("varies") is True or ("amount" in value and value.get("currency")), kind
    for language in LANGUAGES:
        assert len(key_facts(article, language)) == len(article.facts), language


def test_every_fact_has_a_label():
    from haina.i18n import _strings

    labels = _strings()
    assert [(a.id, kind) for a in ARTICLES.values() for kind in a.facts if f"fact.{kind}" not in labels] == []


def test_every_default_article_of_an_intent_exists():
    missing = {name: info.article for name, info in intent_table().items()
               if info.kind == "knowledge" and info.article not in ARTICLES}
    assert missing == {}


def test_every_topic_but_smalltalk_has_articles():
    topics = {a.topic for a in ARTICLES.values()}
    assert set(taxonomy_topics()) - topics <= {"smalltalk", "other"}


def test_related_links_are_mostly_two_way_or_same_topic():
    """A related link points to an existing article of the same topic or one that links back (no stray links)."""
    stray = [(a.id, r) for a in ARTICLES.values() for r in a.related
             if ARTICLES[r].topic != a.topic and a.id not in ARTICLES[r].related and len(a.related) > 6]
    assert stray == []


_CJK_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}


def _numbers(text: str) -> set[str]:
    """The numbers of a text as digits: thousands separators dropped, 5万 → 50000, 二千 → 2000."""
    text = re.sub(r"(?<=\d)[,.\s\u202f\xa0](?=\d{3}(?!\d))", "", text)
    text = re.sub(r"[〇一二三四五六七八九](?=[千万])", lambda m: _CJK_DIGITS[m.group(0)], text)
    text = re.sub(r"(\d+)[万만]", lambda m: str(int(m.group(1)) * 10000), text)
    text = re.sub(r"(\d+)[千천]", lambda m: str(int(m.group(1)) * 1000), text)
    return set(re.findall(r"\d+", text))


def test_numbers_agree_across_languages():
    """The same facts in every language: each number (10 or more) of the English summary is in every summary.

    Small numbers are left out because languages often write them as words (drei, 一年级, 科目一).
    """
    mismatches = []
    for article in ARTICLES.values():
        wanted = {n for n in _numbers(article.summary["en"]) if int(n) >= 10 and n != "00"}
        for language in LANGUAGES:
            missing = wanted - _numbers(article.summary[language])
            if missing:
                mismatches.append((article.id, language, sorted(missing)))
    assert mismatches == []


def test_bodies_do_not_repeat_the_source_line():
    """The renderer adds the source with its authority and review date; a body's own copy doubled it."""
    import re

    from haina.knowledge.store import load_articles

    own = re.compile(r"(Source|来源|出典|출처|Quelle|Fuente|Источник)\s?[:：]\s*https?://")
    for article in load_articles().values():
        for language, body in article.body.items():
            assert not own.search(body), f"{article.id} ({language})"
