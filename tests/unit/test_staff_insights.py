"""Feedback reports (per article, topic, language), the unanswered questions grouped (normalised text,
then e5 similarity), daily series on Shanghai days, and CSV that a spreadsheet cannot run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from haina import db
from haina.db.models import Feedback, QuestionLog
from haina.knowledge.store import load_articles
from haina.staff import insights
from tests.unit.test_staff_helpers import cheap_hashing, seeded_template, staff_db  # noqa: F401

DAY = dt.date(2026, 11, 20)
PERIOD = insights.Period(DAY, DAY + dt.timedelta(days=2))


def at(days: int, hour_utc: int) -> dt.datetime:
    return dt.datetime.combine(DAY + dt.timedelta(days=days), dt.time(hour_utc))


@pytest.fixture
def rows(staff_db):
    with db.session_scope(staff_db) as session:
        for article, language, helpful, when in [
            ("work_permit.processing_time", "en", True, at(0, 2)), ("work_permit.processing_time", "en", False, at(0, 3)),
            ("work_permit.processing_time", "zh", False, at(1, 2)), ("banking.bank_account", "de", True, at(1, 3)),
            ("banking.bank_account", "de", True, at(2, 20)),  # 04:00 on the 23rd in Shanghai: outside the period
            ("work_permit.processing_time", "en", True, at(-1, 17)),  # 01:00 on the 20th in Shanghai: inside
        ]:
            session.add(Feedback(article_id=article, language=language, helpful=helpful, created_at=when))
        for text, language, outcome, when in [
            ("Where can I buy a bike?", "en", "fallback", at(0, 5)), ("where can i buy a bike", "en", "fallback", at(1, 5)),
            ("WHERE can I buy a bike!!", "en", "suggested", at(1, 6)), ("哪里可以买自行车？", "zh", "fallback", at(1, 7)),
            ("Can I bring my cat to Shanghai?", "en", "low_confidence", at(2, 1)),
            ("my passport E12345678 was stolen", "en", "fallback", at(2, 2)),
            ("How long does a work permit take", "en", "answered", at(2, 3)),  # answered well: not for review
        ]:
            session.add(QuestionLog.record(text=text, outcome=outcome, language=language, channel="socketio",
                                           intent="nlu_fallback", confidence=0.2))
            session.flush()
        session.execute(QuestionLog.__table__.update().values(created_at=at(1, 0)))
    return staff_db


def test_feedback_per_article_topic_and_language(rows):
    report = insights.feedback_report(PERIOD, load_articles(), url=rows)
    assert (report.yes, report.no) == (3, 2)
    by_article = {t.key: (t.yes, t.no) for t in report.by_article}
    assert by_article == {("work_permit.processing_time", "work_permit", "en"): (2, 1),
                          ("work_permit.processing_time", "work_permit", "zh"): (0, 1),
                          ("banking.bank_account", "banking", "de"): (1, 0)}
    assert [t.key[2] for t in report.by_article] == ["en", "zh", "de"]  # most "not helpful", then most answers
    assert {t.key: t.share for t in report.by_topic} == {("work_permit",): 0.5, ("banking",): 1.0}
    only_german = insights.feedback_report(PERIOD, load_articles(), language="de", url=rows)
    assert (only_german.yes, only_german.no) == (1, 0)
    only_banking = insights.feedback_report(PERIOD, load_articles(), topic="banking", url=rows)
    assert [t.key for t in only_banking.by_topic] == [("banking",)]


def test_the_daily_series_counts_shanghai_days(rows):
    series = insights.daily(PERIOD, url=rows)
    assert series.days == [DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)]
    assert series.helpful == [2, 1, 0] and series.not_helpful == [1, 1, 0]
    assert sum(series.questions["fallback"]) == 4 and sum(series.questions["suggested"]) == 1
    assert "answered" not in series.questions


def test_questions_are_grouped_by_normalised_text_and_stored_redacted(rows):
    groups = insights.question_groups(PERIOD, similar=False, url=rows)
    bike = groups[0]
    assert bike.count == 3 and bike.outcomes == {"fallback": 2, "suggested": 1} and bike.languages == {"en": 3}
    texts = [g.text for g in groups]
    assert "my passport [passport] was stolen" in texts and not any("E12345678" in t for t in texts)
    assert "How long does a work permit take" not in texts
    assert len(groups) == 4
    assert insights.normalise("WHERE can I buy a bike!!") == insights.normalise("where can i buy a bike")


def test_similar_groups_merge_by_embedding():
    groups = [insights.QuestionGroup("where can I buy a bike", 3), insights.QuestionGroup("where to buy a bicycle", 1),
              insights.QuestionGroup("can I bring my cat", 2)]
    for g in groups:
        g.texts[g.text] = g.count
    vectors = np.array([[1.0, 0.0], [0.96, 0.28], [0.0, 1.0]], dtype=np.float32)
    merged = insights.merge_similar(groups, vectors, threshold=0.92)
    assert [(g.text, g.count) for g in merged] == [("where can I buy a bike", 4), ("can I bring my cat", 2)]
    assert merged[0].examples() == ["where can I buy a bike", "where to buy a bicycle"]


def test_real_e5_embeddings_merge_paraphrases_but_not_other_questions(rows):
    groups = insights.question_groups(PERIOD, url=rows)
    by_text = {g.text: g for g in groups}
    assert "Can I bring my cat to Shanghai?" in by_text
    assert by_text["Can I bring my cat to Shanghai?"].count == 1


def test_csv_exports(rows):
    report = insights.feedback_report(PERIOD, load_articles(), url=rows)
    lines = insights.feedback_csv(report).splitlines()
    assert lines[0] == "article_id,topic,language,helpful,not_helpful,share_helpful"
    assert "work_permit.processing_time,work_permit,en,2,1,0.667" in lines
    questions = insights.questions_csv(insights.question_groups(PERIOD, similar=False, url=rows)).splitlines()
    assert questions[0].startswith("text,count,languages,outcomes") and insights.normalise(questions[1].split(",")[0]) == "where can i buy a bike"
    assert questions[1].split(",")[1:4] == ["3", "en:3", "fallback:2;suggested:1"]
    daily = insights.daily_csv(insights.daily(PERIOD, url=rows)).splitlines()
    assert daily[1] == "2026-11-20,2,1,0,0,0" and daily[0].startswith("day,helpful,not_helpful,questions_fallback")
    assert insights._cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"


def test_a_group_becomes_training_examples():
    group = insights.QuestionGroup("where can I buy a bike", 2)
    group.texts.update({"where can I buy a bike": 1, "where to buy a bicycle": 1})
    group.intents["daily_services"] += 2
    assert insights.training_snippet(group) == ("- intent: daily_services\n  examples: |\n"
                                                "    - where can I buy a bike\n    - where to buy a bicycle")
