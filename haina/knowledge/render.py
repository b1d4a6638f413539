"""Turns an article into chat messages for one language and one channel.

Web and REST show the whole answer with its key facts (documents and steps as lists); WeChat gets
the title, the summary, the short facts and a link to the article's FAQ page, within 2,048 bytes
(the link and the source are never cut, only the summary). Durations, money and dates are
formatted with Babel for the user's locale; every answer names its source and review date.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from haina import i18n
from haina.knowledge.store import Article

WECHAT_LIMIT_BYTES = 2048
DEFAULT_PUBLIC_URL = "http://localhost:8000"
# Facts that hold a text per language (a place), or a list of texts per language.
TEXT_FACTS = ("where",)
LIST_FACTS = ("documents", "steps")
ORDERED_FACTS = ("steps",)


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Fact:
    """One key fact ready to show: a short value ('10 working days') or a list of items."""

    kind: str
    label: str
    value: str | None = None
    items: tuple[str, ...] = ()
    ordered: bool = False


def public_url() -> str:
    """Where users reach the web server (the FAQ pages), from HAINA_PUBLIC_URL."""
    return (os.environ.get("HAINA_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def faq_url(article_id: str, language: str, base: str | None = None) -> str:
    """The address of an article's FAQ page in a language."""
    return f"{(base or public_url()).rstrip('/')}/faq/{quote(article_id)}?lang={quote(language)}"


def key_facts(article: Article, language: str) -> list[Fact]:
    """The article's structured facts in the user's locale, in the order the file gives them."""
    found = []
    for kind, value in article.facts.items():
        label = i18n.t("fact." + kind, language)
        if kind in LIST_FACTS:
            items = _localised(value, language)
            if isinstance(items, list) and items:
                found.append(Fact(kind, label, items=tuple(str(i) for i in items), ordered=kind in ORDERED_FACTS))
        elif kind in TEXT_FACTS:
            text = _localised(value, language)
            if isinstance(text, str) and text.strip():
                found.append(Fact(kind, label, value=text.strip()))
        else:
            shown = _format_fact(value, language)
            if shown:
                found.append(Fact(kind, label, value=shown))
    return found


def fact_lines(article: Article, language: str) -> list[str]:
    """'Processing time: 10 working days': each short fact on a line (lists are left out)."""
    return [f"{fact.label}: {fact.value}" for fact in key_facts(article, language) if fact.value is not None]


def _localised(value: Any, language: str) -> Any:
    if isinstance(value, dict):
        return value.get(language) or value.get("en")
    return None


def _format_fact(value: Any, language: str) -> str | None:
    if not isinstance(value, dict):
        return None
    if value.get("varies"):
        return i18n.t("fee.varies", language)
    if "amount" in value:
        amount = float(value["amount"])
        return i18n.t("fee.free", language) if amount == 0 else i18n.money(amount, value.get("currency", "CNY"), language)
    if "value" in value and "unit" in value:
        shown = i18n.duration(value["value"], value["unit"], language, working=bool(value.get("working")))
        return i18n.t("up_to", language, value=shown) if value.get("up_to") else shown
    return None


def _markdown_facts(facts: list[Fact]) -> str:
    blocks = []
    short = [f"- **{fact.label}:** {fact.value}" for fact in facts if fact.value is not None]
    if short:
        blocks.append("\n".join(short))
    for fact in facts:
        if fact.items:
            lines = [f"{n}. {item}" if fact.ordered else f"- {item}" for n, item in enumerate(fact.items, start=1)]
            blocks.append(f"**{fact.label}**\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def source_line(article: Article, language: str) -> str:
    authority = article.source_authority.get(language) or article.source_authority.get("en", "")
    return i18n.t("source", language, authority=authority, url=article.source_url,
                  date=i18n.date(article.reviewed, language))


def related_buttons(article: Article, language: str, articles: dict[str, Article]) -> list[dict[str, str]]:
    return [article_button(articles[other], language) for other in article.related if other in articles]


def article_button(article: Article, language: str) -> dict[str, str]:
    return {"title": article.text("title", language), "payload": f'/show_article{{"article_id": "{article.id}"}}'}


def feedback_buttons(article_id: str, language: str) -> list[dict[str, str]]:
    """'Did this help?' answers; the payload carries the article so that an old button still counts."""
    return [
        {"title": i18n.t("helpful.yes", language),
         "payload": f'/give_feedback{{"helpful": "yes", "article_id": "{article_id}"}}'},
        {"title": i18n.t("helpful.no", language),
         "payload": f'/give_feedback{{"helpful": "no", "article_id": "{article_id}"}}'},
    ]


def render_article(article: Article, language: str, articles: dict[str, Article], channel: str = "web",
                   page_url: str | None = None) -> Rendered:
    """The answer message: title, answer, key facts and source (and related questions as buttons)."""
    facts = key_facts(article, language)
    if channel == "wechat":
        return Rendered(_wechat_text(article, language, facts, page_url or faq_url(article.id, language)))
    parts = [f"**{article.text('title', language)}**", article.text("body", language).strip()]
    listed = _markdown_facts(facts)
    if listed:
        parts.append(listed)
    parts.append(source_line(article, language))
    return Rendered("\n\n".join(parts), related_buttons(article, language, articles))


def _wechat_text(article: Article, language: str, facts: list[Fact], page_url: str) -> str:
    """Title, summary, short facts, link and source; only the summary is shortened to fit."""
    head = article.text("title", language)
    short = "\n".join(f"{fact.label}: {fact.value}" for fact in facts if fact.value is not None)
    tail = [part for part in (short, i18n.t("read_more", language, url=page_url), source_line(article, language)) if part]
    fixed = "\n\n".join([head, *tail])
    room = WECHAT_LIMIT_BYTES - len(fixed.encode("utf-8")) - len("\n\n\n\n".encode("utf-8"))
    summary = fit_bytes(article.text("summary", language).strip(), max(room, 0))
    text = "\n\n".join(part for part in [head, summary, *tail] if part)
    return fit_bytes(text, WECHAT_LIMIT_BYTES)


def fit_bytes(text: str, limit: int) -> str:
    """Cut a text to a byte limit at a character boundary, ending with an ellipsis when cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    ellipsis = "…".encode("utf-8")
    if limit < len(ellipsis):
        return ""
    cut = data[: limit - len(ellipsis)].decode("utf-8", errors="ignore")
    return cut.rstrip() + "…"
