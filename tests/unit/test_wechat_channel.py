"""The Rasa input channel on a real Sanic server: routes, limits, and how Rasa loads it."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path

import aiohttp
import pytest
from sanic import Sanic

from connectors.wechat.channel import WeChatInput
from connectors.wechat.envelope import sign
from connectors.wechat.settings import SettingsError, WeChatSettings
from connectors.wechat.simulator import WeChatSide
from haina import paths
from haina.runner import Ports, Stack, write_credentials

AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
OPENID = "oHaina0000000000000000000001"
ENV = {"HAINA_WECHAT_APPID": "wx1234567890abcdef", "HAINA_WECHAT_SECRET": "secret", "HAINA_WECHAT_TOKEN": "haina-token"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def served(tmp_path, monkeypatch):
    """The channel's blueprint on a Sanic server, answering with a stand-in for Rasa's agent."""
    monkeypatch.setattr(Sanic, "test_mode", True)  # lets several servers start in one process
    settings = WeChatSettings(appid="wx1234567890abcdef", secret="secret", token="haina-token", aes_key=AES_KEY,
                              api_base="http://127.0.0.1:9", state_dir=tmp_path, max_body_bytes=8192)
    channel = WeChatInput(settings)
    received = []

    async def on_new_message(message):
        received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": f"**echo** {message.text}"})

    app = Sanic(f"wechat_test_{secrets.token_hex(4)}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{WeChatInput.name()}")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    url = f"http://127.0.0.1:{port}/webhooks/wechat/webhook"
    async with aiohttp.ClientSession() as session:
        yield session, url, WeChatSide(settings, url, mode="safe"), received
    server.close()
    await server.wait_closed()


async def test_a_conversation_over_http(served):
    session, url, side, received = served
    assert await side.verify_url(session)
    delivery = await side.deliver(session, side.text(OPENID, "签证"))
    assert delivery.status == 200 and delivery.passive == "echo 签证" and delivery.attempts == 1
    assert received[0].sender_id == OPENID and received[0].input_channel == "wechat"


async def test_verification_with_a_bad_signature_is_403(served):
    session, url, _, _ = served
    async with session.get(url, params={"signature": "0" * 40, "timestamp": "1", "nonce": "2", "echostr": "x"}) as r:
        assert r.status == 403 and await r.text() != "x"


@pytest.mark.parametrize("chunked", [False, True])
async def test_an_oversize_body_is_413_before_it_is_read(served, chunked):
    session, url, side, received = served
    query, _ = side.signed(side.text(OPENID, "hi"))

    async def chunks():
        for _ in range(20):
            yield b"<xml>" + b"x" * 1000

    body = chunks() if chunked else b"x" * 20_000
    async with session.post(url, params=query, data=body) as response:
        assert response.status == 413
    assert received == []


async def test_garbage_is_400_and_unsigned_is_403_never_500(served):
    session, url, side, _ = served
    query, _ = side.signed(side.text(OPENID, "hi"))
    async with session.post(url, params=query, data=b"<<<not xml") as response:
        assert response.status == 400
    async with session.post(url, data=b"<xml/>") as response:
        assert response.status == 403


def test_from_credentials_reads_the_environment(monkeypatch, tmp_path):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HAINA_WECHAT_AES_KEY", AES_KEY)
    channel = WeChatInput.from_credentials({"appid": "wx_from_credentials", "secret": "s", "token": "t"})
    assert channel.name() == "wechat" and channel.url_prefix() == "wechat"
    assert channel.settings.appid == "wx_from_credentials" and channel.settings.safe_mode
    monkeypatch.delenv("HAINA_WECHAT_TOKEN")
    with pytest.raises(SettingsError):
        WeChatInput.from_credentials(None)


def test_rasa_loads_the_channel_from_the_credentials_file(monkeypatch, tmp_path):
    """What `rasa run --credentials var/credentials.yml` does with the file `haina run` writes
    (rasa.core.run.create_http_input_channels: read the file, load each class by its path)."""
    from rasa.shared.utils.common import class_from_module_path
    from rasa.shared.utils.io import read_config_file

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HAINA_WECHAT_STATE_DIR", str(tmp_path / "state"))
    target = tmp_path / "credentials.yml"
    kept = write_credentials(paths.ROOT / "credentials.yml", target, dict(ENV))
    assert kept == ["connectors.channels.RestInput", "connectors.channels.SocketIOInput", "connectors.wechat.WeChatInput"]
    assert "secret" not in target.read_text().replace("secret: ${HAINA_WECHAT_SECRET}", "")
    credentials = read_config_file(str(target))
    channel = class_from_module_path("connectors.wechat.WeChatInput").from_credentials(
        credentials["connectors.wechat.WeChatInput"])
    assert channel.name() == "wechat" and channel.settings.token == "haina-token"
    assert channel.settings.secret == "secret" and not channel.settings.safe_mode


def test_without_the_variables_haina_run_leaves_the_channel_out(tmp_path):
    target = tmp_path / "credentials.yml"
    partial = {k: v for k, v in ENV.items() if k != "HAINA_WECHAT_SECRET"}
    assert write_credentials(paths.ROOT / "credentials.yml", target, partial) == ["connectors.channels.RestInput", "connectors.channels.SocketIOInput"]
    assert "wechat" not in target.read_text().lower()


def test_the_stack_passes_its_own_credentials_file(tmp_path):
    stack = Stack(model=Path("model.tar.gz"), ports=Ports(1, 2, 3), var_dir=tmp_path, extra_env={"HAINA_X": "1"})
    rasa = stack.commands()["rasa"]
    assert rasa[rasa.index("--credentials") + 1] == str(tmp_path / "credentials.yml")
    assert stack.environment()["HAINA_X"] == "1"


def test_the_signature_helper_matches_wechats_example():
    # The example of WeChat's documentation: token AAAAA, timestamp 1714036504, nonce 1514711492.
    assert sign("AAAAA", "1714036504", "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696"
