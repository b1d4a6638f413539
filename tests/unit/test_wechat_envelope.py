"""WeChat's signatures and AES envelope, with wechatpy as the other side, in all three modes."""

from __future__ import annotations

import time

import pytest
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from connectors.wechat.envelope import Envelope, Malformed, Refused, parse_xml, sign
from connectors.wechat.settings import SettingsError, WeChatSettings
from connectors.wechat.simulator import WeChatSide

AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
OPENID = "oHaina0000000000000000000001"


def settings(mode: str, **extra) -> WeChatSettings:
    return WeChatSettings(appid="wx1234567890abcdef", secret="secret", token="haina-token",
                          aes_key=None if mode == "plaintext" else AES_KEY, **extra)


def side(mode: str, **extra) -> WeChatSide:
    return WeChatSide(settings(mode, **extra), "http://unused", mode=mode)


@pytest.mark.parametrize("mode", ["plaintext", "compatible", "safe"])
def test_round_trip_in_each_mode(mode):
    wechat = side(mode)
    envelope = Envelope(settings(mode))
    query, body = wechat.signed(wechat.text(OPENID, "工作许可要多久？ ]]> <tag>"))
    # What WeChat signs is what wechatpy's own check accepts.
    check_signature("haina-token", query["signature"], query["timestamp"], query["nonce"])
    opened = envelope.open(query, body)
    assert opened.encrypted is (mode != "plaintext")
    message = parse_message(opened.xml)
    assert message.type == "text" and message.content == "工作许可要多久？ ]]> <tag>"
    assert message.source == OPENID
    reply = envelope.text_reply(opened, "大约10个工作日。 ]]> & <b>")
    if mode == "plaintext":
        assert "<Encrypt>" not in reply
    else:
        # wechatpy, playing WeChat, checks the reply's signature and decrypts it.
        fields = parse_xml(reply)
        crypto = WeChatCrypto("haina-token", AES_KEY, "wx1234567890abcdef")
        inner = crypto.decrypt_message(reply, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
        assert "<Content>" in inner
    assert wechat.read_reply(reply) == "大约10个工作日。 ]]> & <b>"
    back = parse_xml(reply if mode == "plaintext" else inner)
    assert back["ToUserName"] == OPENID and back["FromUserName"] == "gh_haina_sim"


def test_compatible_mode_without_a_key_answers_in_plaintext():
    wechat = side("compatible")
    query, body = wechat.signed(wechat.text(OPENID, "hello"))
    opened = Envelope(settings("plaintext")).open(query, body)
    assert not opened.encrypted and parse_message(opened.xml).content == "hello"
    # ... but still checks the message signature over the ciphertext.
    query["msg_signature"] = "0" * 40
    with pytest.raises(Refused):
        Envelope(settings("plaintext")).open(query, body)


def test_safe_mode_needs_the_key():
    wechat = side("safe")
    query, body = wechat.signed(wechat.text(OPENID, "hello"))
    with pytest.raises(Malformed):
        Envelope(settings("plaintext")).open(query, body)


@pytest.mark.parametrize("mode", ["plaintext", "compatible", "safe"])
def test_bad_signature_is_refused(mode):
    wechat = side(mode)
    query, body = wechat.signed(wechat.text(OPENID, "hi"))
    for name in ("signature", "timestamp", "nonce"):
        tampered = dict(query)
        tampered[name] = tampered[name][:-1] + ("0" if tampered[name][-1] != "0" else "1")
        with pytest.raises(Refused):
            Envelope(settings(mode)).open(tampered, body)
    missing = {k: v for k, v in query.items() if k != "signature"}
    with pytest.raises(Refused):
        Envelope(settings(mode)).open(missing, body)


@pytest.mark.parametrize("mode", ["compatible", "safe"])
def test_bad_message_signature_or_swapped_ciphertext_is_refused(mode):
    wechat = side(mode)
    query, body = wechat.signed(wechat.text(OPENID, "hi"))
    _, other_body = wechat.signed(wechat.text(OPENID, "a different message"), query["timestamp"], query["nonce"])
    with pytest.raises(Refused, match="msg_signature"):
        Envelope(settings(mode)).open(query, other_body)
    with pytest.raises(Refused):
        Envelope(settings(mode)).open({k: v for k, v in query.items() if k != "msg_signature"}, body)


def test_message_for_another_account_is_refused():
    other = WeChatSide(WeChatSettings(appid="wxOTHERACCOUNT000", secret="s", token="haina-token", aes_key=AES_KEY),
                       "http://unused", mode="safe")
    query, body = other.signed(other.text(OPENID, "hi"))
    with pytest.raises(Refused, match="AppID"):
        Envelope(settings("safe")).open(query, body)


def test_plaintext_is_refused_when_a_key_is_configured():
    wechat = side("plaintext")
    query, body = wechat.signed(wechat.text(OPENID, "hi"))
    with pytest.raises(Refused, match="plaintext"):
        Envelope(settings("safe")).open(query, body)


@pytest.mark.parametrize("offset", [-301, 301, 3600])
def test_stale_or_future_timestamps_are_refused(offset):
    wechat = side("safe")
    query, body = wechat.signed(wechat.text(OPENID, "hi"), timestamp=str(int(time.time()) + offset))
    with pytest.raises(Refused, match="stale"):
        Envelope(settings("safe")).open(query, body)


def test_timestamps_within_the_window_pass():
    wechat = side("safe")
    query, body = wechat.signed(wechat.text(OPENID, "hi"), timestamp=str(int(time.time()) - 250))
    assert Envelope(settings("safe")).open(query, body).encrypted


@pytest.mark.parametrize("body", [
    b"not xml at all", b"<xml><Content>unclosed", b"<other>x</other>", b"\xff\xfe<xml/>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><c>&b;</c></xml>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><c>&e;</c></xml>',
])
def test_malformed_bodies(body):
    wechat = side("plaintext")
    query, _ = wechat.signed(wechat.text(OPENID, "hi"))
    with pytest.raises(Malformed):
        Envelope(settings("plaintext")).open(query, body)


def test_signed_but_undecryptable_ciphertext_is_malformed():
    wechat = side("safe")
    query, _ = wechat.signed(wechat.text(OPENID, "hi"))
    garbage = "bm90IGEgY2lwaGVydGV4dA=="
    query["msg_signature"] = sign("haina-token", query["timestamp"], query["nonce"], garbage)
    body = f"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>".encode()
    with pytest.raises(Malformed, match="decrypt"):
        Envelope(settings("safe")).open(query, body)


def test_url_verification_echoes_exactly():
    envelope = Envelope(settings("safe"))
    timestamp, nonce = str(int(time.time())), "1234567"
    query = {"signature": sign("haina-token", timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
             "echostr": "5837397520665436492"}
    assert envelope.verify_url(query) == "5837397520665436492"
    with pytest.raises(Refused):
        envelope.verify_url({**query, "signature": "f" * 40})
    with pytest.raises(InvalidSignatureException):  # the same rule as wechatpy's own check
        check_signature("haina-token", "f" * 40, timestamp, nonce)


def test_settings_from_the_environment():
    env = {"HAINA_WECHAT_APPID": "wx1", "HAINA_WECHAT_SECRET": "s", "HAINA_WECHAT_TOKEN": "t"}
    plain = WeChatSettings.from_env(env)
    assert not plain.safe_mode and plain.api_base == "https://api.weixin.qq.com" and plain.redis_url is None
    safe = WeChatSettings.from_env({**env, "HAINA_WECHAT_AES_KEY": AES_KEY, "HAINA_WECHAT_API_BASE": "http://127.0.0.1:9/",
                                    "HAINA_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert safe.safe_mode and safe.api_base == "http://127.0.0.1:9" and safe.redis_url
    assert "secret" not in repr(safe) and AES_KEY not in repr(safe)
    with pytest.raises(SettingsError, match="HAINA_WECHAT_TOKEN"):
        WeChatSettings.from_env({k: v for k, v in env.items() if k != "HAINA_WECHAT_TOKEN"})
    for bad in ("short", AES_KEY[:-1] + "!", AES_KEY[:42]):
        with pytest.raises(SettingsError, match="43"):
            WeChatSettings.from_env({**env, "HAINA_WECHAT_AES_KEY": bad})
