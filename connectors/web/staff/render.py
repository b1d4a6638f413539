"""Server-side rendering of the console's pages: Jinja2 with autoescape, texts from bot/strings/staff.yml.

The console's language comes from ?lang=, the cookie the FAQ pages also use, or Accept-Language
(connectors.web.faq.language), so a staff member's choice holds on both.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from connectors.web.faq.language import negotiate, remember
from connectors.web.faq.markup import body_html
from haina import i18n
from haina.languages import AUTONYMS, LANGUAGES
from haina.staff.assist import time_label
from haina.staff.permissions import capabilities
from haina.staff.sessions import SignedIn

HERE = Path(__file__).resolve().parent
PREFIX = "/staff"
# The menu, in order: capability -> (path, text key).
MENU = {
    "assist": ("/staff/assist", "staff.nav.assist"),
    "permits": ("/staff/permits", "staff.nav.permits"),
    "queue": ("/staff/queue", "staff.nav.queue"),
    "insights": ("/staff/insights", "staff.nav.insights"),
    "audit": ("/staff/audit", "staff.nav.audit"),
}
# Chinese and English first: the hotline works in them; the other six follow.
SWITCHER = ("zh", "en") + tuple(code for code in LANGUAGES if code not in ("zh", "en"))

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")),
    autoescape=jinja2.select_autoescape(["html"], default=True),
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)


def pager(query: dict[str, str], offset: int) -> str:
    """The same query string with another offset (the audit log's pages)."""
    return urlencode({**{k: v for k, v in query.items() if k != "offset"}, "offset": str(max(0, offset))})


ENV.globals.update(body_html=body_html, time_label=time_label, pager=pager)


def local_time(moment: dt.datetime | None, language: str) -> str:
    """A naive-UTC timestamp as Shanghai date and time for the console's language."""
    if moment is None:
        return ""
    from babel.dates import format_datetime, get_timezone

    aware = moment.replace(tzinfo=dt.timezone.utc)
    return format_datetime(aware, format="short", tzinfo=get_timezone("Asia/Shanghai"), locale=i18n.locale(language))


class Page:
    """What every template gets: language, texts, the signed-in person, their menu and CSRF token."""

    def __init__(self, request: web.Request, language: str, signed: SignedIn | None) -> None:
        self.request = request
        self.language = language
        self.signed = signed
        self.languages = [(code, AUTONYMS[code]) for code in SWITCHER]
        self.autonyms = AUTONYMS

    @property
    def csrf(self) -> str:
        return self.signed.csrf_token if self.signed else ""

    @property
    def menu(self) -> list[tuple[str, str, bool]]:
        if not self.signed:
            return []
        allowed = capabilities(self.signed.staff.role)
        return [(path, self.t(key), self.request.path.startswith(path)) for name, (path, key) in MENU.items()
                if name in allowed]

    def can(self, capability: str) -> bool:
        return bool(self.signed) and capability in capabilities(self.signed.staff.role)

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(key, self.language, **values)

    def t_in(self, key: str, language: str, **values: Any) -> str:
        return i18n.t(key, language, **values)

    def t_html(self, key: str, **values: Any) -> Markup:
        return Markup(escape(i18n.t(key, self.language))).format(**values)

    def time(self, moment: dt.datetime | None) -> str:
        return local_time(moment, self.language)

    def date(self, day: dt.date) -> str:
        return i18n.date(day, self.language)

    def number(self, value: float) -> str:
        return i18n.number(value, self.language)

    def percent(self, value: float | None) -> str:
        if value is None:
            return "–"
        from babel.numbers import format_percent

        return format_percent(value, locale=i18n.locale(self.language))

    def language_name(self, code: str | None) -> str:
        return AUTONYMS.get(code or "", code or "–")

    def switch_url(self, code: str) -> str:
        params = dict(self.request.query)
        params["lang"] = code
        return f"{self.request.path}?{urlencode(params)}"


def console_language(request: web.Request) -> tuple[str, bool]:
    return negotiate(request)


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    language, explicit = console_language(request)
    page = Page(request, language, request.get("staff"))
    html = ENV.get_template(template).render(page=page, lang=language, **context)
    response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
    response.headers["Content-Language"] = language
    if explicit:
        remember(response, language)
    return response


def fragment(request: web.Request, template: str, **context: Any) -> str:
    """A piece of HTML rendered with the page's context (for the pages that poll)."""
    language, _ = console_language(request)
    page = Page(request, language, request.get("staff"))
    return ENV.get_template(template).render(page=page, lang=language, **context)
