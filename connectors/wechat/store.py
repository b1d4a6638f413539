"""The channel's shared state: Redis when HAINA_REDIS_URL is set, else an SQLite file under var/.

Everything that must hold across retries, processes and restarts lives here with an expiry: the
state of each message (deduplication), recently seen nonces, the access token, each user's last
numbered options, last shared location and WeChat language. Both stores offer the same small set
of atomic operations, so several Rasa processes can share one store. Values are strings.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

from wechatpy.session import SessionStorage
from wechatpy.utils import json

PREFIX = "haina:wechat:"


class Store(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: float) -> None: ...
    def add(self, key: str, value: str, ttl: float) -> bool:
        """Set only if absent (or expired); True when this call set it."""
    def replace(self, key: str, expected: str, value: str, ttl: float) -> bool:
        """Set only if the current value is `expected`; True when this call set it."""
    def delete(self, key: str) -> None: ...


class DiskStore:
    """An SQLite table of (key, value, expiry); SQLite's file locks make it safe across processes."""

    def __init__(self, path: Path, clock=time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)")
        self._writes = 0

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM kv WHERE key = ? AND expires > ?", (key, self.clock())).fetchone()
        return row[0] if row else None

    def set(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", (key, value, self.clock() + ttl))
            self._purge_sometimes()

    def add(self, key: str, value: str, ttl: float) -> bool:
        now = self.clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM kv WHERE key = ? AND expires <= ?", (key, now))
                added = self._db.execute("INSERT OR IGNORE INTO kv VALUES (?, ?, ?)", (key, value, now + ttl)).rowcount == 1
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._purge_sometimes()
        return added

    def replace(self, key: str, expected: str, value: str, ttl: float) -> bool:
        now = self.clock()
        with self._lock:
            cursor = self._db.execute("UPDATE kv SET value = ?, expires = ? WHERE key = ? AND value = ? AND expires > ?",
                                      (value, now + ttl, key, expected, now))
        return cursor.rowcount == 1

    def delete(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM kv WHERE key = ?", (key,))

    def _purge_sometimes(self) -> None:
        self._writes += 1
        if self._writes % 500 == 0:
            self._db.execute("DELETE FROM kv WHERE expires <= ?", (self.clock(),))

    def close(self) -> None:
        with self._lock:
            self._db.close()


_REPLACE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


class RedisStore:
    """The same operations on Redis: SET NX PX for `add`, a Lua compare-and-set for `replace`."""

    def __init__(self, url: str, prefix: str = PREFIX) -> None:
        import redis

        self.prefix = prefix
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True)
        self._replace_if = self.redis.register_script(_REPLACE_IF)

    def get(self, key: str) -> str | None:
        return self.redis.get(self.prefix + key)

    def set(self, key: str, value: str, ttl: float) -> None:
        self.redis.set(self.prefix + key, value, px=_ms(ttl))

    def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(self.redis.set(self.prefix + key, value, px=_ms(ttl), nx=True))

    def replace(self, key: str, expected: str, value: str, ttl: float) -> bool:
        return bool(self._replace_if(keys=[self.prefix + key], args=[expected, value, _ms(ttl)]))

    def delete(self, key: str) -> None:
        self.redis.delete(self.prefix + key)

    def close(self) -> None:
        self.redis.close()


def _ms(ttl: float) -> int:
    return max(1, int(ttl * 1000))


def open_store(redis_url: str | None, state_dir: Path) -> Store:
    """Redis when a URL is configured, else var/wechat/state.db."""
    return RedisStore(redis_url) if redis_url else DiskStore(state_dir / "state.db")


class TokenStorage(SessionStorage):
    """wechatpy's session storage (where WeChatClient keeps the access token) on our store."""

    DEFAULT_TTL = 7200

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key, default=None):
        value = self.store.get("session:" + key)
        return default if value is None else json.loads(value)

    def set(self, key, value, ttl=None):
        if value is not None:
            self.store.set("session:" + key, json.dumps(value), ttl or self.DEFAULT_TTL)

    def delete(self, key):
        self.store.delete("session:" + key)
