"""WeChat's wire protocol: signatures, the timestamp window, the AES envelope and passive replies.

Plaintext mode: `signature` = sha1 of the sorted (token, timestamp, nonce); the body is the message
XML. Compatible mode: the body carries the plaintext fields and `<Encrypt>`, and the query adds
`encrypt_type=aes` and `msg_signature` = sha1 of the sorted (token, timestamp, nonce, Encrypt).
Safe mode: the body carries only `<Encrypt>`. Replies to an encrypted message are encrypted; a
plaintext message is refused when an AES key is configured (the account is then in safe or
compatible mode, and a plaintext body is not covered by any signature). wechatpy does the AES
work; the signatures are compared here in constant time.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any, Mapping

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from connectors.wechat.settings import WeChatSettings


class EnvelopeError(Exception):
    """A request the channel does not answer; `reason` is safe to log (it never holds the body)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refused(EnvelopeError):
    """The request is not from WeChat (bad or missing signature, stale timestamp): HTTP 403."""


class Malformed(EnvelopeError):
    """The request is signed but its body cannot be read: HTTP 400."""


@dataclass(frozen=True)
class Opened:
    """An authenticated message: its plaintext XML and whether the reply must be encrypted."""

    xml: str
    fields: dict[str, Any]
    encrypted: bool


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 over the sorted parts, concatenated."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _same(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def parse_xml(text: str) -> dict[str, Any]:
    """The children of `<xml>` as a dict; Malformed for anything else (entities are refused)."""
    try:
        document = xmltodict.parse(text, disable_entities=True)
    except Exception as error:  # expat errors, entity declarations, bad encodings
        raise Malformed(f"unreadable XML ({type(error).__name__})") from None
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise Malformed("the body is not a WeChat <xml> document")
    return root


class Envelope:
    """Checks and opens what WeChat sends, and seals what goes back, for one account."""

    def __init__(self, settings: WeChatSettings, clock=time.time) -> None:
        self.settings = settings
        self.clock = clock
        self.crypto = WeChatCrypto(settings.token, settings.aes_key, settings.appid) if settings.aes_key else None

    # -- checks ---------------------------------------------------------------------------------
    def check_signature(self, query: Mapping[str, str]) -> None:
        """The URL signature every request carries, and the timestamp window."""
        timestamp, nonce = query.get("timestamp"), query.get("nonce")
        if not timestamp or not nonce:
            raise Refused("missing timestamp or nonce")
        if not _same(sign(self.settings.token, timestamp, nonce), query.get("signature")):
            raise Refused("bad signature")
        self.check_timestamp(timestamp)

    def check_timestamp(self, timestamp: str) -> None:
        try:
            sent = int(timestamp)
        except ValueError:
            raise Refused("timestamp is not a number") from None
        if abs(self.clock() - sent) > self.settings.max_clock_skew_s:
            raise Refused("stale timestamp")

    def verify_url(self, query: Mapping[str, str]) -> str:
        """The GET check WeChat makes when the URL is configured: echo `echostr` if signed."""
        self.check_signature(query)
        echostr = query.get("echostr")
        if echostr is None:
            raise Malformed("missing echostr")
        return echostr

    # -- incoming -------------------------------------------------------------------------------
    def open(self, query: Mapping[str, str], body: bytes) -> Opened:
        """Authenticate and, in safe or compatible mode, decrypt a POSTed message."""
        self.check_signature(query)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Malformed("the body is not UTF-8") from None
        outer = parse_xml(text)
        encrypted = (query.get("encrypt_type") or "raw").lower() == "aes"
        if not encrypted:
            if self.crypto is not None:
                raise Refused("plaintext message while an AES key is configured")
            return Opened(text, outer, encrypted=False)
        encrypt = outer.get("Encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise Malformed("encrypted message without <Encrypt>")
        if not _same(sign(self.settings.token, query["timestamp"], query["nonce"], encrypt),
                     query.get("msg_signature")):
            raise Refused("bad msg_signature")
        if self.crypto is None:
            # Compatible mode without a key: the plaintext fields are there, and answered in plaintext.
            if "MsgType" in outer:
                return Opened(text, {k: v for k, v in outer.items() if k != "Encrypt"}, encrypted=False)
            raise Malformed("encrypted message, but HAINA_WECHAT_AES_KEY is not set")
        try:
            inner_text = self.crypto.decrypt_message({"Encrypt": encrypt}, query["msg_signature"],
                                                     query["timestamp"], query["nonce"])
        except InvalidAppIdException:
            raise Refused("message for another AppID") from None
        except Exception as error:  # bad base64, padding or length: signed, but not readable
            raise Malformed(f"cannot decrypt ({type(error).__name__})") from None
        return Opened(inner_text, parse_xml(inner_text), encrypted=True)

    # -- outgoing -------------------------------------------------------------------------------
    def text_reply(self, opened: Opened, content: str) -> str:
        """A passive text reply to `opened`, encrypted when the message was."""
        reply = TextReply(source=opened.fields.get("ToUserName", ""), target=opened.fields.get("FromUserName", ""),
                          time=int(self.clock()), content=_cdata_safe(content))
        xml = reply.render()
        if opened.encrypted and self.crypto is not None:
            return self.crypto.encrypt_message(xml, secrets.token_hex(8), str(int(self.clock())))
        return xml


def _cdata_safe(text: str) -> str:
    """wechatpy wraps the content in CDATA without escaping; a ']]>' in it would end the section."""
    return text.replace("]]>", "]]]]><![CDATA[>")
