"""The Rasa input channel `wechat`: WeChat's webhook at /webhooks/wechat/webhook on the Rasa server.

Registered in credentials.yml as `connectors.wechat.WeChatInput`; the values there (and
HAINA_WECHAT_AES_KEY, HAINA_WECHAT_API_BASE, HAINA_REDIS_URL) come from the environment. The
routes only adapt Sanic to connectors.wechat.webhook, where the protocol and the 5-second rule live.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.channels import PrefetchingChannel
from connectors.wechat.render import render_turn
from connectors.wechat.settings import WeChatSettings
from connectors.wechat.webhook import CHANNEL, Reply, WeChatWebhook
from haina.languages import DEFAULT_LANGUAGE, normalise

# credentials.yml key -> environment variable it stands for
CREDENTIAL_KEYS = {
    "appid": "HAINA_WECHAT_APPID", "secret": "HAINA_WECHAT_SECRET", "token": "HAINA_WECHAT_TOKEN",
    "aes_key": "HAINA_WECHAT_AES_KEY", "api_base": "HAINA_WECHAT_API_BASE",
}


class WeChatOutput(OutputChannel):
    """Sends bot messages through the customer-service API (for messages Rasa sends on its own,
    e.g. `POST /conversations/<id>/trigger_intent?output_channel=wechat`)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    def __init__(self, webhook: WeChatWebhook) -> None:
        self.webhook = webhook

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        language = normalise(self.webhook.store.get(f"profile:{recipient_id}")) or DEFAULT_LANGUAGE
        turn = self.webhook._remember(recipient_id, render_turn([message], language))
        for text in turn.texts:
            await self.webhook.api.send_text(recipient_id, text)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WeChatInput(PrefetchingChannel, InputChannel):
    """WeChat Official Account messages in plaintext, compatible and safe mode."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        env = dict(os.environ)
        for key, variable in CREDENTIAL_KEYS.items():
            if credentials and credentials.get(key):
                env[variable] = str(credentials[key])
        return cls(WeChatSettings.from_env(env))

    def __init__(self, settings: WeChatSettings, webhook: WeChatWebhook | None = None) -> None:
        self.settings = settings
        self._webhook = webhook
        channel_log = logging.getLogger("haina.wechat")
        if channel_log.level == logging.NOTSET:  # Rasa sets only its own loggers' level (LOG_LEVEL)
            channel_log.setLevel(os.environ.get("LOG_LEVEL") or "INFO")

    @property
    def webhook(self) -> WeChatWebhook:
        if self._webhook is None:  # opened lazily: the store must be opened in the serving process
            self._webhook = WeChatWebhook(self.settings)
        return self._webhook

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WeChatOutput(self.webhook)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("wechat_webhook", __name__)
        limit = self.settings.max_body_bytes

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "safe_mode": self.settings.safe_mode})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return _http(self.webhook.verify(_query(request)))

        @hook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            body = await _read_limited(request, limit)
            if body is None:
                return _http(Reply(413, "payload too large"))

            async def language_of(sender_id: str) -> Optional[str]:
                return await _conversation_language(request, sender_id)

            reply = await self.webhook.receive(_query(request), body, on_new_message, language_of)
            return _http(reply)

        return hook


def _query(request: Request) -> dict[str, str]:
    return {key: values[0] for key, values in request.args.items() if values}


async def _read_limited(request: Request, limit: int) -> Optional[bytes]:
    """The body, or None as soon as it is longer than `limit` (the rest is never buffered)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _conversation_language(request: Request, sender_id: str) -> Optional[str]:
    """The `language` slot of the conversation, read from Rasa's tracker store."""
    agent = getattr(request.app.ctx, "agent", None)
    tracker_store = getattr(agent, "tracker_store", None)
    if tracker_store is None:
        return None
    try:
        tracker = await tracker_store.retrieve(sender_id)
    except Exception:
        return None
    return normalise(tracker.get_slot("language")) if tracker else None


def _http(reply: Reply) -> HTTPResponse:
    return response.text(reply.body, status=reply.status, content_type=reply.content_type)
