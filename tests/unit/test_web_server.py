"""The chat page in every language, its assets, and the language endpoint's checks."""

import json
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from connectors.web.server import make_app, page_strings
from haina.languages import LANGUAGES


@pytest.fixture
async def client():
    app = make_app("http://localhost:5005", "http://127.0.0.1:1", token="t")
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.mark.parametrize("language", LANGUAGES)
async def test_chat_page_in_each_language(client, language):
    response = await client.get(f"/?lang={language}")
    assert response.status == 200
    page = await response.text()
    assert f'<html lang="{language}">' in page
    heading = page_strings()[language]["heading"]
    assert heading.replace("'", "&#x27;") in page
    config = json.loads(re.search(r'<script id="haina-config" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert config["socketUrl"] == "http://localhost:5005" and config["language"] == language


async def test_browser_language_is_the_default(client):
    response = await client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"})
    assert '<html lang="ko">' in await response.text()


async def test_unknown_language_falls_back_to_english(client):
    response = await client.get("/?lang=xx", headers={"Accept-Language": "pt-BR"})
    assert '<html lang="en">' in await response.text()


async def test_health_and_assets(client):
    assert (await client.get("/health")).status == 200
    assert (await client.get("/static/chat.js")).status == 200
    assert (await client.get("/static/portal.css")).status == 200


@pytest.mark.parametrize(
    "body, status",
    [("not json", 400), (json.dumps({"session_id": "abc", "language": "xx"}), 400),
     (json.dumps({"session_id": "../etc", "language": "ja"}), 400),
     (json.dumps({"session_id": "abc", "language": "ja"}), 502)],
)
async def test_language_endpoint_checks_its_input(client, body, status):
    response = await client.post("/api/language", data=body, headers={"Content-Type": "application/json"})
    assert response.status == status
    assert "error" in await response.json()
