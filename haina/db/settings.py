"""Where the application database is: env HAINA_DATABASE_URL, else SQLite under var/.

Read on every call (not cached) so that tests and `haina run` can point a process at another database.
"""

from __future__ import annotations

import os

from haina import paths

URL_ENV = "HAINA_DATABASE_URL"


def default_url() -> str:
    return f"sqlite:///{paths.VAR / 'haina.db'}"


def database_url() -> str:
    """HAINA_DATABASE_URL (e.g. postgresql+psycopg2://user@host/haina), else sqlite:///<var>/haina.db."""
    return os.environ.get(URL_ENV) or default_url()
