"""Fixtures shared by the staff console's and the handoff's tests (imported by them, no tests of its own).

- `staff_db`: a migrated and seeded SQLite database per test (copied from one seeded template), with a
  fixed passport salt so the demo application's passport verifies; HAINA_DATABASE_URL points at it.
- `cheap_hashing`: argon2id with small parameters, so that tests do not spend 0.5 s per password.
- `postgres_url`: a throwaway PostgreSQL database (fails in CI when PostgreSQL is unreachable, skips elsewhere).
- `console_client`: the web server's staff section on an aiohttp test client, Rasa at a closed port.
"""

from __future__ import annotations

import re
import shutil
import socket
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from haina import db
from haina.staff import accounts
from tests.unit.test_db import postgres_url  # noqa: F401  (a throwaway PostgreSQL database; fails in CI if none)

SALT = "staff-test-salt"
PASSWORD = "correct horse battery staple"
DEMO, DEMO_PASSPORT, DEMO_BIRTH = "SHWP-2026-004217", "E12345678", "1988-03-14"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("staff-seeded") / "template.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAINA_PASSPORT_SALT", SALT)
        db.ensure_ready(f"sqlite:///{path}")
    db.dispose(f"sqlite:///{path}")
    return path


@pytest.fixture
def staff_db(seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HAINA_PASSPORT_SALT", SALT)
    shutil.copy(seeded_template, tmp_path / "staff.db")
    url = f"sqlite:///{tmp_path / 'staff.db'}"
    monkeypatch.setenv("HAINA_DATABASE_URL", url)
    from haina.db import ready

    ready._DONE.add(f"{url}|{ready.SEED}")  # the copy is migrated and seeded already
    yield url
    db.dispose(url)


@pytest.fixture(autouse=True)
def cheap_hashing():
    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    accounts.use_hasher(PasswordHasher())


def closed_port() -> int:
    """A loopback port nothing listens on (Rasa 'down' for the console)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_staff(url: str, name: str, role: str) -> accounts.Staff:
    return accounts.create_account(name, role, PASSWORD, url=url)


@pytest.fixture
async def console_client(staff_db: str, aiohttp_client_factory):
    from aiohttp import web

    from connectors.web.server import WebSettings
    from connectors.web.staff import setup

    app = web.Application()
    rasa = f"http://127.0.0.1:{closed_port()}"
    setup(app, WebSettings(rasa, rasa, "test-token"), database_url=staff_db)
    return await aiohttp_client_factory(app)


@pytest.fixture
async def aiohttp_client_factory():
    """aiohttp's TestClient over a TestServer (without the pytest-aiohttp plugin)."""
    from aiohttp.test_utils import TestClient, TestServer

    clients: list[TestClient] = []

    async def make(app):
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def sign_in(client, username: str, password: str = PASSWORD, next_page: str = "/staff/"):
    page = await client.get("/staff/login")
    token = csrf_of(await page.text())
    return await client.post("/staff/login", data={"csrf_token": token, "username": username, "password": password,
                                                   "next": next_page}, allow_redirects=False)


async def page_csrf(client, path: str = "/staff/") -> str:
    response = await client.get(path)
    assert response.status == 200, path
    return csrf_of(await response.text())
