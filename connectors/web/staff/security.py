"""Sign-in state, CSRF protection and protective headers for everything under /staff/.

- The session cookie `haina_staff` holds a random token (haina.staff.sessions keeps only its hash):
  HttpOnly, SameSite=Strict, Path=/staff, Secure when the request came over HTTPS (or
  HAINA_STAFF_SECURE_COOKIE=1 behind a TLS proxy). No Max-Age: the server decides when it expires.
- Every request that is not GET/HEAD/OPTIONS must carry the session's CSRF token, in the form field
  `csrf_token` or the header `X-CSRF-Token` (synchronizer token pattern), and an Origin header, when
  the browser sends one, must be this server. The sign-in form, before there is a session, carries
  an HMAC of a random cookie (signed double submit).
- Pages are never cached, never framed, and run only the console's own scripts (CSP).
"""

from __future__ import annotations

import hmac
import os
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from haina import privacy

COOKIE = "haina_staff"
LOGIN_COOKIE = "haina_staff_login"
COOKIE_PATH = "/staff"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECURE_ENV = "HAINA_STAFF_SECURE_COOKIE"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
}


def secure_cookies(request: web.Request) -> bool:
    return request.secure or os.environ.get(SECURE_ENV) == "1"


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    response.set_cookie(COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="Strict",
                        secure=secure_cookies(request))


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path=COOKIE_PATH)


def login_nonce(request: web.Request) -> tuple[str, bool]:
    """The sign-in form's random cookie value: (value, whether it is new and must be set)."""
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if 32 <= len(nonce) <= 100:
        return nonce, False
    return secrets.token_urlsafe(32), True


def login_form_token(nonce: str) -> str:
    """The hidden field of the sign-in form: an HMAC of the form's cookie under the installation's secret."""
    return privacy.keyed_hash(nonce, "staff_login_form")


def set_login_cookie(response: web.StreamResponse, request: web.Request, nonce: str) -> None:
    response.set_cookie(LOGIN_COOKIE, nonce, path=COOKIE_PATH, httponly=True, samesite="Strict",
                        secure=secure_cookies(request))


def login_form_valid(request: web.Request, given: str | None) -> bool:
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if not nonce or not given:
        return False
    return hmac.compare_digest(login_form_token(nonce).encode(), given.encode("utf-8"))


def same_origin(request: web.Request) -> bool:
    """False only when the browser says the request came from another site."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.host


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a console page of this server, never another site."""
    if target and target.startswith("/staff/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff/"


async def protective_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path == COOKIE_PATH or request.path.startswith(COOKIE_PATH + "/"):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
