"""ensure_ready(): the database at the newest schema with the seed files imported.

Seed files are every *.json and *.csv under seed/ (service points from the directory owner,
demo applications from ours). Each file is imported in its own transaction together with its
content hash in `seed_files`, so a file is imported again only when it changed, and a file with
problems is reported in the log and retried at the next start without blocking the others.
Calls are serialised across processes with a lock file, and remembered within a process.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa

from haina import paths
from haina.db import migrate
from haina.db.engine import session_scope
from haina.db.models import SeedFile
from haina.db.settings import database_url

logger = logging.getLogger(__name__)
SEED = paths.ROOT / "seed"
_DONE: set[str] = set()
_LOCK = threading.Lock()


def seed_files(seed_dir: Path = SEED) -> list[Path]:
    """The files ensure_ready imports, in a stable order (service points before applications)."""
    found = [p for p in seed_dir.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".csv")]
    return sorted(found, key=lambda p: (0 if "service_point" in str(p.relative_to(seed_dir)) else 1, str(p)))


def _lock_path(url: str) -> Path:
    return Path(tempfile.gettempdir()) / f"haina-db-{hashlib.sha256(url.encode()).hexdigest()[:16]}.lock"


def _import_seed(url: str, seed_dir: Path) -> list[str]:
    from haina.db.importer import import_file

    problems: list[str] = []
    with session_scope(url) as session:
        known = dict(session.execute(sa.select(SeedFile.path, SeedFile.sha256)).all())
    for path in seed_files(seed_dir):
        name = str(path.relative_to(seed_dir))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if known.get(name) == digest:
            continue
        with session_scope(url) as session:
            report = import_file(path, session=session)
            if not report.ok:
                session.rollback()
                problems.extend(report.lines())
                logger.error("seed file %s not imported:\n  %s", name, "\n  ".join(report.lines()))
                continue
            session.merge(SeedFile(path=name, sha256=digest))
        logger.info("seed file %s imported: %s", name, "; ".join(report.lines()[:-1]))
    return problems


def ensure_ready(url: str | None = None, seed_dir: Path = SEED) -> list[str]:
    """Migrate to head and import new or changed seed files; returns the seed problems (if any)."""
    url = url or database_url()
    key = f"{url}|{seed_dir}"
    with _LOCK:
        if key in _DONE:
            return []
        with open(_lock_path(url), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if migrate.current(url) != migrate.head():
                    migrate.upgrade(url)
                problems = _import_seed(url, seed_dir) if seed_dir.is_dir() else []
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        if not problems:
            _DONE.add(key)
        return problems
