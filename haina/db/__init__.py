"""Haina's application database (permit applications, service points, feedback, question log),
separate from Rasa's tracker store. SQLite under var/ by default, PostgreSQL by URL.

Public API (everything else is internal):
- `database_url() -> str`: env HAINA_DATABASE_URL, default `sqlite:///<paths.VAR>/haina.db`.
- `engine(url=None) -> Engine`: one per URL and process (SQLAlchemy 1.4, future mode).
- `session_scope(url=None)`: `with session_scope() as s: ...` commits at the end, rolls back on error.
- `ensure_ready(url=None) -> list[str]`: migrate to head and import every seed file under seed/ that is new
  or changed (idempotent; a few milliseconds when nothing changed). `haina run` calls it before the
  servers start; the actions call it once per process too.
- `haina.db.migrate`: `upgrade(url=None, revision="head")`, `downgrade(url, revision)`, `current(url)`, `head()`.
- `haina.db.models`: the SQLAlchemy models, one module per capability (see its docstring), e.g.
  `ServicePoint`, `OpeningInterval.open_at(weekday, minute)`, `Application`, `VerificationAttempt`,
  `Feedback`, `QuestionLog.record(...)`.
- `haina.db.importer`: `import_file(path, kind=None, dry_run=False, url=None) -> ImportReport`,
  the logic behind `haina import` (formats in its docstring and in haina/db/importer/readers.py).
- `haina.db.throwaway`: `temporary_database()` (a PostgreSQL database dropped afterwards) and
  `unreachable_reason()`, for tests and benchmarks.
"""

from __future__ import annotations

from haina.db.engine import dispose, engine, session_scope
from haina.db.settings import database_url


def ensure_ready(url: str | None = None) -> list[str]:
    """Migrate the database to the newest schema and import new or changed seed files.

    Returns the problems of seed files that could not be imported (also logged); [] when all is well.
    """
    from haina.db.ready import ensure_ready as _ensure_ready

    return _ensure_ready(url)


__all__ = ["database_url", "engine", "session_scope", "ensure_ready", "dispose"]
