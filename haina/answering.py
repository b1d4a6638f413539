"""Chooses the knowledge article for a parsed message: the one decision the chat, `haina classify`
and (later) the staff console share.

- A confident knowledge intent answers with the best article of its topic: the intent's default
  article unless the search finds another article of that topic clearly closer to the question.
- When no intent is confident but the intents of one topic together are (say, two work-permit
  intents share the probability), the search looks within that topic.
- Otherwise the whole knowledge base is searched: a clear best hit is answered, else the top
  three are offered as choices.
- Small talk and control intents are not answered from the knowledge base.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from haina.intents import intent_table
from haina.knowledge.search import Hit, KnowledgeSearch, knowledge_search

CONFIDENT = 0.35  # intent confidence from which an intent is trusted (the NLU fallback is at 0.3)
TOPIC_CONFIDENT = 0.3  # summed confidence of one topic's intents from which the topic is trusted
OVERRIDE_MARGIN = 0.06  # how much closer (fused score) another article of the topic must be than the default
# Chosen with the NLU's parses of its held-out questions (2,522 of knowledge intents): the answer is
# the intent's default article for 89.1 % with no override, 88.0 % at 0.06, 86.3 % at 0.04. The
# default is a lower bound of "right" (a question may rightly want a neighbouring article), so 0.06
# keeps the override for clearly closer articles. The cross-topic rule below: dev topics +2/106,
# held-out topics -0.1 point.
CROSS_TOPIC_BELOW = 0.8  # intent confidence under which a clear answer of another topic may win
CROSS_TOPIC_MARGIN = 0.03  # how much closer (fused score) that answer must be than the intent's article
SEARCHED_INTENTS = {"nlu_fallback", "check_permit_status", "search_directory"}
NOT_A_TOPIC = {"smalltalk", "other"}


@dataclass(frozen=True)
class AnswerChoice:
    """What to answer: one article, a few candidates to choose from, or nothing from the KB."""

    mode: str  # article | suggest | none
    article_id: str | None = None
    candidates: tuple[str, ...] = ()
    topic: str | None = None
    hits: tuple[Hit, ...] = field(default=(), compare=False)
    via: str = "intent"  # button | intent | topic | search | smalltalk | out_of_scope: how it was chosen

    @property
    def review_reason(self) -> str | None:
        """Why staff should look at this question (question_log), or None when it went well.

        `fallback`: nothing from the knowledge base (also a question judged out of scope, which may
        show a gap in the content); `suggested`: only candidates offered;
        `low_confidence`: answered from the search because no intent was confident.
        """
        if self.via in ("button", "smalltalk"):
            return None
        if self.mode == "none":
            return "fallback"
        if self.mode == "suggest":
            return "suggested"
        if self.via in ("topic", "search"):
            return "low_confidence"
        return None


    def as_dict(self) -> dict[str, Any]:
        """The choice as plain data, as the NLU hands it on in the parse (`answer_choice`)."""
        return {"mode": self.mode, "article_id": self.article_id, "candidates": list(self.candidates),
                "topic": self.topic, "via": self.via}

    @classmethod
    def from_dict(cls, data: Any) -> "AnswerChoice | None":
        """The choice a parse carries, or None when it carries none (or something unreadable)."""
        if not isinstance(data, dict) or data.get("mode") not in ("article", "suggest", "none"):
            return None
        return cls(mode=data["mode"], article_id=data.get("article_id"),
                   candidates=tuple(data.get("candidates") or ()), topic=data.get("topic"),
                   via=str(data.get("via") or "intent"))


PARSE_KEY = "answer_choice"  # where the NLU (bot/nlu/answer_chooser.py) puts its choice in a parse


def topic_confidence(ranking: Sequence[dict[str, Any]]) -> tuple[str | None, float]:
    """The domain topic whose intents hold the most probability in the NLU's ranking, and that sum."""
    totals: dict[str, float] = defaultdict(float)
    table = intent_table()
    for entry in ranking:
        info = table.get(entry.get("name") or "")
        if info and info.topic not in NOT_A_TOPIC and info.kind in ("knowledge", "lookup"):
            totals[info.topic] += float(entry.get("confidence") or 0.0)
    if not totals:
        return None, 0.0
    topic = max(totals, key=totals.get)
    return topic, totals[topic]


def choose_answer(
    text: str,
    intent: str | None,
    confidence: float,
    search: KnowledgeSearch | None = None,
    article_id: str | None = None,
    ranking: Sequence[dict[str, Any]] = (),
) -> AnswerChoice:
    """Decide which article answers `text`, given the NLU's intent, confidence and ranking."""
    search = search or knowledge_search()
    if article_id and article_id in search.articles:
        return AnswerChoice("article", article_id, topic=search.articles[article_id].topic, via="button")
    info = intent_table().get(intent or "")
    if info and info.kind == "knowledge" and confidence >= CONFIDENT:
        chosen = _within_topic(text, info.topic, info.article, search)
        if confidence < CROSS_TOPIC_BELOW:
            return _other_topic_if_clearly_better(text, chosen, search)
        return chosen
    if info and info.kind in ("smalltalk", "control") and confidence >= CONFIDENT:
        if intent == "out_of_scope":
            return AnswerChoice("none", topic="other", via="out_of_scope")
        return AnswerChoice("none", topic=info.topic, via="smalltalk")
    topic, total = topic_confidence(ranking)
    if topic and total >= TOPIC_CONFIDENT:
        hits = search.search(text, topic=topic, limit=3)
        if hits and search.is_clear(hits, needed_dense=0.0):
            return AnswerChoice("article", hits[0].article_id, topic=topic, hits=tuple(hits), via="topic")
        return AnswerChoice("suggest", candidates=tuple(h.article_id for h in hits), topic=topic, hits=tuple(hits),
                            via="topic")
    hits = search.search(text, limit=3)
    if not hits:
        return AnswerChoice("none", topic=topic or "other", via="search")
    if search.is_clear(hits):
        best = search.articles[hits[0].article_id]
        return AnswerChoice("article", best.id, topic=best.topic, hits=tuple(hits), via="search")
    return AnswerChoice("suggest", candidates=tuple(h.article_id for h in hits),
                        topic=search.articles[hits[0].article_id].topic, hits=tuple(hits), via="search")


def _other_topic_if_clearly_better(text: str, chosen: AnswerChoice, search: KnowledgeSearch) -> AnswerChoice:
    """A less than sure intent gives way when the whole knowledge base has a clear, much closer
    answer in another topic (the NLU often confuses neighbouring topics: 登记 in "register a marriage"
    is not the police registration)."""
    hits = search.search(text, limit=3)
    if not hits or not search.is_clear(hits):
        return chosen
    best = search.articles[hits[0].article_id]
    ours = next((h.score for h in chosen.hits if h.article_id == chosen.article_id), None)
    if best.topic != chosen.topic and (ours is None or hits[0].score - ours >= CROSS_TOPIC_MARGIN):
        return AnswerChoice("article", best.id, topic=best.topic, hits=tuple(hits), via="search")
    return chosen


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
