"""Chooses the knowledge article for a parsed message: the one decision the chat, `haina classify`
and (later) the staff console share.

- A confident knowledge intent answers with the best article of its topic: the intent's default
  article unless the search finds another article of that topic clearly closer to the question.
- A message the NLU is not sure about (nlu_fallback, low confidence, lookups not yet answerable)
  is searched across the whole knowledge base: a clear best hit is answered, otherwise the top
  three are offered as choices.
- Small talk and control intents are not answered from the knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from haina.intents import intent_table
from haina.knowledge.search import Hit, KnowledgeSearch, knowledge_search

CONFIDENT = 0.5  # intent confidence from which a knowledge intent is trusted
OVERRIDE_MARGIN = 0.04  # how much closer another article of the topic must be than the default
SEARCHED_INTENTS = {"nlu_fallback", "check_permit_status", "search_directory", "out_of_scope"}


@dataclass(frozen=True)
class AnswerChoice:
    """What to answer: one article, a few candidates to choose from, or nothing from the KB."""

    mode: str  # article | suggest | none
    article_id: str | None = None
    candidates: tuple[str, ...] = ()
    topic: str | None = None
    hits: tuple[Hit, ...] = field(default=(), compare=False)


def choose_answer(
    text: str,
    intent: str | None,
    confidence: float,
    search: KnowledgeSearch | None = None,
    article_id: str | None = None,
) -> AnswerChoice:
    """Decide which article answers `text`, given the NLU's intent and confidence."""
    search = search or knowledge_search()
    if article_id and article_id in search.articles:
        return AnswerChoice("article", article_id, topic=search.articles[article_id].topic)
    info = intent_table().get(intent or "")
    if info and info.kind == "knowledge" and confidence >= CONFIDENT:
        return _within_topic(text, info.topic, info.article, search)
    if info and info.kind in ("smalltalk", "control") and intent not in SEARCHED_INTENTS and confidence >= CONFIDENT:
        return AnswerChoice("none", topic=info.topic)
    hits = search.search(text, limit=3)
    if not hits:
        return AnswerChoice("none", topic=info.topic if info else None)
    if search.is_clear(hits) and intent != "out_of_scope":
        best = search.articles[hits[0].article_id]
        return AnswerChoice("article", best.id, topic=best.topic, hits=tuple(hits))
    topic = info.topic if info and confidence >= CONFIDENT else search.articles[hits[0].article_id].topic
    if intent == "out_of_scope" and confidence >= CONFIDENT:
        return AnswerChoice("none", topic="other", hits=tuple(hits))
    return AnswerChoice("suggest", candidates=tuple(h.article_id for h in hits), topic=topic, hits=tuple(hits))


def _within_topic(text: str, topic: str, default: str | None, search: KnowledgeSearch) -> AnswerChoice:
    hits = search.search(text, topic=topic, limit=5)
    if default not in search.articles:
        default = hits[0].article_id if hits else None
    if default is None:
        return AnswerChoice("none", topic=topic)
    best = hits[0] if hits else None
    default_score = next((h.score for h in hits if h.article_id == default), None)
    if best and best.article_id != default and (default_score is None or best.score - default_score >= OVERRIDE_MARGIN):
        return AnswerChoice("article", best.article_id, topic=topic, hits=tuple(hits))
    return AnswerChoice("article", default, topic=topic, hits=tuple(hits))
