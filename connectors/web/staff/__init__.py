"""The hotline staff console under /staff/ (issue 8): sign-in, assist, permit lookups for callers, the
human handoff queue, the audit log and the feedback reports.

Server-side rendered (Jinja2, autoescaped), in the portal style of the chat and FAQ pages. This
package only adapts HTTP to the core: haina.staff (accounts, sessions, permissions, audit, assist,
insights) and haina.handoff (queue, transcript). The middleware below signs every request in or
sends it to /staff/login, checks the CSRF token of every state-changing request, and turns failures
into a polite page in the console's language.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import quote

from aiohttp import ClientSession, web

from connectors.web.staff import security
from connectors.web.staff.render import PREFIX, render
from haina.knowledge.search import KnowledgeSearch, knowledge_search
from haina.staff import sessions
from haina.staff.permissions import can
from haina.staff.rasa_api import RasaApi

HERE = Path(__file__).resolve().parent
logger = logging.getLogger(__name__)
LOGIN = f"{PREFIX}/login"
STATIC = f"{PREFIX}/static/"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Console:
    """The console's share of the web server: where Rasa and the database are, and shared clients."""

    rasa_url: str
    token: str | None
    database_url: str | None = None  # None: HAINA_DATABASE_URL / var/haina.db, as everywhere
    search: KnowledgeSearch | None = None
    rasa: RasaApi | None = field(default=None, init=False)

    def knowledge(self) -> KnowledgeSearch:
        if self.search is None:
            self.search = knowledge_search()
        return self.search


CONSOLE_KEY = web.AppKey("haina_staff_console", Console)


def console(request: web.Request) -> Console:
    return request.app[CONSOLE_KEY]


async def blocking(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run database and CPU work off the event loop (argon2, embeddings, queries)."""
    return await asyncio.to_thread(functools.partial(function, *args, **kwargs))


def _wants_json(request: web.Request) -> bool:
    return request.path.endswith(".json") or "application/json" in request.headers.get("Accept", "")


@web.middleware
async def staff_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sign-in, CSRF and polite errors for every /staff/ request."""
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return await handler(request)
    try:
        if request.path == LOGIN or request.path.startswith(STATIC):
            return await handler(request)
        token = request.cookies.get(security.COOKIE)
        signed = await blocking(sessions.resume, token, console(request).database_url) if token else None
        if signed is None:
            if _wants_json(request):
                return web.json_response({"error": "signed_out"}, status=401)
            target = request.path_qs if request.method == "GET" else PREFIX + "/"
            query = f"?next={quote(target, safe='')}" + ("&ended=1" if token else "")
            response = web.HTTPFound(f"{LOGIN}{query}")
            if token:
                security.clear_session_cookie(response)
            raise response
        request["staff"] = signed
        if request.method not in security.SAFE_METHODS:
            given = request.headers.get(security.CSRF_HEADER)
            if given is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                given = (await request.post()).get(security.CSRF_FIELD)
            if not security.same_origin(request) or not sessions.csrf_matches(signed.csrf_token, str(given or "")):
                return _refused(request)
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as problem:
        if _wants_json(request):
            return web.json_response({"error": "not_found"}, status=problem.status)
        return render(request, "error.html", status=problem.status, message="staff.error.not_found")
    except web.HTTPException:
        raise
    except Exception:  # never a stack trace for staff; the log says what failed
        logger.exception("staff console page failed: %s %s", request.method, request.path)
        if _wants_json(request):
            return web.json_response({"error": "failed"}, status=500)
        return render(request, "error.html", status=500, message="staff.error.failed")


def _refused(request: web.Request) -> web.StreamResponse:
    if _wants_json(request):
        return web.json_response({"error": "csrf"}, status=403)
    return render(request, "error.html", status=403, message="staff.error.csrf")


def requires(capability: str) -> Callable[[Handler], Handler]:
    """Only staff whose role has the capability reach the handler; others get 'not allowed' (403)."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            signed = request.get("staff")
            if signed is None or not can(signed.staff.role, capability):
                if _wants_json(request):
                    return web.json_response({"error": "forbidden"}, status=403)
                return render(request, "error.html", status=403, message="staff.error.forbidden")
            return await handler(request)

        return checked

    return wrap


async def _client(app: web.Application) -> Any:
    state = app[CONSOLE_KEY]
    async with ClientSession() as session:
        state.rasa = RasaApi(state.rasa_url, state.token, session)
        yield
        state.rasa = None


def setup(app: web.Application, settings: Any = None, database_url: str | None = None,
          search: KnowledgeSearch | None = None) -> None:
    """Add the console's routes to the web server (called by connectors/web/server.py)."""
    from connectors.web.staff.pages import assist, audit, handoff, home, insights, login, permits

    rasa_api = getattr(settings, "rasa_api", None) or "http://127.0.0.1:5005"
    app[CONSOLE_KEY] = Console(rasa_api, getattr(settings, "token", None), database_url, search)
    app.middlewares.append(staff_middleware)
    app.on_response_prepare.append(security.protective_headers)
    app.cleanup_ctx.append(_client)
    router = app.router
    router.add_static(f"{PREFIX}/static/", HERE / "static", show_index=False)
    for module in (login, home, assist, permits, handoff, audit, insights):
        module.routes(router)
