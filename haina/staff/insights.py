"""Feedback and evaluation for editors and supervisors, from the rows the chat writes (haina.feedback).

- `feedback_report`: the "Did this help?" answers per article, per topic and per language (yes, no,
  share helpful) for a period, optionally one language or topic.
- `question_groups`: the questions the assistant could not answer or answered with low confidence
  (question_log, already redacted), grouped so that one gap shows once: first by normalised text
  (Unicode NFKC, case-folded, punctuation and spaces removed), then groups whose e5 embeddings
  (haina.text.embeddings, the model the search uses) are at least SIMILAR apart are merged.
  Each group says how often, in which languages, what the assistant thought (intent, topic, the article
  it offered) and gives its texts as training examples to paste into nlu_data/<language>/train/.
- `daily`: per Shanghai day, helpful / not helpful answers and logged questions per outcome (the charts).
- CSV for all three.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import sqlalchemy as sa

from haina import db
from haina.db.models import QUESTION_OUTCOMES, Feedback, QuestionLog, utcnow
from haina.knowledge.store import Article

SHANGHAI_OFFSET = dt.timedelta(hours=8)  # Asia/Shanghai has no daylight saving time
SIMILAR = 0.92  # e5 cosine similarity from which two questions are taken as the same question
MAX_QUESTIONS = 3000  # the newest questions of the period that are grouped
EXAMPLES = 5
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
REVIEWED = ("fallback", "low_confidence", "suggested")


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date  # inclusive, Shanghai days

    @classmethod
    def last_days(cls, days: int, today: dt.date | None = None) -> "Period":
        today = today or (utcnow() + SHANGHAI_OFFSET).date()
        return cls(today - dt.timedelta(days=days - 1), today)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as naive-UTC bounds [start, end)."""
        start = dt.datetime.combine(self.since, dt.time()) - SHANGHAI_OFFSET
        end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time()) - SHANGHAI_OFFSET
        return start, end

    def days(self) -> list[dt.date]:
        return [self.since + dt.timedelta(days=n) for n in range((self.until - self.since).days + 1)]


def shanghai_day(moment: dt.datetime) -> dt.date:
    return (moment + SHANGHAI_OFFSET).date()


@dataclass(frozen=True)
class Tally:
    key: tuple[str, ...]
    yes: int
    no: int

    @property
    def total(self) -> int:
        return self.yes + self.no

    @property
    def share(self) -> float | None:
        return self.yes / self.total if self.total else None


@dataclass(frozen=True)
class FeedbackReport:
    by_article: list[Tally]  # key: (article_id, topic, language)
    by_topic: list[Tally]  # key: (topic,)
    by_language: list[Tally]  # key: (language,)
    yes: int
    no: int


def _sorted(counts: dict[tuple[str, ...], list[int]]) -> list[Tally]:
    tallies = [Tally(k, v[0], v[1]) for k, v in counts.items()]
    return sorted(tallies, key=lambda t: (-(t.no), -(t.total), t.key))


def feedback_report(period: Period, articles: dict[str, Article], language: str | None = None,
                    topic: str | None = None, url: str | None = None) -> FeedbackReport:
    """Yes/no counts per article, topic and language in the period (most 'no' first)."""
    start, end = period.bounds()
    query = (sa.select(Feedback.article_id, Feedback.language, Feedback.helpful, sa.func.count())
             .where(Feedback.created_at >= start, Feedback.created_at < end)
             .group_by(Feedback.article_id, Feedback.language, Feedback.helpful))
    if language:
        query = query.where(Feedback.language == language)
    by_article: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    by_topic: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    by_language: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    with db.session_scope(url) as session:
        rows = session.execute(query).all()
    for article_id, lang, helpful, n in rows:
        article_topic = articles[article_id].topic if article_id in articles else "other"
        if topic and article_topic != topic:
            continue
        slot = 0 if helpful else 1
        by_article[(article_id, article_topic, lang)][slot] += n
        by_topic[(article_topic,)][slot] += n
        by_language[(lang,)][slot] += n
    yes = sum(v[0] for v in by_topic.values())
    no = sum(v[1] for v in by_topic.values())
    return FeedbackReport(_sorted(by_article), _sorted(by_topic), _sorted(by_language), yes, no)


@dataclass
class Daily:
    days: list[dt.date]
    helpful: list[int]
    not_helpful: list[int]
    questions: dict[str, list[int]]  # outcome -> count per day


def daily(period: Period, language: str | None = None, url: str | None = None) -> Daily:
    """Counts per Shanghai day for the charts."""
    start, end = period.bounds()
    days = period.days()
    position = {day: i for i, day in enumerate(days)}
    result = Daily(days, [0] * len(days), [0] * len(days), {o: [0] * len(days) for o in REVIEWED})
    feedback = sa.select(Feedback.created_at, Feedback.helpful).where(Feedback.created_at >= start,
                                                                      Feedback.created_at < end)
    questions = sa.select(QuestionLog.created_at, QuestionLog.outcome).where(
        QuestionLog.created_at >= start, QuestionLog.created_at < end, QuestionLog.outcome.in_(REVIEWED))
    if language:
        feedback = feedback.where(Feedback.language == language)
        questions = questions.where(QuestionLog.language == language)
    with db.session_scope(url) as session:
        for moment, helpful in session.execute(feedback):
            i = position.get(shanghai_day(moment))
            if i is not None:
                (result.helpful if helpful else result.not_helpful)[i] += 1
        for moment, outcome in session.execute(questions):
            i = position.get(shanghai_day(moment))
            if i is not None:
                result.questions[outcome][i] += 1
    return result


def normalise(text: str) -> str:
    """The form in which two typings of one question compare equal."""
    return _PUNCT.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


@dataclass
class QuestionGroup:
    text: str  # the most frequent form
    count: int = 0
    texts: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    intents: Counter = field(default_factory=Counter)
    topics: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)
    last_seen: dt.datetime | None = None

    def merge(self, other: "QuestionGroup") -> None:
        self.count += other.count
        for name in ("texts", "languages", "outcomes", "intents", "topics", "answers"):
            getattr(self, name).update(getattr(other, name))
        if other.last_seen and (self.last_seen is None or other.last_seen > self.last_seen):
            self.last_seen = other.last_seen
        self.text = self.texts.most_common(1)[0][0]

    def top(self, name: str) -> str | None:
        found = getattr(self, name).most_common(1)
        return found[0][0] if found else None

    def examples(self, limit: int = EXAMPLES) -> list[str]:
        return [text for text, _ in self.texts.most_common(limit)]


def _exact_groups(rows: Iterable[tuple]) -> list[QuestionGroup]:
    groups: dict[str, QuestionGroup] = {}
    for text, language, outcome, intent, topic, answer, created in rows:
        key = normalise(text)
        if not key:
            continue
        group = groups.setdefault(key, QuestionGroup(text))
        group.count += 1
        group.texts[text] += 1
        group.languages[language or "?"] += 1
        group.outcomes[outcome] += 1
        if intent:
            group.intents[intent] += 1
        if topic:
            group.topics[topic] += 1
        if answer:
            group.answers[answer] += 1
        if group.last_seen is None or created > group.last_seen:
            group.last_seen = created
    for group in groups.values():
        group.text = group.texts.most_common(1)[0][0]
    return list(groups.values())


def merge_similar(groups: list[QuestionGroup], vectors: np.ndarray, threshold: float = SIMILAR) -> list[QuestionGroup]:
    """Greedy merge: biggest groups first, each later group joins the first earlier one it is close to."""
    order = sorted(range(len(groups)), key=lambda i: -groups[i].count)
    kept: list[int] = []
    for i in order:
        home = next((k for k in kept if float(vectors[k] @ vectors[i]) >= threshold), None)
        if home is None:
            kept.append(i)
        else:
            groups[home].merge(groups[i])
    return sorted((groups[k] for k in kept), key=lambda g: (-g.count, g.text))


def question_groups(period: Period, language: str | None = None, outcome: str | None = None,
                    similar: bool = True, url: str | None = None) -> list[QuestionGroup]:
    """The period's reviewed questions grouped (see the module docstring), biggest first."""
    start, end = period.bounds()
    query = (sa.select(QuestionLog.text, QuestionLog.language, QuestionLog.outcome, QuestionLog.intent,
                       QuestionLog.topic, QuestionLog.answer_id, QuestionLog.created_at)
             .where(QuestionLog.created_at >= start, QuestionLog.created_at < end)
             .order_by(QuestionLog.created_at.desc()).limit(MAX_QUESTIONS))
    query = query.where(QuestionLog.outcome == outcome) if outcome in QUESTION_OUTCOMES \
        else query.where(QuestionLog.outcome.in_(REVIEWED))
    if language:
        query = query.where(QuestionLog.language == language)
    with db.session_scope(url) as session:
        rows = session.execute(query).all()
    groups = _exact_groups(rows)
    if similar and len(groups) > 1:
        from haina.text.embeddings import embed_queries

        groups = merge_similar(groups, embed_queries([g.text for g in groups]))
    return sorted(groups, key=lambda g: (-g.count, g.text))


def training_snippet(group: QuestionGroup) -> str:
    """The group's texts as NLU training examples (YAML), for the intent the assistant guessed."""
    intent = group.top("intents") or "INTENT"
    lines = [f"- intent: {intent}", "  examples: |"]
    lines += [f"    - {text}" for text in group.examples()]
    return "\n".join(lines)


def _csv(rows: Iterable[Iterable[object]], header: Iterable[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet must not run it as a formula
    return value


def feedback_csv(report: FeedbackReport) -> str:
    return _csv(((a, t, lang, x.yes, x.no, f"{x.share:.3f}" if x.share is not None else "")
                 for x in report.by_article for a, t, lang in [x.key]),
                ("article_id", "topic", "language", "helpful", "not_helpful", "share_helpful"))


def questions_csv(groups: list[QuestionGroup]) -> str:
    return _csv(((g.text, g.count, ";".join(f"{k}:{v}" for k, v in g.languages.most_common()),
                  ";".join(f"{k}:{v}" for k, v in g.outcomes.most_common()), g.top("intents") or "",
                  g.top("topics") or "", g.top("answers") or "",
                  g.last_seen.isoformat(timespec="seconds") + "Z" if g.last_seen else "", " | ".join(g.examples()))
                 for g in groups),
                ("text", "count", "languages", "outcomes", "intent", "topic", "article_offered", "last_seen_utc",
                 "examples"))


def daily_csv(series: Daily) -> str:
    return _csv(((day.isoformat(), series.helpful[i], series.not_helpful[i],
                  *[series.questions[o][i] for o in REVIEWED]) for i, day in enumerate(series.days)),
                ("day", "helpful", "not_helpful", *[f"questions_{o}" for o in REVIEWED]))
