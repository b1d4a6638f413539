"""Questions are embedded off the event loop, several at a time, and found again by the NLU."""

import asyncio
import threading

import numpy as np
import pytest

from connectors.channels import RestInput, SocketIOInput
from haina.text import embeddings, prefetch


@pytest.fixture
def counted(monkeypatch):
    """The engine replaced by a recorder (the real one is covered by the NLU tests)."""
    calls: list[tuple[list[str], str]] = []

    def fake(texts):
        calls.append((list(texts), threading.current_thread().name))
        return np.ones((len(texts), embeddings.DIM), dtype=np.float32)

    monkeypatch.setattr(embeddings, "_raw_queries", fake)
    return calls


async def test_concurrent_questions_share_one_call_off_the_loop(monkeypatch, counted):
    gate = threading.Event()
    recorder = embeddings._raw_queries  # noqa: SLF001 - the fixture's recorder

    def held(texts):  # the first call waits until every question is queued
        gate.wait(5)
        return recorder(texts)

    monkeypatch.setattr(embeddings, "_raw_queries", held)
    worker = prefetch.Prefetcher()
    texts = [f"question {i} {id(gate)}" for i in range(12)]
    waiting = [asyncio.create_task(worker.prefetch(t)) for t in texts]
    await asyncio.sleep(0.1)  # the loop is free while the engine works: this sleep returns
    gate.set()
    await asyncio.wait_for(asyncio.gather(*waiting), 5)
    assert sum(len(batch) for batch, _ in counted) == 12
    assert len(counted) <= 2, "questions queued while the engine works go in one call"
    assert all(name == "e5-prefetch" for _, name in counted), "the engine runs in the worker thread"
    assert all(embeddings.recall(text) is not None for text in texts)


async def test_the_featurizer_path_reuses_the_prefetched_vector(counted):
    text = f"how long does a work permit take {id(counted)}"
    await prefetch.Prefetcher().prefetch(text)
    before = len(counted)
    embeddings.embed_queries([text])
    assert len(counted) == before, "no second embedding for the same turn"


@pytest.mark.parametrize("text", [None, "", "   ", '/greet{"language": "en"}', "x" * 2001])
async def test_payloads_and_empty_texts_are_not_embedded(counted, text):
    await prefetch.Prefetcher().prefetch(text)
    assert counted == []


async def test_a_failing_engine_only_means_no_prefetch(monkeypatch):
    def broken(texts):
        raise RuntimeError("engine down")

    monkeypatch.setattr(embeddings, "_raw_queries", broken)
    await asyncio.wait_for(prefetch.Prefetcher().prefetch("will the NLU embed it itself?"), 5)


def test_the_channels_keep_rasas_names():
    assert RestInput.name() == "rest" and SocketIOInput.name() == "socketio"
