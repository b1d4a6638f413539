"""Rasa's REST and socket.io input channels, with the question embedded before Rasa parses it.

Same names, routes and behaviour as Rasa's own (`rest`: /webhooks/rest/webhook, `socketio`), so
credentials.yml names these classes instead; the only difference is `PrefetchingChannel`: the
message's e5 embedding is computed off the event loop first (haina/text/prefetch.py).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

from haina.text.prefetch import prefetch


class PrefetchingChannel:
    """Mixin for an InputChannel: await the message's embedding, then hand it to Rasa."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def prefetched(message: UserMessage) -> Any:
            await prefetch(message.text)
            return await on_new_message(message)

        return super().blueprint(prefetched)  # type: ignore[misc]


class RestInput(PrefetchingChannel, RasaRestInput):
    """Rasa's REST channel (name `rest`)."""


class SocketIOInput(PrefetchingChannel, RasaSocketIOInput):
    """Rasa's socket.io channel (name `socketio`), used by the web chat page."""
