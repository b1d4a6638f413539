"""Which language a FAQ page is shown in: ?lang=, then the cookie, then Accept-Language, then English."""

from __future__ import annotations

from aiohttp import web

from haina.languages import DEFAULT_LANGUAGE, normalise

COOKIE = "haina_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def accepted_languages(header: str) -> list[str]:
    """Our languages in the order of the browser's preference (q-values honoured, ties kept in order)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        code = normalise(pieces[0])
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if code and quality > 0:
            ranked.append((-quality, position, code))
    seen: list[str] = []
    for _, _, code in sorted(ranked):
        if code not in seen:
            seen.append(code)
    return seen


def negotiate(request: web.Request) -> tuple[str, bool]:
    """(language, chosen explicitly with ?lang=): the explicit choice is remembered in a cookie."""
    asked = normalise(request.query.get("lang"))
    if asked:
        return asked, True
    remembered = normalise(request.cookies.get(COOKIE))
    if remembered:
        return remembered, False
    preferred = accepted_languages(request.headers.get("Accept-Language", ""))
    return (preferred[0] if preferred else DEFAULT_LANGUAGE), False


def remember(response: web.StreamResponse, language: str) -> None:
    response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=True)
