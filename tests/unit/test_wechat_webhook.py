"""The webhook's behaviour: message types, the 5-second rule, retries and numbered options.

The assistant is a stand-in here (a coroutine that answers like Rasa's agent, optionally slowly);
tests/e2e/test_wechat.py talks to the real Rasa server. The customer-service API is the
simulator's ApiServer on a free port, called over HTTP by wechatpy as in production.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from connectors.wechat.settings import WeChatSettings
from connectors.wechat.simulator import ApiServer, WeChatSide
from connectors.wechat.store import DiskStore, RedisStore
from connectors.wechat.webhook import WeChatWebhook
from haina import i18n
from haina.languages import AUTONYMS, LANGUAGES

AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
OPENID = "oHaina0000000000000000000001"
REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Assistant:
    """Answers like Rasa's agent: records what it got, replies through the output channel."""

    reply: Callable[[Any], list[dict[str, Any]]] = lambda message: [{"text": f"echo: {message.text}"}]
    delay: float = 0.0
    received: list[Any] = field(default_factory=list)

    async def __call__(self, message) -> None:
        self.received.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        for bot in self.reply(message):
            await message.output_channel.send_response(message.sender_id, dict(bot))


def base_settings(tmp_path: Path, mode: str, api_base: str, **extra) -> WeChatSettings:
    return WeChatSettings(appid="wx1234567890abcdef", secret="secret", token="haina-token",
                          aes_key=None if mode == "plaintext" else AES_KEY, api_base=api_base,
                          state_dir=tmp_path / "state", **extra)


@pytest.fixture
async def api():
    server = ApiServer(WeChatSettings(appid="wx1234567890abcdef", secret="secret", token="haina-token"),
                       profile_language="en")
    url = await server.start()
    server.url = url
    yield server
    await server.stop()


@pytest.fixture
def redis_store():
    """Stores on the local Redis under a prefix of their own (FAIL when CI is set and it is down)."""
    prefix = f"haina:test:{secrets.token_hex(6)}:"
    opened: list[RedisStore] = []

    def open_one() -> RedisStore:
        store = RedisStore(REDIS_URL, prefix=prefix)
        try:
            store.redis.ping()
        except Exception as error:
            message = f"Redis at {REDIS_URL} is unreachable: {type(error).__name__}"
            pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
        opened.append(store)
        return store

    yield open_one
    for store in opened[:1]:
        for key in store.redis.scan_iter(prefix + "*"):
            store.redis.delete(key)
    for store in opened:
        store.close()


@pytest.fixture
def make(tmp_path, api):
    """A webhook and the WeChat side that talks to it, in one mode."""
    hooks = []

    def build(mode: str = "safe", store=None, **extra) -> tuple[WeChatWebhook, WeChatSide]:
        settings = base_settings(tmp_path, mode, api.url, **extra)
        hook = WeChatWebhook(settings, store=store)
        hooks.append(hook)
        return hook, WeChatSide(settings, "http://unused", mode=mode)

    yield build
    for hook in hooks:
        hook.store.close() if hasattr(hook.store, "close") else None


async def send(hook: WeChatWebhook, side: WeChatSide, fields: dict, assistant, language_of=None):
    query, body = side.signed(fields)
    reply = await hook.receive(query, body, assistant, language_of)
    return reply, (side.read_reply(reply.body) if reply.status == 200 else None)


# -- message types -------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["plaintext", "compatible", "safe"])
async def test_text_is_answered_passively_with_the_profile_language_as_hint(make, api, mode):
    hook, side = make(mode)
    api.languages[OPENID] = "zh_CN"
    assistant = Assistant()
    reply, text = await send(hook, side, side.text(OPENID, "工作许可"), assistant)
    assert reply.status == 200 and text == "echo: 工作许可"
    message = assistant.received[0]
    assert message.sender_id == OPENID and message.input_channel == "wechat"
    assert message.metadata == {"language": "zh"}
    assert api.sent == []


async def test_voice_uses_the_recognition_or_asks_to_type(make):
    hook, side = make()
    assistant = Assistant()
    _, text = await send(hook, side, side.voice(OPENID, "附近的医院"), assistant)
    assert text == "echo: 附近的医院"
    _, text = await send(hook, side, side.voice(OPENID, None), assistant, language_of=_lang("ja"))
    assert text == i18n.t("wechat.voice_not_recognised", "ja")
    assert len(assistant.received) == 1


async def test_a_location_goes_to_the_assistant_as_metadata_and_is_remembered(make):
    hook, side = make()
    assistant = Assistant()
    await send(hook, side, side.location(OPENID, 31.2304, 121.4737, "人民广场"), assistant)
    first = assistant.received[0]
    assert first.text == "/search_directory"
    assert first.metadata["location"] == {"lat": 31.2304, "lon": 121.4737, "label": "人民广场"}
    await send(hook, side, side.text(OPENID, "nearest hospital"), assistant)
    assert assistant.received[1].metadata["location"]["lat"] == 31.2304  # "nearest" knows where


async def test_out_of_range_location_is_answered_politely(make):
    hook, side = make()
    assistant = Assistant()
    _, text = await send(hook, side, side.location(OPENID, 131.0, 500.0), assistant, language_of=_lang("de"))
    assert text == i18n.t("wechat.location_unreadable", "de") and assistant.received == []


@pytest.mark.parametrize("kind", ["image", "video", "shortvideo", "file", "link"])
async def test_media_gets_a_polite_text_only_answer_in_the_users_language(make, kind):
    hook, side = make()
    assistant = Assistant()
    fields = side.image(OPENID) if kind == "image" else side.of_type(OPENID, kind)
    _, text = await send(hook, side, fields, assistant, language_of=_lang("fr"))
    assert text == i18n.t("wechat.text_only", "fr") and assistant.received == []


async def test_unknown_message_type_is_answered_politely(make, api):
    hook, side = make()
    api.languages[OPENID] = "ko"  # no conversation yet: the WeChat profile's language
    reply, text = await send(hook, side, side.of_type(OPENID, "hologram"), Assistant())
    assert reply.status == 200 and text == i18n.t("wechat.unknown_type", "ko")


@pytest.mark.parametrize("profile, language", [("ja", "ja"), ("zh_TW", "zh"), ("en", "en"), ("pt_BR", "en")])
async def test_subscribe_welcomes_in_the_profile_language_with_numbered_languages(make, api, profile, language):
    hook, side = make()
    api.languages[OPENID] = profile
    assistant = Assistant()
    _, text = await send(hook, side, side.event(OPENID, "subscribe"), assistant)
    assert text.startswith(i18n.t("wechat.welcome", language))
    for number, code in enumerate(LANGUAGES, start=1):
        assert f"{number}. {AUTONYMS[code]}" in text
    assert text.endswith(i18n.t("wechat.options_hint", language)) and assistant.received == []
    # "3" chooses the third language: its payload goes to the assistant.
    await send(hook, side, side.text(OPENID, "3"), assistant)
    assert assistant.received[0].text == '/choose_language{"language":"ja","language_pinned":"ja"}'


async def test_unsubscribe_is_logged_and_forgets_nothing(make, caplog):
    hook, side = make()
    assistant = Assistant(reply=lambda m: [{"text": "pick", "buttons": [{"title": "A", "payload": "/affirm"}]}])
    await send(hook, side, side.location(OPENID, 31.2, 121.4), assistant)
    with caplog.at_level(logging.INFO, logger="haina.wechat"):
        reply, text = await send(hook, side, side.event(OPENID, "unsubscribe"), assistant)
    assert reply.body == "success" and text is None and len(assistant.received) == 1
    assert "kind=unsubscribe" in caplog.text and OPENID not in caplog.text
    assert hook.store.get(f"location:{OPENID}") and hook.store.get(f"options:{OPENID}")


async def test_menu_clicks_send_their_intent(make):
    hook, side = make()
    assistant = Assistant()
    await send(hook, side, side.event(OPENID, "CLICK", "WORK_PERMIT"), assistant)
    assert assistant.received[0].text == "/work_permit_info"
    _, text = await send(hook, side, side.event(OPENID, "CLICK", "NO_SUCH_KEY"), assistant, language_of=_lang("es"))
    assert text == i18n.t("wechat.menu_unknown", "es") and len(assistant.received) == 1


async def test_view_and_location_report_events_are_silent(make):
    hook, side = make()
    assistant = Assistant()
    reply, _ = await send(hook, side, side.event(OPENID, "VIEW", "https://example.org"), assistant)
    assert reply.body == "success"
    report = {**side.event(OPENID, "LOCATION"), "Latitude": 31.1, "Longitude": 121.5, "Precision": 30}
    reply, _ = await send(hook, side, report, assistant)
    assert reply.body == "success" and assistant.received == []
    assert json.loads(hook.store.get(f"location:{OPENID}"))["lon"] == 121.5


# -- numbered options ------------------------------------------------------------------------------

async def test_a_number_answers_the_last_options_and_other_text_passes_through(make):
    hook, side = make()
    buttons = [{"title": "Documents", "payload": '/show_article{"article_id": "docs"}'},
               {"title": "Fees", "payload": '/show_article{"article_id": "fees"}'}]
    assistant = Assistant(reply=lambda m: [{"text": "Which one?", "buttons": buttons}] if m.text == "permit" else
                          [{"text": f"got {m.text}"}])
    _, text = await send(hook, side, side.text(OPENID, "permit"), assistant)
    assert "1. Documents\n2. Fees" in text
    _, text = await send(hook, side, side.text(OPENID, "２"), assistant)  # a full-width digit works too
    assert assistant.received[-1].text == '/show_article{"article_id": "fees"}'
    # That answer had no buttons: the options are gone and a number is just text again.
    await send(hook, side, side.text(OPENID, "2"), assistant)
    assert assistant.received[-1].text == "2"
    await send(hook, side, side.text(OPENID, "permit"), assistant)
    await send(hook, side, side.text(OPENID, "7"), assistant)  # out of range
    assert assistant.received[-1].text == "7"


# -- the 5-second rule and retries ---------------------------------------------------------------

async def test_a_slow_answer_goes_once_through_the_customer_service_api(make, api):
    hook, side = make(passive_deadline_s=0.3)
    assistant = Assistant(reply=lambda m: [{"text": "slow answer"}], delay=1.0)
    reply, text = await send(hook, side, side.text(OPENID, "hello"), assistant)
    assert reply.status == 200 and reply.body == "success" and text is None
    await hook.drain()
    assert [(m.openid, m.text) for m in api.sent] == [(OPENID, "slow answer")]
    assert api.token_requests == 1


async def test_a_retry_while_processing_waits_and_never_answers_twice(make, api):
    hook, side = make(passive_deadline_s=0.5)
    assistant = Assistant(reply=lambda m: [{"text": "the answer"}], delay=0.8)
    fields = side.text(OPENID, "hello")
    first = asyncio.create_task(send(hook, side, fields, assistant))
    await asyncio.sleep(0.2)
    retry = asyncio.create_task(send(hook, side, fields, assistant))  # same MsgId, new nonce
    (first_reply, _), (retry_reply, _) = await asyncio.gather(first, retry)
    assert first_reply.body == retry_reply.body == "success"
    await hook.drain()
    assert len(assistant.received) == 1 and [m.text for m in api.sent] == ["the answer"]
    # A late retry, after the answer went out, still gets no second answer.
    late, text = await send(hook, side, fields, assistant)
    assert late.body == "success" and text is None and len(api.sent) == 1


async def test_a_retry_gets_the_passive_answer_its_first_attempt_missed(make, api):
    hook, side = make()
    assistant = Assistant(reply=lambda m: [{"text": "ready in time"}], delay=0.2)
    fields = side.text(OPENID, "hello")
    _, first = await send(hook, side, fields, assistant)
    # The reply was lost on its way to WeChat, which pushes the message again: same answer, not a new one.
    _, again = await send(hook, side, fields, assistant)
    assert first == again == "ready in time"
    assert len(assistant.received) == 1 and api.sent == []


async def test_when_wechat_drops_the_connection_the_answer_goes_through_the_api(make, api):
    hook, side = make(passive_deadline_s=2.0)
    assistant = Assistant(reply=lambda m: [{"text": "ready later"}], delay=0.6)
    fields = side.text(OPENID, "hello")
    first = asyncio.create_task(send(hook, side, fields, assistant))
    await asyncio.sleep(0.1)
    first.cancel()  # Sanic cancels the handler when the client closes the connection
    with pytest.raises(asyncio.CancelledError):
        await first
    await hook.drain()
    assert [m.text for m in api.sent] == ["ready later"]
    # A retry after that gets "success" and nothing more.
    reply, text = await send(hook, side, fields, assistant)
    assert reply.body == "success" and text is None
    assert len(assistant.received) == 1 and len(api.sent) == 1


@pytest.mark.parametrize("store_kind", ["disk", "redis"])
@pytest.mark.parametrize("delay, passive", [(0.2, True), (1.2, False)])
async def test_concurrent_retries_across_processes_make_one_answer(make, api, tmp_path, redis_store, store_kind,
                                                                   delay, passive):
    def store():
        return redis_store() if store_kind == "redis" else DiskStore(tmp_path / "shared.db")

    # Two webhooks on one store stand for two Rasa processes behind a load balancer.
    hook_a, side = make(store=store(), passive_deadline_s=0.8)
    hook_b, _ = make(store=store(), passive_deadline_s=0.8)
    assistant = Assistant(reply=lambda m: [{"text": "one answer"}], delay=delay)
    fields = side.text(OPENID, "hello")
    results = await asyncio.gather(*(send(hook_a if i % 2 else hook_b, side, fields, assistant) for i in range(6)))
    await hook_a.drain()
    await hook_b.drain()
    assert len(assistant.received) == 1
    texts = {text for _, text in results}
    if passive:
        # Every open connection may carry it (WeChat keeps only the last one); the API sends nothing.
        assert texts == {"one answer"} and api.sent == []
    else:
        assert texts == {None} and [m.text for m in api.sent] == ["one answer"]


async def test_events_are_deduplicated_by_sender_and_time(make):
    hook, side = make()
    assistant = Assistant()
    click = side.event(OPENID, "CLICK", "HELP")
    await send(hook, side, click, assistant)
    await send(hook, side, click, assistant)
    await send(hook, side, {**click, "FromUserName": "oSomeoneElse000000000000000"}, assistant)
    assert len(assistant.received) == 2


async def test_an_answer_in_several_parts_goes_through_the_api_in_order(make, api):
    hook, side = make()
    long_text = "Dies ist ein langer Satz über die Arbeitserlaubnis in Shanghai. " * 80
    assistant = Assistant(reply=lambda m: [{"text": long_text}])
    reply, text = await send(hook, side, side.text(OPENID, "lang"), assistant)
    assert reply.body == "success" and text is None
    await hook.drain()
    assert len(api.sent) == 3 and all(len(m.text.encode()) <= 2048 for m in api.sent)
    assert " ".join(m.text for m in api.sent).split() == long_text.split()


async def test_a_failing_assistant_gets_a_polite_error_not_a_500(make):
    hook, side = make()

    async def broken(message):
        raise RuntimeError("boom")

    reply, text = await send(hook, side, side.text(OPENID, "hi"), broken, language_of=_lang("ru"))
    assert reply.status == 200 and text == i18n.t("wechat.error", "ru")


# -- refusals ------------------------------------------------------------------------------------

async def test_bad_signature_is_403_and_logged_without_the_body(make, caplog):
    hook, side = make()
    assistant = Assistant()
    query, body = side.signed(side.text(OPENID, "my passport is E12345678"))
    query["signature"] = "0" * 40
    with caplog.at_level(logging.INFO):
        reply = await hook.receive(query, body, assistant)
    assert reply.status == 403 and assistant.received == []
    assert "bad signature" in caplog.text and "E12345678" not in caplog.text and "Encrypt" not in caplog.text


async def test_replayed_nonce_with_another_body_is_refused(make):
    hook, side = make("plaintext")
    assistant = Assistant()
    query, body = side.signed(side.text(OPENID, "hello"))
    assert (await hook.receive(query, body, assistant)).status == 200
    # The identical request again is WeChat's retry (deduplicated) ...
    assert (await hook.receive(query, body, assistant)).status == 200
    # ... but the same signed query with a forged body is a replay (plaintext bodies are not signed).
    _, forged = side.signed(side.text(OPENID, "forged"))
    assert (await hook.receive(query, forged, assistant)).status == 403
    assert [m.text for m in assistant.received] == ["hello"]


async def test_stale_timestamp_malformed_xml_and_oversize_bodies(make):
    hook, side = make("plaintext", max_body_bytes=4096)
    assistant = Assistant()
    query, body = side.signed(side.text(OPENID, "hi"), timestamp="1500000000")
    assert (await hook.receive(query, body, assistant)).status == 403
    query, _ = side.signed(side.text(OPENID, "hi"))
    assert (await hook.receive(query, b"<xml><MsgType>text</Msg", assistant)).status == 400
    query, _ = side.signed(side.text(OPENID, "hi"))
    assert (await hook.receive(query, b"<xml><Content>no type</Content></xml>", assistant)).status == 400
    query, body = side.signed(side.text(OPENID, "x" * 5000))
    assert (await hook.receive(query, body, assistant)).status == 413
    assert assistant.received == []


async def test_messages_rasa_sends_on_its_own_go_through_the_api(make, api):
    from connectors.wechat.channel import WeChatOutput

    hook, _ = make()
    output = WeChatOutput(hook)
    await output.send_response(OPENID, {"text": "Your **permit** is ready.",
                                        "buttons": [{"title": "Where?", "payload": "/ask_where"}]})
    assert [m.text for m in api.sent] == ["Your permit is ready.\n1. Where?\n\n" + i18n.t("wechat.options_hint", "en")]
    assert json.loads(hook.store.get(f"options:{OPENID}")) == ["/ask_where"]


async def test_an_unreachable_store_answers_success_not_500(make, caplog):
    class Down(DiskStore):
        def add(self, *args):
            raise ConnectionError("store down")

    hook, side = make("plaintext")
    hook.store = Down(hook.settings.state_dir / "down.db")
    reply, _ = await send(hook, side, side.text(OPENID, "hi"), Assistant())
    assert reply.status == 200 and reply.body == "success" and "wechat.failed" in caplog.text


def _lang(code: str):
    async def language_of(sender_id: str) -> str:
        return code

    return language_of
