"""Embeds incoming questions on a worker thread, several at a time, before the NLU asks for them.

Rasa runs its NLU pipeline synchronously on the server's event loop, so a 25 ms e5 embedding
there holds up every other conversation. The input channels (connectors/channels.py and the
WeChat channel) await `prefetch(text)` before handing a message to Rasa: the embedding runs in
this module's thread (the engine is a C library called through ctypes, which releases the GIL),
messages that arrive together are embedded in one call (about 11 ms per text for ten, against
28 ms one by one), and the loop serves other conversations meanwhile. The NLU's featurizer then
finds the vector (haina.text.embeddings.recall). A failure here only means the NLU embeds itself.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from functools import lru_cache

from haina.text import embeddings

logger = logging.getLogger(__name__)
MAX_BATCH = 16
MAX_TEXT = 2000  # longer texts are refused by the assistant anyway


class Prefetcher:
    """One worker thread per process that embeds queued questions in batches."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._queue: "queue.Queue[tuple[str, asyncio.Future, asyncio.AbstractEventLoop]]" = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="e5-prefetch", daemon=True)
        self._thread.start()

    async def prefetch(self, text: str | None) -> None:
        """Have `text`'s embedding ready; returns when it is (or at once when it needs none)."""
        if not worth_embedding(text) or embeddings.recall(text) is not None:
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._queue.put((text, done, loop))
        try:
            await done
        except Exception as failure:  # the NLU will embed the text itself
            logger.warning("prefetch failed: %s", type(failure).__name__)

    def _work(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            texts = list(dict.fromkeys(text for text, _, _ in batch))
            try:
                embeddings.embed_query_batch(texts)
                outcome: BaseException | None = None
            except Exception as failure:  # noqa: BLE001 - reported to every waiting request
                outcome = failure
            for _, done, loop in batch:
                try:
                    loop.call_soon_threadsafe(_settle, done, outcome)
                except RuntimeError:  # that request's event loop has closed meanwhile
                    pass


def _settle(done: asyncio.Future, outcome: BaseException | None) -> None:
    if done.done():
        return
    if outcome is None:
        done.set_result(None)
    else:
        done.set_exception(outcome)


def worth_embedding(text: str | None) -> bool:
    """Button payloads ("/intent{...}") and empty or oversize texts never reach the featurizer."""
    return bool(text and text.strip()) and not text.startswith("/") and len(text) <= MAX_TEXT


@lru_cache(maxsize=1)
def prefetcher() -> Prefetcher:
    return Prefetcher()


async def prefetch(text: str | None) -> None:
    """Module-level shortcut: `await prefetch(message.text)`."""
    await prefetcher().prefetch(text)
