"""Agent assist: what the assistant makes of a caller's words, with the same code as the chat.

1. Understanding: the running Rasa server's NLU (`haina.staff.rasa_api.RasaApi.parse`), which
   includes haina.langid's language decision and the gazetteer's directory entities.
2. The contract's fields exactly as `haina classify` reports them (`haina.classify.predict`: language,
   topic, intent, confidence, the article it answers with) and the chat's answer choice
   (`haina.answering.choose_answer`: article, or candidates to choose from).
3. The best article rendered by haina.knowledge.render in the caller's language and in Chinese, with
   its source and review date; the top alternatives from haina.knowledge.search.
4. The directory filters the chat would use for these words (`actions.directory.criteria`, the chat's
   own function, over the parse), which the agent may change, and the results (haina.directory),
   rendered in the caller's language and in Chinese.

The caller's words are not stored or logged anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from haina import i18n
from haina.answering import choose_answer
from haina.classify import predict
from haina.knowledge.render import Fact, key_facts, source_line
from haina.knowledge.search import KnowledgeSearch
from haina.knowledge.store import Article
from haina.languages import DEFAULT_LANGUAGE, LANGUAGES

CHINESE = "zh"
MAX_TEXT = 1000
ALTERNATIVES = 4
DIRECTORY_PAGE = 5
TIME_VALUES = ("now", "today", "tonight", "tomorrow", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekend",
               "24h")


@dataclass(frozen=True)
class ArticleView:
    """One article in one language, ready for a template."""

    id: str
    language: str
    title: str
    summary: str
    body: str
    facts: tuple[Fact, ...]
    source: str  # "Source: authority, url (reviewed …)" as the chat says it
    source_url: str
    authority: str
    reviewed: dt.date


def article_view(article: Article, language: str) -> ArticleView:
    return ArticleView(
        article.id, language, article.text("title", language), article.text("summary", language),
        article.text("body", language).strip(), tuple(key_facts(article, language)), source_line(article, language),
        article.source_url, article.source_authority.get(language) or article.source_authority.get("en", ""),
        article.reviewed,
    )


@dataclass(frozen=True)
class Alternative:
    id: str
    title: str  # caller's language
    title_zh: str
    topic: str
    score: float


@dataclass(frozen=True)
class DirectoryFilters:
    """The chat's directory criteria (actions/directory.py), as the console's form shows them."""

    category: str | None = None
    district: str | None = None
    language: str | None = None
    times: tuple[str, ...] = ()
    location: str | None = None  # "lat,lon"

    @property
    def empty(self) -> bool:
        return not (self.category or self.district or self.language or self.times or self.location)


@dataclass(frozen=True)
class DirectoryResults:
    filters: DirectoryFilters
    described: str = ""  # the criteria in the console's language, as the chat words them
    results: tuple[tuple[str, str], ...] = ()  # (caller's language, Chinese) per result
    has_more: bool = False
    problem: str | None = None  # a key of bot/strings/staff.yml when the search could not run
    dropped: str | None = None  # the filter dropped because nothing matched all of them (as in the chat)


@dataclass(frozen=True)
class AssistResult:
    text: str
    language: str
    language_reason: str | None
    intent: str | None
    confidence: float
    topic: str
    mode: str  # article | suggest | none (what the chat would do)
    via: str
    best: tuple[ArticleView, ArticleView] | None = None  # (caller's language, Chinese)
    alternatives: tuple[Alternative, ...] = ()
    ranking: tuple[tuple[str, float], ...] = ()
    entities: tuple[tuple[str, str], ...] = ()
    directory: DirectoryResults | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)


def _entities(parse: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    shown = []
    for entity in parse.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if name in ("language", "language_pinned") or value is None:
            continue
        shown.append((str(name), str(value) if not isinstance(value, dict) else ",".join(map(str, value.values()))))
    return tuple(shown)


def filters_from_parse(parse: Mapping[str, Any]) -> DirectoryFilters:
    """What the chat's directory action would search for after these words (its own `criteria`)."""
    from rasa_sdk import Tracker

    from actions.directory import criteria

    tracker = Tracker("staff-assist", {}, dict(parse), [], False, None, {}, "action_listen")
    chosen = criteria(tracker)
    location = chosen.get("location")
    if isinstance(location, dict):
        location = f"{location.get('lat', location.get('latitude'))},{location.get('lon', location.get('longitude'))}"
    return DirectoryFilters(chosen.get("category"), chosen.get("district"), chosen.get("language"),
                            tuple(chosen.get("times") or ()), location or None)


def search_directory(filters: DirectoryFilters, caller_language: str, console_language: str,
                     now: dt.datetime | None = None, url: str | None = None) -> DirectoryResults:
    """Run the directory search for these filters (one page), rendered in two languages."""
    from haina.db import ensure_ready, session_scope
    from haina.directory.location import parse_location
    from haina.directory.query import DirectoryQuery, QueryError, search
    from haina.directory.render import describe, render_result
    from haina.directory.when import now_in_shanghai, resolve

    near = parse_location(filters.location) if filters.location else None
    if filters.location and near is None:
        return DirectoryResults(filters, problem="staff.directory.bad_location")
    try:
        query = DirectoryQuery(category=filters.category, district=None if near else filters.district,
                               language=filters.language, when=resolve(filters.times, now or now_in_shanghai()),
                               near=near, limit=DIRECTORY_PAGE).validated()
    except QueryError:
        return DirectoryResults(filters, problem="staff.directory.bad_filters")
    from actions.directory import RELAX_ORDER
    from haina.directory.render import describe_filter

    ensure_ready(url)
    dropped = None
    with session_scope(url) as session:
        page = search(session, query)
        for name in RELAX_ORDER if not page.results else ():  # the chat drops one filter the same way
            if getattr(query, name) is not None:
                relaxed = search(session, query.without(name))
                if relaxed.results:
                    page, dropped = relaxed, describe_filter(query, name, console_language)
                    break
        rendered = tuple((render_result(r, caller_language), render_result(r, CHINESE)) for r in page.results)
    return DirectoryResults(filters, describe(page.query, console_language), rendered, page.has_more, dropped=dropped)


def wants_directory(result_intent: str | None, filters: DirectoryFilters) -> bool:
    return result_intent == "search_directory" or filters.category is not None


def decide(text: str, parse: Mapping[str, Any], search: KnowledgeSearch, console_language: str,
           filters: DirectoryFilters | None = None, url: str | None = None) -> AssistResult:
    """Everything the console shows for one parse (CPU work: the web server runs it in a thread)."""
    fields = predict(dict(parse), text, search)
    language = fields["language"] if fields["language"] in LANGUAGES else DEFAULT_LANGUAGE
    intent = parse.get("intent") or {}
    choice = choose_answer(text, intent.get("name"), float(intent.get("confidence") or 0.0), search,
                           ranking=parse.get("intent_ranking") or [])
    best_id = fields.get("answer_id") or (choice.candidates[0] if choice.candidates else None)
    best = None
    if best_id and best_id in search.articles:
        article = search.articles[best_id]
        best = (article_view(article, language), article_view(article, CHINESE))
    hits = search.search(text, limit=ALTERNATIVES + 1)
    alternatives = tuple(
        Alternative(h.article_id, search.articles[h.article_id].text("title", language),
                    search.articles[h.article_id].text("title", CHINESE), search.articles[h.article_id].topic, h.score)
        for h in hits if h.article_id != best_id)[:ALTERNATIVES]
    ranking = tuple((str(r.get("name")), float(r.get("confidence") or 0.0))
                    for r in (parse.get("intent_ranking") or [])[:5])
    derived = filters_from_parse(parse)
    chosen = filters if filters is not None else derived
    directory = None
    if filters is not None or wants_directory(fields.get("intent"), derived):
        directory = search_directory(chosen, language, console_language, url=url)
    return AssistResult(
        text=text, language=language, language_reason=(parse.get("language_decision") or {}).get("reason"),
        intent=fields.get("intent"), confidence=float(fields.get("confidence") or 0.0), topic=fields["topic"],
        mode="article" if fields.get("answer_id") else choice.mode, via=choice.via, best=best,
        alternatives=alternatives, ranking=ranking, entities=_entities(parse), directory=directory,
    )


def with_timings(result: AssistResult, **timings: float) -> AssistResult:
    return replace(result, timings_ms={k: round(v, 1) for k, v in timings.items()})


def time_label(value: str, language: str) -> str:
    """A time filter's name in the console's language (weekdays from Babel, the rest from staff.yml)."""
    from babel.dates import get_day_names

    if value in TIME_VALUES[4:11]:
        return get_day_names("wide", locale=i18n.locale(language))[TIME_VALUES.index(value) - 4]
    return i18n.t(f"staff.time.{value}", language)
