"""Loads and checks the articles of knowledge/<topic>/<slug>.yml."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from haina import paths
from haina.languages import LANGUAGES

TEXT_FIELDS = ("title", "summary", "body")


@dataclass(frozen=True)
class Article:
    id: str
    topic: str
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    source_authority: dict[str, str]
    source_url: str
    reviewed: dt.date
    related: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    path: Path | None = None

    def text(self, name: str, language: str) -> str:
        """A text field in a language, falling back to English only if the article lacks it."""
        values: dict[str, str] = getattr(self, name)
        return values.get(language) or values.get("en", "")

    def search_text(self, language: str) -> str:
        """What the search indexes for one language: title, keywords, summary and body."""
        words = " ".join(self.keywords.get(language, ()))
        return "\n".join([self.text("title", language), words, self.text("summary", language), self.text("body", language)])


class ArticleError(ValueError):
    """An article file that does not follow docs/content-guide.md."""


def parse_article(path: Path, root: Path) -> Article:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ArticleError(f"{path}: not a YAML mapping")
    expected_id = f"{path.parent.name}.{path.stem}"
    source = data.get("source") or {}
    authority = source.get("authority") or {}
    if isinstance(authority, str):
        authority = {language: authority for language in LANGUAGES}
    reviewed = data.get("reviewed")
    if isinstance(reviewed, str):
        reviewed = dt.date.fromisoformat(reviewed)
    article = Article(
        id=str(data.get("id", "")),
        topic=str(data.get("topic", "")),
        title=dict(data.get("title") or {}),
        summary=dict(data.get("summary") or {}),
        body=dict(data.get("body") or {}),
        source_authority=dict(authority),
        source_url=str(source.get("url", "")),
        reviewed=reviewed,
        related=tuple(data.get("related") or ()),
        facts=dict(data.get("facts") or {}),
        keywords={k: tuple(str(w) for w in v or ()) for k, v in (data.get("keywords") or {}).items()},
        path=path.relative_to(root) if path.is_relative_to(root) else path,
    )
    if article.id != expected_id:
        raise ArticleError(f"{path}: id {article.id!r} should be {expected_id!r}")
    return article


@lru_cache(maxsize=4)
def load_articles(root: Path = paths.KNOWLEDGE) -> dict[str, Article]:
    """Every article by id, sorted by id so that indexes built from them are reproducible."""
    articles = {}
    for path in sorted(root.glob("*/*.yml")):
        if path.parent.name.startswith("_"):
            continue
        article = parse_article(path, root)
        articles[article.id] = article
    return dict(sorted(articles.items()))


def problems(article: Article, known_topics: tuple[str, ...], known_ids: set[str]) -> list[str]:
    """What is wrong with an article, in plain words (empty when it is complete)."""
    found = []
    if article.topic not in known_topics:
        found.append(f"topic {article.topic!r} is not in the taxonomy")
    if not article.id.startswith(article.topic + "."):
        found.append("id does not start with its topic")
    for name in TEXT_FIELDS:
        values = getattr(article, name)
        missing = [language for language in LANGUAGES if not str(values.get(language, "")).strip()]
        if missing:
            found.append(f"{name} missing in {', '.join(missing)}")
    missing_auth = [language for language in LANGUAGES if not article.source_authority.get(language)]
    if missing_auth:
        found.append(f"source authority missing in {', '.join(missing_auth)}")
    if not article.source_url.startswith(("http://", "https://")):
        found.append("source url missing")
    if not isinstance(article.reviewed, dt.date):
        found.append("review date missing")
    for other in article.related:
        if other not in known_ids:
            found.append(f"related article {other!r} does not exist")
    return found
