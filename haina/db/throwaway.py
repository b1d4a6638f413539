"""Throwaway PostgreSQL databases for tests and benchmarks: created with a random name, dropped after.

The server is HAINA_TEST_POSTGRES (default postgresql+psycopg2://postgres@127.0.0.1:5432/postgres,
trust auth as in CI).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from haina.db.engine import dispose

SERVER_ENV = "HAINA_TEST_POSTGRES"
DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    return os.environ.get(SERVER_ENV) or DEFAULT_SERVER


def unreachable_reason(url: str | None = None) -> str | None:
    """Why PostgreSQL cannot be used (None when it answers)."""
    engine = sa.create_engine(url or server_url(), future=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return None
    except Exception as error:  # any driver error means "not usable here"
        return f"PostgreSQL at {make_url(url or server_url()).render_as_string(hide_password=True)} is unreachable: {type(error).__name__}"
    finally:
        engine.dispose()


@contextmanager
def temporary_database(prefix: str = "haina_test", url: str | None = None) -> Iterator[str]:
    """The URL of a new empty database, dropped (with its connections) when the block ends."""
    server = make_url(url or server_url())
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        target = server.set(database=name).render_as_string(hide_password=False)
        try:
            yield target
        finally:
            dispose(target)
            with admin.connect() as connection:
                connection.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
                    {"name": name})
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()
