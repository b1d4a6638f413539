"""The FAQ self-service pages under /faq/: topics, a topic's articles, search, and each article.

Server-side rendered with Jinja2 (autoescaped) from the same knowledge base and the same ranking
(haina.knowledge.search) as the chat, in the language negotiated from ?lang=, a cookie or the
browser's Accept-Language. Texts come from bot/strings/faq.yml and knowledge.yml.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from connectors.web.faq.language import negotiate, remember
from connectors.web.faq.markup import body_html
from haina import i18n
from haina.intents import taxonomy_topics
from haina.knowledge.render import key_facts
from haina.knowledge.search import KnowledgeSearch, knowledge_search
from haina.knowledge.store import Article
from haina.languages import AUTONYMS, LANGUAGES

HERE = Path(__file__).resolve().parent
PREFIX = "/faq"
MAX_QUERY = 200
RESULTS = 10
NOT_BROWSED = ("smalltalk",)
logger = logging.getLogger(__name__)
SEARCH_KEY = web.AppKey("haina_faq_search", KnowledgeSearch)


ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")),
    autoescape=jinja2.select_autoescape(["html"], default=True),
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)


class Page:
    """What every template gets: the language, the texts, and links that keep the language."""

    def __init__(self, request: web.Request, language: str) -> None:
        self.request = request
        self.language = language
        self.languages = [(code, AUTONYMS[code]) for code in LANGUAGES]

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(key, self.language, **values)

    def t_html(self, key: str, **values: Any) -> Markup:
        """A text with HTML pieces in it (a <time>): the text is escaped, Markup values are kept."""
        return Markup(escape(i18n.t(key, self.language))).format(**values)

    def topic_name(self, topic: str) -> str:
        return i18n.t(f"topic.{topic}", self.language)

    def url(self, path: str, **query: str) -> str:
        params = {"lang": self.language, **{k: v for k, v in query.items() if v}}
        return f"{path}?{urlencode(params)}"

    def switch_url(self, code: str) -> str:
        params = dict(self.request.query)
        params["lang"] = code
        return f"{self.request.path}?{urlencode(params)}"


def _render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    language, explicit = negotiate(request)
    page = Page(request, language)
    html = ENV.get_template(template).render(page=page, lang=language, **context)
    response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    if explicit:
        remember(response, language)
    return response


def _search(request: web.Request) -> KnowledgeSearch:
    return request.app[SEARCH_KEY]


def _topics(search: KnowledgeSearch) -> list[tuple[str, list[Article]]]:
    by_topic: dict[str, list[Article]] = {}
    for article in search.articles.values():
        by_topic.setdefault(article.topic, []).append(article)
    return [(topic, by_topic[topic]) for topic in taxonomy_topics() if topic in by_topic and topic not in NOT_BROWSED]


async def index(request: web.Request) -> web.Response:
    return _render(request, "index.html", topics=_topics(_search(request)))


async def topic_page(request: web.Request) -> web.Response:
    topic = request.match_info["topic"]
    topics = dict(_topics(_search(request)))
    if topic not in topics:
        return _not_found(request)
    return _render(request, "topic.html", topic=topic, articles=topics[topic], topics=list(topics))


async def search_page(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    search = _search(request)
    topics = _topics(search)
    if not query:
        return _render(request, "search.html", query="", hits=[], problem="faq.query_empty", topics=topics, status=400)
    if len(query) > MAX_QUERY:
        return _render(request, "search.html", query=query[:MAX_QUERY] + "…", hits=[], problem="faq.query_too_long",
                       length=len(query), topics=topics, status=400)
    hits = [search.articles[h.article_id] for h in search.relevant(query, limit=RESULTS)]
    return _render(request, "search.html", query=query, hits=hits, problem=None, topics=topics)


async def article_page(request: web.Request) -> web.Response:
    article = _search(request).articles.get(request.match_info["article_id"])
    if article is None:
        return _not_found(request)
    language, _ = negotiate(request)
    articles = _search(request).articles
    related = [articles[other] for other in article.related if other in articles]
    return _render(
        request, "article.html", article=article, body=body_html(article.text("body", language)),
        facts=key_facts(article, language), related=related,
        reviewed=Markup('<time datetime="{}">{}</time>').format(article.reviewed.isoformat(),
                                                                 i18n.date(article.reviewed, language)),
        authority=article.source_authority.get(language) or article.source_authority.get("en", ""),
    )


def _not_found(request: web.Request) -> web.Response:
    return _render(request, "not_found.html", status=404, topics=_topics(_search(request)))


@web.middleware
async def polite_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Unknown /faq/ addresses and unexpected failures get a page in the user's language."""
    if not request.path.startswith(PREFIX + "/") and request.path != PREFIX:
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return _not_found(request)
    except web.HTTPException:
        raise
    except Exception:  # never a stack trace for the user; the log says what failed
        logger.exception("FAQ page failed: %s", request.path)
        return _render(request, "error.html", status=500)


def setup(app: web.Application, settings: Any = None, search: KnowledgeSearch | None = None) -> None:
    """Add the FAQ routes to the web server (called by connectors/web/server.py)."""
    app[SEARCH_KEY] = search or knowledge_search()
    app.middlewares.append(polite_errors)

    async def to_index(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{PREFIX}/" + (f"?{request.query_string}" if request.query_string else ""))

    app.router.add_get(PREFIX, to_index)
    app.router.add_get(f"{PREFIX}/", index)
    app.router.add_get(f"{PREFIX}/search", search_page)
    app.router.add_static(f"{PREFIX}/static/", HERE / "static", show_index=False)
    app.router.add_get(f"{PREFIX}/topic/{{topic}}", topic_page)
    app.router.add_get(f"{PREFIX}/{{article_id}}", article_page)
