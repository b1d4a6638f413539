"""One SQLAlchemy engine per database URL and process, and a transactional session scope.

SQLite gets foreign keys switched on, WAL journaling (the action and web servers read it at the same
time) and a generous busy timeout; PostgreSQL gets pre-ping so a restarted server is noticed, and no
parallel plans (they only add start-up time to the small indexed queries the assistant runs).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from haina.db.settings import database_url

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _create(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLAlchemy 1.4 would open a new SQLite connection for every session: keep a few open.
        memory = not parsed.database or parsed.database == ":memory:"
        pool = {} if memory else {"poolclass": sa.pool.QueuePool, "pool_size": 4, "max_overflow": 4}
        created = sa.create_engine(url, future=True, connect_args={"timeout": 30, "check_same_thread": False}, **pool)
        sa.event.listen(created, "connect", _sqlite_pragmas)
        return created
    # The assistant's queries read a handful of rows through indexes; a parallel plan's worker start-up
    # costs more than it saves there (a 15 km "nearest" box: 13.5 ms parallel, 3.5 ms from the index).
    return sa.create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=5,
                            connect_args={"options": "-c max_parallel_workers_per_gather=0"})


def engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: database_url()), created once per process."""
    url = url or database_url()
    with _LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = _create(url)
        return _ENGINES[url]


def dispose(url: str | None = None) -> None:
    """Close the pooled connections of one engine (or of all): before dropping a test database."""
    with _LOCK:
        for key in [url] if url else list(_ENGINES):
            found = _ENGINES.pop(key, None)
            if found is not None:
                found.dispose()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on an exception."""
    session = sessionmaker(bind=engine(url), future=True, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
