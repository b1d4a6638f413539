"""`haina wechat-sim` as a user runs it: a scripted terminal session against the channel."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys

import pytest
from sanic import Sanic

from connectors.wechat.channel import WeChatInput
from connectors.wechat.settings import WeChatSettings
from haina import i18n

AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_help_lists_the_commands():
    result = subprocess.run([sys.executable, "-m", "haina.cli", "wechat-sim", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for word in ("--webhook", "--mode", "/location", "/voice", "/subscribe", "/menu", "/retry"):
        assert word in result.stdout


def test_without_the_variables_it_says_what_to_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAINA_WECHAT")}
    result = subprocess.run([sys.executable, "-m", "haina.cli", "wechat-sim"], capture_output=True, text=True,
                            env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "HAINA_WECHAT_APPID" in result.stderr


@pytest.mark.parametrize("mode", ["safe", "compatible"])
async def test_a_scripted_session(tmp_path, monkeypatch, mode):
    monkeypatch.setattr(Sanic, "test_mode", True)
    api_port = free_port()
    env = {**os.environ, "HAINA_WECHAT_APPID": "wx1234567890abcdef", "HAINA_WECHAT_SECRET": "secret",
           "HAINA_WECHAT_TOKEN": "haina-token", "HAINA_WECHAT_AES_KEY": AES_KEY,
           "HAINA_WECHAT_API_BASE": f"http://127.0.0.1:{api_port}"}
    settings = WeChatSettings.from_env(env, state_dir=tmp_path, passive_deadline_s=0.5)

    async def assistant(message):  # a stand-in for Rasa's agent; the slow question misses the deadline
        if message.text == "slow question":
            await asyncio.sleep(1.0)
        where = message.metadata.get("location", {}).get("label")
        await message.output_channel.send_response(message.sender_id, {"text": f"you said {message.text} {where or ''}".strip()})

    app = Sanic(f"wechat_sim_test_{secrets.token_hex(4)}")
    app.blueprint(WeChatInput(settings).blueprint(assistant), url_prefix="/webhooks/wechat")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    script = "\n".join(["/verify", "hello there", "/location 31.23 121.47 People's Square", "/voice",
                        "/image", "slow question", "/wait 2", "/quit"]) + "\n"
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "haina.cli", "wechat-sim", "--webhook", f"http://127.0.0.1:{port}/webhooks/wechat/webhook",
            "--mode", mode, "--profile-language", "en", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
        out, err = await asyncio.wait_for(process.communicate(script.encode()), timeout=90)
    finally:
        server.close()
        await server.wait_closed()
    output = out.decode()
    assert process.returncode == 0, err.decode()
    assert f"{mode} mode" in output and "verification passed" in output
    assert "Haina ›\nyou said hello there" in output
    assert "you said /search_directory People's Square" in output
    assert i18n.t("wechat.voice_not_recognised", "en") in output
    assert i18n.t("wechat.text_only", "en") in output
    assert "Haina (customer service) ›\nyou said slow question" in output
