"""`haina shell`: chat with the assistant in the terminal, with the real action server behind it."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from haina import paths
from haina.runner import Ports, Stack, _answers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _loop(model: Path, action_url: str) -> None:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    agent = Agent.load(str(model), action_endpoint=EndpointConfig(action_url))
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    buttons: list[dict] = []
    print("Type your message (Ctrl-D or /quit to leave). Numbers pick a button.\n")
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            print()
            return
        if text in ("/quit", "/exit"):
            return
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        buttons = []
        for reply in await agent.handle_text(text, sender_id=sender) or []:
            if reply.get("text"):
                print(f"haina> {reply['text']}\n")
            for button in reply.get("buttons") or []:
                buttons.append(button)
                print(f"  [{len(buttons)}] {button.get('title')}")
        if buttons:
            print()


def chat(model: Path) -> int:
    port = _free_port()
    stack = Stack(model=model, ports=Ports(actions=port))
    command = stack.commands()["actions"]
    log = open(paths.VAR / "shell-actions.log", "ab") if paths.VAR.exists() else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=paths.ROOT, env=stack.environment(), stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not _answers(f"http://127.0.0.1:{port}/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                print("haina: the action server did not start", file=sys.stderr)
                return 1
            time.sleep(0.3)
        asyncio.run(_loop(model, f"http://127.0.0.1:{port}/webhook"))
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        process.terminate()
        process.wait(timeout=10)
