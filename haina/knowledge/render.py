"""Turns an article into chat messages for one language and one channel.

Web and REST show the whole answer; WeChat (issue 7) gets the summary and a link within 2,048
bytes. Facts are formatted with Babel for the user's locale; every answer names its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from haina import i18n
from haina.knowledge.store import Article

WECHAT_LIMIT_BYTES = 2048


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def fact_lines(article: Article, language: str) -> list[str]:
    """'Processing time: 10 working days', each key fact on a line, in the user's locale."""
    lines = []
    for kind, value in article.facts.items():
        shown = _format_fact(value, language)
        if shown:
            lines.append(f"{i18n.t('fact.' + kind, language)}: {shown}")
    return lines


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


def source_line(article: Article, language: str) -> str:
    authority = article.source_authority.get(language) or article.source_authority.get("en", "")
    return i18n.t("source", language, authority=authority, url=article.source_url,
                  date=i18n.date(article.reviewed, language))


def related_buttons(article: Article, language: str, articles: dict[str, Article]) -> list[dict[str, str]]:
    return [article_button(articles[other], language) for other in article.related if other in articles]


def article_button(article: Article, language: str) -> dict[str, str]:
    return {"title": article.text("title", language), "payload": f'/show_article{{"article_id": "{article.id}"}}'}


def render_article(article: Article, language: str, articles: dict[str, Article], channel: str = "web",
                   page_url: str | None = None) -> Rendered:
    """The answer message: title, answer, key facts and source (and related questions as buttons)."""
    facts = fact_lines(article, language)
    if channel == "wechat":
        parts = [article.text("title", language), article.text("summary", language), *facts]
        if page_url:
            parts.append(i18n.t("read_more", language, url=page_url))
        parts.append(source_line(article, language))
        return Rendered(_fit_bytes("\n\n".join(parts), WECHAT_LIMIT_BYTES))
    parts = [f"**{article.text('title', language)}**", article.text("body", language).strip()]
    if facts:
        parts.append("\n".join(f"- {line}" for line in facts))
    parts.append(source_line(article, language))
    return Rendered("\n\n".join(parts), related_buttons(article, language, articles))


def _fit_bytes(text: str, limit: int) -> str:
    """Cut a text to a byte limit at a character boundary, ending with an ellipsis when cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[: limit - len("…".encode("utf-8"))].decode("utf-8", errors="ignore")
    return cut.rstrip() + "…"
