"""/staff/login (the sign-in form: username, password, hidden CSRF token) and /staff/logout."""

from __future__ import annotations

from aiohttp import web

from connectors.web.staff import blocking, console, security
from connectors.web.staff.render import render
from haina.staff import sessions
from haina.staff.signin import OK, THROTTLED, sign_in

MAX_FIELD = 256


def _form(request: web.Request, status: int = 200, problem: str | None = None, notice: str | None = None,
          username: str = "", next_target: str | None = None) -> web.Response:
    nonce, new = security.login_nonce(request)
    response = render(request, "login.html", status=status, problem=problem, notice=notice, username=username,
                      next=security.safe_next(next_target or request.query.get("next")), csrf=security.login_form_token(nonce))
    if new:
        security.set_login_cookie(response, request, nonce)
    return response


async def login_page(request: web.Request) -> web.Response:
    signed = None
    token = request.cookies.get(security.COOKIE)
    if token:
        signed = await blocking(sessions.resume, token, console(request).database_url)
    if signed is not None:
        raise web.HTTPFound(security.safe_next(request.query.get("next")))
    notice = "staff.login.ended" if request.query.get("ended") else (
        "staff.login.signed_out" if request.query.get("bye") else None)
    return _form(request, notice=notice)


async def login_submit(request: web.Request) -> web.Response:
    form = await request.post()
    username = str(form.get("username") or "")[:MAX_FIELD]
    target = str(form.get("next") or "")
    password = str(form.get("password") or "")[:MAX_FIELD]
    if not security.login_form_valid(request, str(form.get(security.CSRF_FIELD) or "")) \
            or not security.same_origin(request):
        return _form(request, status=403, problem="staff.login.form_expired", username=username,
                     next_target=target)
    if not username.strip() or not password:
        return _form(request, status=400, problem="staff.login.missing", username=username,
                     next_target=target)
    address = request.remote or "unknown"
    result = await blocking(sign_in, username, password, address, console(request).database_url)
    if result.outcome != OK or result.token is None:
        problem = "staff.login.throttled" if result.outcome == THROTTLED else "staff.login.refused"
        return _form(request, status=429 if result.outcome == THROTTLED else 401, problem=problem, username=username,
                     next_target=target)
    response = web.HTTPSeeOther(security.safe_next(target))
    security.set_session_cookie(response, request, result.token)
    response.del_cookie(security.LOGIN_COOKIE, path=security.COOKIE_PATH)
    raise response


async def logout(request: web.Request) -> web.Response:
    await blocking(sessions.end, request.cookies.get(security.COOKIE), console(request).database_url)
    response = web.HTTPSeeOther("/staff/login?bye=1")
    security.clear_session_cookie(response)
    raise response


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/staff/login", login_page)
    router.add_post("/staff/login", login_submit)
    router.add_post("/staff/logout", logout)
