"""The WeChat side, simulated: what `haina wechat-sim`, the tests and the benchmark talk to.

`WeChatSide` builds the XML WeChat pushes, signs it and (compatible or safe mode) encrypts it with
wechatpy exactly as WeChat does, posts it to the webhook, retries after 5 s like WeChat, and
checks and decrypts the reply. `ApiServer` serves the part of the Official Account API the
channel calls (access token, customer-service send, user info) on localhost and records every
customer-service message. Neither is used by the channel in production.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import aiohttp
from aiohttp import web
from wechatpy.crypto import WeChatCrypto

from connectors.wechat.envelope import parse_xml, sign
from connectors.wechat.settings import WeChatSettings

MODES = ("plaintext", "compatible", "safe")
RETRY_AFTER_S = 5.0
RETRIES = 3
ACCOUNT = "gh_haina_sim"


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(fields: dict[str, Any]) -> str:
    """WeChat's push format: strings in CDATA, numbers bare."""
    nodes = []
    for name, value in fields.items():
        shown = str(value) if isinstance(value, (int, float)) else _cdata(str(value))
        nodes.append(f"<{name}>{shown}</{name}>")
    return "<xml>" + "".join(nodes) + "</xml>"


@dataclass
class Delivery:
    """What came back from the webhook for one message."""

    status: int
    passive: str | None  # the passive text reply, decrypted
    attempts: int
    raw: str = ""


class WeChatSide:
    """Pushes messages to the webhook as WeChat's servers do, for one Official Account."""

    _msg_ids = itertools.count(int(time.time() * 1000) * 1000)

    def __init__(self, settings: WeChatSettings, webhook_url: str, mode: str | None = None,
                 retry_after_s: float = RETRY_AFTER_S, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.url = webhook_url
        self.mode = mode or ("safe" if settings.aes_key else "plaintext")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        if self.mode != "plaintext" and not settings.aes_key:
            raise ValueError(f"{self.mode} mode needs HAINA_WECHAT_AES_KEY")
        self.crypto = WeChatCrypto(settings.token, settings.aes_key, settings.appid) if settings.aes_key else None
        self.retry_after_s = retry_after_s
        self.clock = clock

    # -- messages as WeChat writes them ---------------------------------------------------------
    def _base(self, openid: str, msg_type: str) -> dict[str, Any]:
        return {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(self.clock()), "MsgType": msg_type}

    def text(self, openid: str, content: str) -> dict[str, Any]:
        return {**self._base(openid, "text"), "Content": content, "MsgId": next(self._msg_ids)}

    def voice(self, openid: str, recognition: str | None) -> dict[str, Any]:
        fields = {**self._base(openid, "voice"), "MediaId": secrets.token_hex(16), "Format": "amr"}
        if recognition is not None:
            fields["Recognition"] = recognition
        return {**fields, "MsgId": next(self._msg_ids)}

    def location(self, openid: str, lat: float, lon: float, label: str = "") -> dict[str, Any]:
        return {**self._base(openid, "location"), "Location_X": lat, "Location_Y": lon, "Scale": 15,
                "Label": label, "MsgId": next(self._msg_ids)}

    def image(self, openid: str) -> dict[str, Any]:
        return {**self._base(openid, "image"), "PicUrl": "http://mmbiz.qpic.cn/sim.jpg",
                "MediaId": secrets.token_hex(16), "MsgId": next(self._msg_ids)}

    def of_type(self, openid: str, msg_type: str) -> dict[str, Any]:
        return {**self._base(openid, msg_type), "MsgId": next(self._msg_ids)}

    def event(self, openid: str, event: str, key: str | None = None) -> dict[str, Any]:
        fields = {**self._base(openid, "event"), "Event": event}
        if key is not None:
            fields["EventKey"] = key
        return fields

    # -- signing and sending --------------------------------------------------------------------
    def signed(self, fields: dict[str, Any], timestamp: str | None = None,
               nonce: str | None = None) -> tuple[dict[str, str], bytes]:
        """The query string and body of WeChat's POST for this message, in this side's mode."""
        timestamp = timestamp or str(int(self.clock()))
        nonce = nonce or str(secrets.randbelow(10**10))
        query = {"signature": sign(self.settings.token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": str(fields.get("FromUserName", ""))}
        plain = message_xml(fields)
        if self.mode == "plaintext":
            return query, plain.encode("utf-8")
        envelope = parse_xml(self.crypto.encrypt_message(plain, nonce, timestamp))
        encrypt = envelope["Encrypt"]
        query.update(encrypt_type="aes", msg_signature=sign(self.settings.token, timestamp, nonce, encrypt))
        if self.mode == "safe":
            body = message_xml({"ToUserName": fields["ToUserName"], "Encrypt": encrypt})
        else:  # compatible: the plaintext fields and the ciphertext side by side
            body = message_xml({**fields, "Encrypt": encrypt})
        return query, body.encode("utf-8")

    def read_reply(self, body: str) -> str | None:
        """The text of a passive reply (checking its signature when encrypted), None for "success"."""
        if body.strip() in ("", "success"):
            return None
        fields = parse_xml(body)
        if "Encrypt" in fields:
            if self.crypto is None:
                raise ValueError("encrypted reply, but no AES key")
            expected = sign(self.settings.token, str(fields["TimeStamp"]), str(fields["Nonce"]), fields["Encrypt"])
            if not hmac.compare_digest(expected, str(fields["MsgSignature"])):
                raise ValueError("the reply's MsgSignature is wrong")
            fields = parse_xml(self.crypto.decrypt_message(body, fields["MsgSignature"], fields["TimeStamp"],
                                                           fields["Nonce"]))
        if fields.get("MsgType") != "text":
            raise ValueError(f"unexpected reply type {fields.get('MsgType')!r}")
        return fields.get("Content") or ""

    async def deliver(self, session: aiohttp.ClientSession, fields: dict[str, Any],
                      retries: int = RETRIES) -> Delivery:
        """POST like WeChat: give up on an attempt after 5 s and push the same message again."""
        for attempt in range(1, retries + 2):
            query, body = self.signed(fields)
            try:
                async with session.post(self.url, params=query, data=body,
                                        timeout=aiohttp.ClientTimeout(total=self.retry_after_s),
                                        headers={"Content-Type": "text/xml"}) as response:
                    text = await response.text()
                    if response.status != 200:
                        return Delivery(response.status, None, attempt, text)
                    return Delivery(200, self.read_reply(text), attempt, text)
            except asyncio.TimeoutError:
                continue
        return Delivery(0, None, retries + 1)

    async def verify_url(self, session: aiohttp.ClientSession) -> bool:
        """The GET WeChat makes when the server address is saved: the echostr must come back."""
        timestamp, nonce, echostr = str(int(self.clock())), str(secrets.randbelow(10**10)), secrets.token_hex(8)
        query = {"signature": sign(self.settings.token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "echostr": echostr}
        async with session.get(self.url, params=query) as response:
            return response.status == 200 and await response.text() == echostr


@dataclass
class SentMessage:
    openid: str
    text: str
    at: float


@dataclass
class ApiServer:
    """api.weixin.qq.com's token, customer-service and user-info endpoints, on localhost."""

    settings: WeChatSettings
    profile_language: str = "zh_CN"
    on_message: Callable[[SentMessage], None] | None = None
    sent: list[SentMessage] = field(default_factory=list)
    token_requests: int = 0
    send_attempts: int = 0
    token_lifetime_s: float = 7200  # a negative value issues tokens that are already expired
    languages: dict[str, str] = field(default_factory=dict)  # per openid, else profile_language
    _tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    _runner: web.AppRunner | None = None
    port: int | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._send)
        app.router.add_get("/cgi-bin/user/info", self._user_info)
        return app

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def expire_tokens(self) -> None:
        """Make every token issued so far expired (the next call with one gets 42001)."""
        for token in self._tokens:
            self._tokens[token] = 0.0

    def _token_error(self, request: web.Request) -> web.Response | None:
        token = request.query.get("access_token", "")
        if token not in self._tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        if self._tokens[token] < time.time():
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        return None

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        query = request.query
        if query.get("grant_type") != "client_credential" or query.get("appid") != self.settings.appid:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        if query.get("secret") != self.settings.secret:
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        token = "SIM_" + secrets.token_urlsafe(24)
        self._tokens[token] = time.time() + self.token_lifetime_s
        return web.json_response({"access_token": token, "expires_in": 7200})

    async def _send(self, request: web.Request) -> web.Response:
        self.send_attempts += 1
        error = self._token_error(request)
        if error is not None:
            return error
        try:
            data = await request.json()
            openid, content = data["touser"], data["text"]["content"]
        except (ValueError, KeyError, TypeError):
            return web.json_response({"errcode": 44002, "errmsg": "empty post data"})
        if data.get("msgtype") != "text":
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        if len(content.encode("utf-8")) > 2048:
            return web.json_response({"errcode": 45002, "errmsg": "content size out of limit"})
        message = SentMessage(openid, content, time.time())
        self.sent.append(message)
        if self.on_message is not None:
            self.on_message(message)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _user_info(self, request: web.Request) -> web.Response:
        error = self._token_error(request)
        if error is not None:
            return error
        openid = request.query.get("openid", "")
        return web.json_response({"subscribe": 1, "openid": openid,
                                  "language": self.languages.get(openid, self.profile_language)})
