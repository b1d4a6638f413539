"""Conversations through the WeChat channel of the real Rasa server, in Chinese, English and Japanese.

The shared `stack` runs the channel in safe mode with test credentials (tests/conftest.py); its
API base points at the simulator's API server, which this module serves on `wechat_api_port`.
Every message is signed and encrypted as WeChat does it, and every reply decrypted and checked.
"""

from __future__ import annotations

import asyncio
import secrets

import aiohttp
import pytest

from connectors.wechat.settings import WeChatSettings
from connectors.wechat.simulator import ApiServer, WeChatSide
from haina import i18n
from haina.knowledge.store import load_articles
from haina.langid import LanguageResolver

pytestmark = pytest.mark.e2e
ANSWER_WAIT_S = 120


class Chat:
    """One WeChat user talking to the stack: passive replies and customer-service messages alike."""

    def __init__(self, side: WeChatSide, api: ApiServer, session: aiohttp.ClientSession, language: str) -> None:
        self.side, self.api, self.session = side, api, session
        self.openid = "o" + secrets.token_urlsafe(21)[:27]
        self.parts: list[str] = []  # the WeChat messages of the last answer
        api.languages[self.openid] = language

    async def send(self, fields: dict) -> str:
        """What the user sees after this message: the passive reply, or what the API delivered."""
        before = len(self.api.sent)
        delivery = await self.side.deliver(self.session, fields)
        assert delivery.status == 200, delivery.raw
        if delivery.passive is not None:
            self.parts = [delivery.passive]
        else:
            # Answered "success": the answer comes through the customer-service API (on a busy
            # machine the first knowledge answers can take long).
            for _ in range(ANSWER_WAIT_S * 10):
                if any(m.openid == self.openid for m in self.api.sent[before:]):
                    await asyncio.sleep(0.5)  # a multi-part answer arrives in one go
                    break
                await asyncio.sleep(0.1)
            self.parts = [m.text for m in self.api.sent[before:] if m.openid == self.openid]
        return "\n\n".join(self.parts)

    async def say(self, text: str) -> str:
        return await self.send(self.side.text(self.openid, text))


@pytest.fixture
async def wechat(stack, wechat_api_port):
    env = stack.environment()
    settings = WeChatSettings.from_env(env)
    api = ApiServer(settings)
    await api.start(wechat_api_port)
    side = WeChatSide(settings, f"http://127.0.0.1:{stack.ports.rasa}/webhooks/wechat/webhook")
    assert side.mode == "safe"
    async with aiohttp.ClientSession() as session:
        assert await side.verify_url(session)
        yield lambda language: Chat(side, api, session, language)
    await api.stop()


@pytest.fixture(scope="module")
def resolver():
    return LanguageResolver()


def within_limit(chat: Chat) -> bool:
    return bool(chat.parts) and all(len(part.encode("utf-8")) <= 2048 for part in chat.parts)


async def test_chinese_conversation(wechat, resolver):
    chat = wechat("zh_CN")
    welcome = await chat.send(chat.side.event(chat.openid, "subscribe"))
    assert welcome.startswith(i18n.t("wechat.welcome", "zh")) and "2. 中文" in welcome
    greeting = await chat.say("你好")
    assert "海纳" in greeting and resolver.resolve(greeting).language == "zh"
    article = load_articles()["work_permit.what_is"]
    answer = await chat.say("外国人工作许可证是什么？谁需要办理？")
    assert article.text("title", "zh") in answer and within_limit(chat)
    assert "**" not in answer
    # A voice message that WeChat recognised is understood like the text.
    voice = await chat.send(chat.side.voice(chat.openid, "谢谢"))
    assert voice and resolver.resolve(voice).language == "zh"
    picture = await chat.send(chat.side.image(chat.openid))
    assert picture == i18n.t("wechat.text_only", "zh")


async def test_english_conversation_with_a_location(wechat, resolver):
    chat = wechat("en")
    greeting = await chat.say("Hello")
    assert "Haina" in greeting and resolver.resolve(greeting).language == "en"
    article = load_articles()["work_permit.what_is"]
    answer = await chat.say("What is the foreigner's work permit and who needs one?")
    assert article.text("title", "en") in answer and within_limit(chat)
    # A shared location reaches the assistant (as the directory's payload with the coordinates).
    nearby = await chat.send(chat.side.location(chat.openid, 31.2304, 121.4737, "People's Square"))
    assert nearby and "Traceback" not in nearby
    assert resolver.resolve(nearby.split("\n")[0]).language == "en"


async def test_japanese_chosen_from_the_welcome_by_number(wechat, resolver, stack):
    chat = wechat("en")  # an English WeChat profile
    welcome = await chat.send(chat.side.event(chat.openid, "subscribe"))
    assert welcome.startswith(i18n.t("wechat.welcome", "en")) and "3. 日本語" in welcome
    switched = await chat.say("3")
    assert "日本語" in switched
    # The channel sent the third option's payload: Japanese, pinned.
    async with chat.session.get(f"http://127.0.0.1:{stack.ports.rasa}/conversations/{chat.openid}/tracker",
                                params={"token": stack.token}) as response:
        events = (await response.json())["events"]
    chosen = [e for e in events if e["event"] == "user"][-1]["parse_data"]
    assert chosen["intent"]["name"] == "choose_language"
    assert {"entity": "language_pinned", "value": "ja"}.items() <= next(
        e for e in chosen["entities"] if e["entity"] == "language_pinned").items()
    article = load_articles()["work_permit.what_is"]
    answer = await chat.say("外国人就労許可証とは何ですか？誰が必要ですか？")
    assert article.text("title", "ja") in answer and within_limit(chat)
    assert i18n.t("wechat.options_hint", "ja") in answer  # "Did this help?" as numbered options
    # The channel's own texts follow the conversation's language (Rasa's tracker), not the profile's.
    picture = await chat.send(chat.side.image(chat.openid))
    assert picture == i18n.t("wechat.text_only", "ja")
    # The language stays Japanese for a short, ambiguous message.
    thanks = await chat.say("ok")
    assert thanks and resolver.resolve(thanks).language == "ja"
