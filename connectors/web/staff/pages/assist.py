"""/staff/assist: the caller's words in, what the assistant understands and answers out (haina.staff.assist).

A POST (the words may hold personal data: they never go into a URL or a log). The directory filters
start from what the chat would use and can be changed by the agent in the same form.
"""

from __future__ import annotations

import time

from aiohttp import web
from multidict import MultiDictProxy

from connectors.web.staff import blocking, console, requires
from connectors.web.staff.render import console_language, render
from haina.db.models import DISTRICTS, SERVICE_CATEGORIES
from haina.languages import LANGUAGES
from haina.staff.assist import MAX_TEXT, TIME_VALUES, DirectoryFilters, decide, with_timings
from haina.staff.rasa_api import RasaUnavailable


def filter_options() -> dict[str, tuple[str, ...]]:
    return {"categories": SERVICE_CATEGORIES, "districts": DISTRICTS, "languages": LANGUAGES, "times": TIME_VALUES}


def filters_from_form(form: MultiDictProxy) -> DirectoryFilters:
    """The directory filters the agent chose (unknown values are dropped, not trusted)."""
    def one(name: str, allowed: tuple[str, ...]) -> str | None:
        value = str(form.get(name) or "")
        return value if value in allowed else None

    times = tuple(v for v in (str(x) for x in form.getall("d_times", [])) if v in TIME_VALUES)
    location = str(form.get("d_location") or "").strip()[:60] or None
    return DirectoryFilters(one("d_category", SERVICE_CATEGORIES), one("d_district", DISTRICTS),
                            one("d_language", LANGUAGES), times, location)


@requires("assist")
async def assist_page(request: web.Request) -> web.Response:
    return render(request, "assist.html", text="", result=None, problem=None, options=filter_options())


@requires("assist")
async def assist_submit(request: web.Request) -> web.Response:
    form = await request.post()
    text = str(form.get("text") or "").strip()
    options = filter_options()
    if not text:
        return render(request, "assist.html", status=400, text="", result=None, problem="staff.assist.empty",
                      options=options)
    if len(text) > MAX_TEXT:
        return render(request, "assist.html", status=400, text=text[:MAX_TEXT], result=None,
                      problem="staff.assist.too_long", options=options)
    state = console(request)
    language, _ = console_language(request)
    started = time.perf_counter()
    try:
        parse = await state.rasa.parse(text)  # type: ignore[union-attr]
    except (RasaUnavailable, AttributeError):
        return render(request, "assist.html", status=503, text=text, result=None, problem="staff.assist.unavailable",
                      options=options)
    parsed = time.perf_counter()
    filters = filters_from_form(form) if form.get("action") == "directory" else None
    result = await blocking(decide, text, parse, state.knowledge(), language, filters, state.database_url)
    done = time.perf_counter()
    result = with_timings(result, understanding=1000 * (parsed - started), answers=1000 * (done - parsed))
    return render(request, "assist.html", text=text, result=result, problem=None, options=options)


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/staff/assist", assist_page)
    router.add_post("/staff/assist", assist_submit)
