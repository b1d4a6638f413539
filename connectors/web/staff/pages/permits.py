"""/staff/permits: a caller's permit status, through haina.permits (same lockout, same answer), audited.

The verification the caller gives (passport number or date of birth) is used once and never shown
again: the form comes back empty in that field, and the audit log never holds it.
"""

from __future__ import annotations

from aiohttp import web

from connectors.web.staff import blocking, console, requires
from connectors.web.staff.render import console_language, render
from haina.languages import LANGUAGES, normalise
from haina.staff.permit_lookup import look_up_for_caller

MAX_FIELD = 200


@requires("permits")
async def permits_page(request: web.Request) -> web.Response:
    language, _ = console_language(request)
    return render(request, "permits.html", answer=None, number="", reason="", caller_language=language,
                  languages=LANGUAGES)


@requires("permits")
async def permits_submit(request: web.Request) -> web.Response:
    form = await request.post()
    language, _ = console_language(request)
    number = str(form.get("application_number") or "")[:MAX_FIELD]
    verification = str(form.get("verification") or "")[:MAX_FIELD]
    reason = str(form.get("reason") or "")[:1000]
    caller_language = normalise(str(form.get("caller_language") or "")) or language
    answer = await blocking(look_up_for_caller, request["staff"].staff, number, verification, reason, language,
                            caller_language, console(request).database_url)
    status = 400 if answer.problem or answer.outcome == "invalid" else 200
    return render(request, "permits.html", status=status, answer=answer, number=answer.number or number,
                  reason=reason if answer.problem else "", caller_language=caller_language, languages=LANGUAGES)


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/staff/permits", permits_page)
    router.add_post("/staff/permits", permits_submit)
