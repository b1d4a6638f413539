"""The console's client of the running Rasa server's HTTP API (enabled with the token `haina run` passes
to every server as HAINA_RASA_TOKEN).

Understanding goes through `POST /model/parse` rather than a second copy of the model loaded in the
web server (`Agent.load(model).parse_message`). Memory: the Rasa process already holds the pipeline
(TensorFlow, spaCy/jieba/Sudachi tokenizers, the e5 featurizer, the language detector) at about 1.0 GB
resident on our machine, the web server about 0.77 GB (the FAQ's and assist's e5 search); loading the
agent there too would add most of that gigabyte again and a minute of start-up on two cores. Latency:
the loopback request costs about a millisecond of the ~20-50 ms a parse takes; the price is that assist
parses queue behind chat messages in the Rasa process (measured in `python -m bench staff`). It also
answers with exactly the model the chat is using, even after Rasa loads a new one.
The conversation calls serve the handoff: the tracker (the transcript, stored by Rasa also while the
conversation is paused), `execute` (runs one of actions/handoff.py's actions, whose messages go to the
user's own channel with `output_channel=latest`) and appending events.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from aiohttp import ClientError, ClientSession, ClientTimeout

PARSE_TIMEOUT = ClientTimeout(total=20)  # under a burst of 20 agents a parse waits its turn in Rasa
CALL_TIMEOUT = ClientTimeout(total=20)


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer, or answered with an error."""


class RasaApi:
    """A small async client; one per web server, sharing one aiohttp session."""

    def __init__(self, base_url: str, token: str | None, session: ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.session = session

    def _params(self, **extra: str) -> dict[str, str]:
        return {**({"token": self.token} if self.token else {}), **extra}

    def _conversation(self, sender_id: str, what: str) -> str:
        return f"{self.base_url}/conversations/{quote(sender_id, safe='')}/{what}"

    async def _call(self, method: str, url: str, timeout: ClientTimeout, **kwargs: Any) -> Any:
        try:
            async with self.session.request(method, url, timeout=timeout, **kwargs) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"{method} {url.split('?')[0].rsplit('/', 1)[-1]}: HTTP {response.status}")
                return await response.json(content_type=None)
        except (ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(f"{type(error).__name__}") from error

    async def parse(self, text: str) -> dict[str, Any]:
        """What the NLU makes of a text: intent, ranking, entities, language_decision."""
        return await self._call("POST", f"{self.base_url}/model/parse", PARSE_TIMEOUT, params=self._params(),
                                json={"text": text})

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        """The conversation's tracker with every event (include_events=ALL)."""
        return await self._call("GET", self._conversation(sender_id, "tracker"), CALL_TIMEOUT,
                                params=self._params(include_events="ALL"))

    async def execute(self, sender_id: str, action: str) -> dict[str, Any]:
        """Run an action in the conversation; its messages go to the user's latest channel."""
        return await self._call("POST", self._conversation(sender_id, "execute"), CALL_TIMEOUT,
                                params=self._params(output_channel="latest", include_events="NONE"),
                                json={"name": action})
