"""The webhook's logic, independent of the web framework: check, deduplicate, answer in time.

WeChat waits 5 s for the HTTP answer and then retries the same message (up to three times). Each
message is claimed once in the store (MsgId, or FromUserName + CreateTime for events); the claim's
owner runs the assistant in a task of its own. The state then moves, atomically in the store, from
`processing` either to `passive:<text>` (the answer is ready and short enough for the HTTP reply)
or to `async` (the deadline passed, or the answer needs several messages: it goes through the
customer-service API and every waiting request answers "success"). Whichever request is still
open when the answer is ready returns it, so a retry gets the answer its first attempt missed, and
no answer is ever sent twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from wechatpy import parse_message

from connectors.wechat.api import AccountApi
from connectors.wechat.envelope import Envelope, EnvelopeError, Malformed, Opened, Refused
from connectors.wechat.inbound import Inbound, dedup_key, interpret
from connectors.wechat.render import Turn, render_turn
from connectors.wechat.settings import WeChatSettings
from connectors.wechat.store import Store, open_store
from haina import i18n
from haina.languages import AUTONYMS, DEFAULT_LANGUAGE, LANGUAGES, normalise
from haina.turnlog import hash_sender

logger = logging.getLogger("haina.wechat")

PROCESSING, ASYNC, PASSIVE = "processing", "async", "passive:"
POLL_S = 0.05
CHANNEL = "wechat"
_NUMBER = re.compile(r"^\s*([0-9０-９]{1,2})\s*[.。、)）]?\s*$")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
LanguageOf = Callable[[str], Awaitable[Optional[str]]]


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


SUCCESS = Reply(200, "success")


class TurnCollector(OutputChannel):
    """Keeps the bot's messages of one turn exactly as Rasa sends them (rendered afterwards)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"text": text})


def language_payload(language: str) -> str:
    return json.dumps({"language": language, "language_pinned": language}, separators=(",", ":"))


class WeChatWebhook:
    """One Official Account's webhook: what the Sanic routes of the channel call."""

    def __init__(self, settings: WeChatSettings, store: Store | None = None, api: AccountApi | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.store = store or open_store(settings.redis_url, settings.state_dir)
        self.api = api or AccountApi(settings, self.store)
        self.envelope = Envelope(settings, clock=clock)
        self._jobs: set[asyncio.Task] = set()

    # -- GET ------------------------------------------------------------------------------------
    def verify(self, query: dict[str, str]) -> Reply:
        try:
            return Reply(200, self.envelope.verify_url(query))
        except EnvelopeError as error:
            return _refusal(error, "verify")

    # -- POST -----------------------------------------------------------------------------------
    async def receive(self, query: dict[str, str], body: bytes, on_new_message: OnNewMessage,
                      language_of: LanguageOf | None = None) -> Reply:
        """Answer one POST from WeChat; never raises (an unexpected failure answers "success")."""
        deadline = time.monotonic() + self.settings.passive_deadline_s
        if len(body) > self.settings.max_body_bytes:
            logger.warning("wechat.message.refused reason=body of %d bytes", len(body))
            return Reply(413, "payload too large")
        try:
            return await self._receive(query, body, deadline, on_new_message, language_of)
        except asyncio.CancelledError:
            raise
        except Exception:  # e.g. the store is unreachable: WeChat must not retry into the same failure
            logger.exception("wechat.failed")
            return SUCCESS

    async def _receive(self, query: dict[str, str], body: bytes, deadline: float, on_new_message: OnNewMessage,
                       language_of: LanguageOf | None) -> Reply:
        try:
            opened = self.envelope.open(query, body)
            self._check_replay(query, body)
            message = parse_message(opened.xml)
            if message is None or not message.source:
                raise Malformed("no FromUserName")
        except EnvelopeError as error:
            return _refusal(error, "message")
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # wechatpy on odd XML
            return _refusal(Malformed(type(error).__name__), "message")
        key = dedup_key(message)
        job = None
        if self.store.add(key, PROCESSING, self.settings.dedup_ttl_s):
            job = asyncio.create_task(self._answer(key, message, on_new_message, language_of))
            self._jobs.add(job)
            job.add_done_callback(self._jobs.discard)
        else:
            logger.info("wechat.retry key=%s", _short(key))
        return await self._reply_in_time(key, opened, deadline, job)

    def _check_replay(self, query: dict[str, str], body: bytes) -> None:
        """A (timestamp, nonce) seen before is accepted only for the identical request (a retry)."""
        digest = hashlib.sha256(query.get("signature", "").encode() + b"\0" + body).hexdigest()[:32]
        key = f"nonce:{query['timestamp']}:{query['nonce']}"
        if not self.store.add(key, digest, 2 * self.settings.max_clock_skew_s) and self.store.get(key) != digest:
            raise Refused("replayed nonce")

    async def _reply_in_time(self, key: str, opened: Opened, deadline: float, job: asyncio.Task | None) -> Reply:
        """Wait for the answer until the deadline; the passive answer if it came, else "success"."""
        try:
            while True:
                state = self.store.get(key)
                if state is not None and state.startswith(PASSIVE):
                    return Reply(200, self.envelope.text_reply(opened, state[len(PASSIVE):]), "application/xml")
                if state != PROCESSING:
                    return SUCCESS
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if self.store.replace(key, PROCESSING, ASYNC, self.settings.dedup_ttl_s):
                        return SUCCESS
                    continue  # the answer arrived meanwhile
                if job is not None and not job.done():
                    await asyncio.wait({job}, timeout=remaining)
                else:
                    await asyncio.sleep(min(POLL_S, remaining))
        except asyncio.CancelledError:
            # WeChat closed the connection: whatever comes now goes through the customer-service API.
            self.store.replace(key, PROCESSING, ASYNC, self.settings.dedup_ttl_s)
            raise

    # -- the answer -----------------------------------------------------------------------------
    async def _answer(self, key: str, message: Any, on_new_message: OnNewMessage,
                      language_of: LanguageOf | None) -> None:
        try:
            await self._answer_once(key, message, on_new_message, language_of)
        except Exception:  # a task of its own: nobody else would see the failure
            logger.exception("wechat.answer.failed user=%s", hash_sender(message.source))

    async def _answer_once(self, key: str, message: Any, on_new_message: OnNewMessage,
                           language_of: LanguageOf | None) -> None:
        openid = message.source
        started = time.monotonic()
        inbound = interpret(message)
        try:
            turn = await self._turn(openid, inbound, message, on_new_message, language_of)
        except Exception:
            logger.exception("wechat.answer.failed user=%s", hash_sender(openid))
            language = await self._language(openid, language_of)
            turn = Turn([i18n.t("wechat.error", language)])
        route = "none"
        if not turn.texts:
            self.store.replace(key, PROCESSING, ASYNC, self.settings.dedup_ttl_s)
        elif len(turn.texts) == 1 and self.store.replace(key, PROCESSING, PASSIVE + turn.texts[0],
                                                            self.settings.dedup_ttl_s):
            route = "passive"
        else:
            self.store.set(key, ASYNC, self.settings.dedup_ttl_s)
            route = "customer_service"
            for text in turn.texts:
                if not await self.api.send_text(openid, text):
                    route = "customer_service_failed"
                    break
        logger.info("wechat.message user=%s kind=%s route=%s parts=%d ms=%d", hash_sender(openid), inbound.note,
                    route, len(turn.texts), (time.monotonic() - started) * 1000)

    async def _turn(self, openid: str, inbound: Inbound, message: Any, on_new_message: OnNewMessage,
                    language_of: LanguageOf | None) -> Turn:
        if inbound.location is not None:
            self.store.set(f"location:{openid}", json.dumps(inbound.location), self.settings.location_ttl_s)
        if inbound.kind == "silent":
            return Turn([])
        if inbound.kind == "welcome":
            language = normalise(await self._profile_language(openid, refresh=True)) or DEFAULT_LANGUAGE
            return self._remember(openid, render_turn([self._welcome(language)], language))
        if inbound.kind == "say":
            return Turn([i18n.t(inbound.key, await self._language(openid, language_of))])
        text = self._chosen_option(openid, inbound.text) or inbound.text
        metadata = dict(inbound.metadata)
        profile = normalise(await self._profile_language(openid))
        if profile:
            metadata["language"] = profile
        if "location" not in metadata:
            remembered = self.store.get(f"location:{openid}")
            if remembered:
                metadata["location"] = json.loads(remembered)
        collector = TurnCollector()
        msg_id = message._data.get("MsgId")
        await on_new_message(UserMessage(text, collector, openid, input_channel=CHANNEL,
                                         message_id=str(msg_id) if msg_id else None, metadata=metadata))
        language = (await language_of(openid) if language_of else None) or profile or DEFAULT_LANGUAGE
        return self._remember(openid, render_turn(collector.messages, language))

    def _welcome(self, language: str) -> dict[str, Any]:
        buttons = [{"title": AUTONYMS[code], "payload": f"/choose_language{language_payload(code)}"}
                   for code in LANGUAGES]
        return {"text": i18n.t("wechat.welcome", language), "buttons": buttons}

    def _remember(self, openid: str, turn: Turn) -> Turn:
        """Keep this turn's option payloads so that the user's next "2" means the second one."""
        if turn.options:
            self.store.set(f"options:{openid}", json.dumps(turn.options), self.settings.options_ttl_s)
        else:
            self.store.delete(f"options:{openid}")
        return turn

    def _chosen_option(self, openid: str, text: str) -> str | None:
        match = _NUMBER.match(text)
        if not match:
            return None
        stored = self.store.get(f"options:{openid}")
        options = json.loads(stored) if stored else []
        number = int(match.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        return options[number - 1] if 1 <= number <= len(options) else None

    async def _profile_language(self, openid: str, refresh: bool = False) -> str | None:
        """The WeChat profile's language, looked up once a week per user ("" stored when unknown)."""
        key = f"profile:{openid}"
        cached = None if refresh else self.store.get(key)
        if cached is not None:
            return cached or None
        language = await self.api.profile_language(openid)
        self.store.set(key, language or "", self.settings.profile_ttl_s)
        return language

    async def _language(self, openid: str, language_of: LanguageOf | None) -> str:
        """The conversation's language, else the profile's, else English."""
        if language_of is not None:
            try:
                found = await language_of(openid)
            except Exception:
                found = None
            if found:
                return found
        return normalise(await self._profile_language(openid)) or DEFAULT_LANGUAGE

    async def drain(self) -> None:
        """Wait for the answers still being produced (tests, shutdown)."""
        while self._jobs:
            await asyncio.gather(*list(self._jobs), return_exceptions=True)


def _refusal(error: EnvelopeError, what: str) -> Reply:
    """403 for what is not from WeChat, 400 for what cannot be read; logged with the reason only."""
    refused = isinstance(error, Refused)
    logger.warning("wechat.%s.%s reason=%s", what, "refused" if refused else "malformed", error.reason)
    return Reply(403, "forbidden") if refused else Reply(400, "bad request")


def _short(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]
