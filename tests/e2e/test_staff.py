"""The staff console against the real servers (the shared `stack`): assist in two languages, an audited
permit lookup, and the handoff over the web chat's socket.io channel: the user asks for a person, the
bot stays silent while every user message is still stored, the agent's reply reaches the user's
socket, handing back resumes the bot; two not-understood turns in a row hand off as well; over
WeChat the replies go out as customer-service messages."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
import sqlalchemy as sa

from haina import db, i18n
from haina.db.models import Handoff, StaffAuditEntry
from tests.e2e.test_wechat import wechat  # noqa: F401  (the simulated WeChat user and API server)

pytestmark = pytest.mark.e2e
PASSWORD = "e2e staff password, long enough"


def database(stack) -> str:
    return stack.environment()["HAINA_DATABASE_URL"]


@pytest.fixture(scope="module")
def accounts(stack):
    from haina.staff.accounts import create_account

    suffix = uuid.uuid4().hex[:6]
    made = {role: create_account(f"{role}-{suffix}", role, PASSWORD, url=database(stack))
            for role in ("agent", "supervisor")}
    return {role: staff.username for role, staff in made.items()}


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Console:
    """A signed-in staff member's HTTP client."""

    def __init__(self, stack, username: str) -> None:
        self.base = f"http://127.0.0.1:{stack.ports.web}"
        self.username = username

    async def __aenter__(self) -> "Console":
        import aiohttp

        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        page = await self.http.get(f"{self.base}/staff/login")
        signed = await self.http.post(f"{self.base}/staff/login", data={
            "csrf_token": csrf(await page.text()), "username": self.username, "password": PASSWORD})
        assert signed.status == 200 and str(signed.url).endswith("/staff/"), await signed.text()
        self.token = csrf(await signed.text())
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.close()

    async def get(self, path: str) -> str:
        response = await self.http.get(self.base + path)
        assert response.status == 200, path
        return await response.text()

    async def post(self, path: str, **data: str) -> tuple[int, str, str]:
        response = await self.http.post(self.base + path, data={"csrf_token": self.token, **data})
        return response.status, str(response.url), await response.text()

    async def events(self, handoff_id: int, after: int = -1) -> dict:
        response = await self.http.get(f"{self.base}/staff/queue/{handoff_id}/events.json?after={after}",
                                       headers={"Accept": "application/json"})
        return await response.json()


class WebChatUser:
    """The web chat's side of socket.io, as rasa-webchat does it (session_request, then user_uttered)."""

    def __init__(self, stack, language: str) -> None:
        self.url = f"http://127.0.0.1:{stack.ports.rasa}"
        self.session_id = f"e2e-{uuid.uuid4().hex}"
        self.language = language
        self.received: list[str] = []

    async def __aenter__(self) -> "WebChatUser":
        import socketio

        self.sio = socketio.AsyncClient()
        self.sio.on("bot_uttered", lambda data: self.received.append(data.get("text") or ""))
        await self.sio.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.sio.emit("session_request", {"session_id": self.session_id})
        await asyncio.sleep(0.5)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.sio.disconnect()

    def mark(self) -> int:
        """How many bot messages have arrived so far (take it before the action whose answer you await)."""
        return len(self.received)

    async def after(self, mark: int, count: int | None = None, timeout: float = 60.0) -> list[str]:
        """The bot messages since `mark`: once `count` have come, or after a quiet 3 s when count is None."""
        waited = 0.0
        while (count is None and waited < 3.0) or (count is not None and len(self.received) < mark + count):
            await asyncio.sleep(0.25)
            waited += 0.25
            if waited > timeout:
                raise AssertionError(f"waited {timeout} s for bot messages; got {self.received[mark:]}")
        return self.received[mark:]

    async def say(self, text: str, expect: int | None = None) -> list[str]:
        """Send a message; the bot messages that answer it (`expect` of them, or whatever comes in 3 s)."""
        mark = self.mark()
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id,
                                             "customData": {"language": self.language}})
        return await self.after(mark, expect)


def open_handoff(stack, session_id: str) -> Handoff | None:
    with db.session_scope(database(stack)) as session:
        return session.execute(sa.select(Handoff).where(Handoff.sender_id == session_id)
                               .order_by(Handoff.id.desc())).scalars().first()


async def test_assist_in_two_languages(stack, accounts):
    async with Console(stack, accounts["agent"]) as agent:
        german = (await agent.post("/staff/assist", text="Wie lange dauert die Bearbeitung der Arbeitserlaubnis?"))[2]
        assert 'id="detected-language" data-code="de"' in german
        assert 'data-code="work_permit"' in german and 'data-article="work_permit.' in german
        assert '<article class="answer card" lang="zh">' in german  # the same article in Chinese beside it
        chinese = (await agent.post("/staff/assist", text="浦东有没有周日开门的国际医院"))[2]
        assert 'id="detected-language" data-code="zh"' in chinese and 'data-code="healthcare"' in chinese
        assert 'id="directory-criteria"' in chinese and "Pudong" in chinese


async def test_a_permit_lookup_is_audited(stack, accounts):
    async with Console(stack, accounts["agent"]) as agent:
        status, _, html = await agent.post("/staff/permits", application_number="SHWP-2026-004217",
                                           verification="1970-01-01", reason="e2e: caller asks for the status")
        assert status == 200 and 'data-outcome="not_verified"' in html
    with db.session_scope(database(stack)) as session:
        entry = session.execute(sa.select(StaffAuditEntry).where(StaffAuditEntry.username == accounts["agent"])
                                ).scalars().one()
    assert (entry.application_number, entry.outcome, entry.reason) == (
        "SHWP-2026-004217", "not_verified", "e2e: caller asks for the status")
    async with Console(stack, accounts["supervisor"]) as supervisor:
        assert accounts["agent"] in await supervisor.get("/staff/audit")


async def test_handoff_over_the_web_chat(stack, accounts):
    async with WebChatUser(stack, "fr") as user, Console(stack, accounts["agent"]) as agent:
        queued = await user.say("Je voudrais parler à une personne, s'il vous plaît", expect=1)
        assert queued == [i18n.t("handoff.queued", "fr")]
        handoff = open_handoff(stack, user.session_id)
        assert (handoff.state, handoff.language, handoff.channel, handoff.reason) == ("waiting", "fr", "socketio", "asked")

        silent = await user.say("En attendant : ma question concerne mon permis de séjour")
        assert silent == []  # the bot is paused...
        state = await agent.events(handoff.id)
        assert "ma question concerne mon permis de séjour" in state["html"]  # ...and the message is kept
        assert str(handoff.id) in await agent.get("/staff/queue")

        mark = user.mark()
        _, url, page = await agent.post(f"/staff/queue/{handoff.id}/take")
        assert url.endswith("notice=taken"), url
        assert await user.after(mark, 1) == [i18n.t("handoff.joined", "fr")]
        mark = user.mark()
        _, url, _ = await agent.post(f"/staff/queue/{handoff.id}/reply", text="Bonjour, ici le service 12345.")
        assert url.endswith("notice=sent"), url
        assert await user.after(mark, 1) == [i18n.t("handoff.staff_reply", "fr", text="Bonjour, ici le service 12345.")]

        last = (await agent.events(handoff.id))["last"]
        assert await user.say("Merci ! Et pour mon conjoint ?") == []
        newer = await agent.events(handoff.id, after=last)
        assert "Et pour mon conjoint" in newer["html"] and newer["state"] == "taken"

        mark = user.mark()
        _, url, _ = await agent.post(f"/staff/queue/{handoff.id}/close")
        assert url.endswith("/staff/queue?notice=closed"), url
        assert await user.after(mark, 1) == [i18n.t("handoff.handed_back", "fr")]
        assert open_handoff(stack, user.session_id).state == "closed"
        answered = await user.say("Bonjour", expect=1)
        assert "Haina" in answered[0]  # the bot answers again


async def test_two_not_understood_turns_in_a_row_hand_off(stack, accounts):
    async with WebChatUser(stack, "en") as user:
        first = await user.say("/nlu_fallback", expect=1)  # Rasa's intent syntax: a sure not-understood turn
        assert i18n.t("handoff.queued", "en") not in first and open_handoff(stack, user.session_id) is None
        second = await user.say("/nlu_fallback", expect=3)
        assert second[-2:] == [i18n.t("handoff.failed_twice", "en"), i18n.t("handoff.queued", "en")]
        assert open_handoff(stack, user.session_id).reason == "failures"
    async with Console(stack, accounts["supervisor"]) as supervisor:  # leave the queue as it was
        handoff = open_handoff(stack, user.session_id)
        await supervisor.post(f"/staff/queue/{handoff.id}/take")
        await supervisor.post(f"/staff/queue/{handoff.id}/close")
        assert open_handoff(stack, user.session_id).state == "closed"


async def test_handoff_over_wechat_uses_customer_service_messages(stack, accounts, wechat):
    """WeChat can be pushed to: the reply goes out as a customer-service message (the channel's
    own get_output_channel), through the simulator's API server."""
    chat = wechat("zh_CN")
    queued = await chat.say("我想找人工客服")
    assert i18n.t("handoff.queued", "zh") in queued
    handoff = open_handoff(stack, chat.openid)
    assert (handoff.channel, handoff.language, handoff.state) == ("wechat", "zh", "waiting")
    api = chat.api
    async with Console(stack, accounts["agent"]) as agent:
        before = len(api.sent)
        await agent.post(f"/staff/queue/{handoff.id}/take")
        _, url, _ = await agent.post(f"/staff/queue/{handoff.id}/reply", text="您好，这里是12345热线。")
        assert url.endswith("notice=sent"), url
        texts = [m.text for m in api.sent[before:] if m.openid == chat.openid]
        assert texts == [i18n.t("handoff.joined", "zh"), i18n.t("handoff.staff_reply", "zh", text="您好，这里是12345热线。")]
        _, url, _ = await agent.post(f"/staff/queue/{handoff.id}/close")
        assert url.endswith("notice=closed"), url
        assert api.sent[-1].text == i18n.t("handoff.handed_back", "zh")
    assert "海纳" in await chat.say("你好")  # the bot answers again
