"""The project's web server (aiohttp): the chat page on /, its assets, and /health.

The page embeds the rasa-webchat widget, which the set-up installs from the npm registry into
connectors/web/static/vendor/ (`make web`); it talks to Rasa's socket.io channel directly.
Other pages on the same server (the FAQ under /faq/, the staff console under /staff/) are
sections: packages of connectors/web/ named in SECTIONS, each with `setup(app, settings)`.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import importlib
import importlib.util
import json
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from aiohttp import ClientError, ClientSession, ClientTimeout, web

from haina.languages import AUTONYMS, DEFAULT_LANGUAGE, LANGUAGES

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
logger = logging.getLogger(__name__)
# Packages that add pages to this server; one that does not exist yet is simply not served.
SECTIONS = ("connectors.web.faq", "connectors.web.staff")


@dataclass(frozen=True)
class WebSettings:
    """What every section may need: where Rasa is, for the browser and for this server."""

    rasa_url: str
    rasa_api: str
    token: str | None = None


SETTINGS_KEY = web.AppKey("haina_settings", WebSettings)


@lru_cache(maxsize=1)
def page_strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load((HERE / "page_strings.yml").read_text(encoding="utf-8"))


def pick_language(request: web.Request) -> str:
    """?lang= first, then the browser's Accept-Language, then English."""
    asked = request.query.get("lang", "")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def render_chat_page(language: str, rasa_url: str) -> str:
    strings = page_strings()
    texts = strings[language]
    options = "\n".join(
        f'<option value="{code}"{" selected" if code == language else ""} lang="{code}">{html.escape(AUTONYMS[code])}</option>'
        for code in LANGUAGES
    )
    template = (TEMPLATES / "chat.html").read_text(encoding="utf-8")
    replacements = {
        "{{lang}}": language,
        "{{options}}": options,
        # JSON inside <script type="application/json">: only "</" needs escaping there.
        "{{config}}": json.dumps({"socketUrl": rasa_url, "language": language, "strings": strings},
                                 ensure_ascii=False).replace("</", "<\\/"),
        **{f"{{{{{key}}}}}": html.escape(value) for key, value in texts.items()},
    }
    for key, value in replacements.items():
        template = template.replace(key, value)
    return template


SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


async def set_conversation_language(rasa_api: str, token: str | None, session_id: str, language: str) -> bool:
    """Tell Rasa that the user picked a language: the same slots an explicit request sets."""
    events = [
        {"event": "slot", "name": "language", "value": language},
        {"event": "slot", "name": "language_pinned", "value": language},
    ]
    params = {"token": token} if token else {}
    url = f"{rasa_api}/conversations/{session_id}/tracker/events"
    timeout = ClientTimeout(total=10)
    async with ClientSession(timeout=timeout) as session:
        async with session.post(url, json=events, params=params) as response:
            return response.status == 200


def make_app(rasa_url: str, rasa_api: str | None = None, token: str | None = None) -> web.Application:
    app = web.Application(client_max_size=16 * 1024)
    rasa_api = rasa_api or rasa_url
    settings = WebSettings(rasa_url, rasa_api, token)
    app[SETTINGS_KEY] = settings

    async def chat_page(request: web.Request) -> web.Response:
        return web.Response(text=render_chat_page(pick_language(request), rasa_url), content_type="text/html")

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def language(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "expected a JSON body"}, status=400)
        session_id, language = body.get("session_id"), body.get("language")
        if language not in LANGUAGES:
            return web.json_response({"error": f"language must be one of {', '.join(LANGUAGES)}"}, status=400)
        if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
            return web.json_response({"error": "missing or malformed session_id"}, status=400)
        try:
            ok = await set_conversation_language(rasa_api, token, session_id, language)
        except (ClientError, asyncio.TimeoutError):
            ok = False
        if not ok:
            return web.json_response({"error": "the assistant is not reachable right now"}, status=502)
        return web.json_response({"language": language})

    app.router.add_get("/", chat_page)
    app.router.add_post("/api/language", language)
    app.router.add_get("/health", health)
    app.router.add_static("/static/", STATIC, show_index=False)
    for section in SECTIONS:
        if importlib.util.find_spec(section) is not None:
            importlib.import_module(section).setup(app, settings)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Haina's web server (chat page).")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url", default="http://localhost:5005", help="Rasa as the browser reaches it")
    parser.add_argument("--rasa-api", default=None, help="Rasa as this server reaches it (default: --rasa-url)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    app = make_app(args.rasa_url, args.rasa_api, os.environ.get("HAINA_RASA_TOKEN"))
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
