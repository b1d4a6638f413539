"""`python -m bench wechat`: the WeChat channel's overhead per message and its passive-answer share.

1. Overhead (no Rasa): the time the channel itself spends on one message, per step (signature
   check, decryption, parsing, reply encryption) and for the whole webhook with an assistant that
   answers at once (store claims included), in plaintext and safe mode.
2. Passive share: 10 simultaneous WeChat users (the simulator, safe mode) hold conversations with a
   Haina stack started for the benchmark; a message is answered passively when its answer came back
   in the HTTP reply within the 4.5 s budget, otherwise it went through the customer-service API.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from bench import report
from bench.servers import free_port
from bench.stats import percentile

LOGS = report.OUT / "logs"
AES_KEY = "HainaBenchAesKey0123456789abcdefghijklmnopq"  # a throwaway key for the benchmark only
CREDENTIALS = {"HAINA_WECHAT_APPID": "wx_haina_bench", "HAINA_WECHAT_SECRET": "bench-secret",
               "HAINA_WECHAT_TOKEN": "bench-token", "HAINA_WECHAT_AES_KEY": AES_KEY}
SAMPLE = "外国人工作许可证怎么申请？需要哪些材料？"
CS_WAIT_S = 60.0  # how long a user waits for an answer sent through the customer-service API


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", type=int, default=10, help="simultaneous WeChat users (default 10)")
    parser.add_argument("--duration", type=float, help="measured seconds of conversations (default 30; 8 with --quick)")
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--seed", type=int, default=7, help="seed for the conversations")
    parser.add_argument("--overhead-only", action="store_true", help="only the channel overhead (no Rasa)")


# -- 1. overhead -----------------------------------------------------------------------------------

def _time_per_call(function: Callable[[], Any], seconds: float) -> float:
    """Median µs per call over batches run for about `seconds`."""
    function()
    batches, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(batches) < 5:
        started = time.perf_counter()
        for _ in range(50):
            function()
        batches.append((time.perf_counter() - started) / 50 * 1e6)
    return statistics.median(batches)


def overhead(seconds: float) -> dict[str, dict[str, float]]:
    from wechatpy import parse_message

    from connectors.wechat.envelope import Envelope
    from connectors.wechat.settings import WeChatSettings
    from connectors.wechat.simulator import WeChatSide
    from connectors.wechat.store import DiskStore
    from connectors.wechat.webhook import WeChatWebhook

    results: dict[str, dict[str, float]] = {}
    for mode in ("plaintext", "safe"):
        state = Path(tempfile.mkdtemp(prefix="bench-wechat-"))
        settings = WeChatSettings(appid=CREDENTIALS["HAINA_WECHAT_APPID"], secret="s", token="bench-token",
                                  aes_key=AES_KEY if mode == "safe" else None, api_base="http://127.0.0.1:9",
                                  state_dir=state)
        side = WeChatSide(settings, "http://unused", mode=mode)
        envelope = Envelope(settings)
        query, body = side.signed(side.text("oBench000000000000000000000", SAMPLE))
        opened = envelope.open(query, body)
        steps = {
            "verify": lambda: envelope.check_signature(query),
            "open (verify + decrypt + XML)": lambda: envelope.open(query, body),
            "parse": lambda: parse_message(opened.xml),
            "reply (render + encrypt)": lambda: envelope.text_reply(opened, "工作许可一般需要10个工作日。" * 4),
        }
        results[mode] = {name: _time_per_call(step, seconds) for name, step in steps.items()}
        hook = WeChatWebhook(settings, store=DiskStore(state / "state.db"))

        async def assistant(message) -> None:
            await message.output_channel.send_response(message.sender_id, {"text": "好的"})

        async def whole(count: int = 200) -> float:
            messages = [side.signed(side.text("oBench000000000000000000000", SAMPLE)) for _ in range(count)]
            started = time.perf_counter()
            for q, b in messages:
                await hook.receive(q, b, assistant)
            return (time.perf_counter() - started) / count * 1e6

        results[mode]["whole webhook (instant assistant)"] = asyncio.run(whole())
        hook.store.close()
        shutil.rmtree(state, ignore_errors=True)
    return results


# -- 2. passive share ------------------------------------------------------------------------------

async def _conversations(url: str, api_port: int, users: int, duration: float, seed: int) -> dict[str, Any]:
    import aiohttp

    from bench.conversations import haina_corpus
    from connectors.wechat.settings import WeChatSettings
    from connectors.wechat.simulator import ApiServer, WeChatSide
    from haina import paths
    from haina.languages import LANGUAGES

    settings = WeChatSettings.from_env({**CREDENTIALS})
    api = ApiServer(settings, profile_language="en")
    await api.start(api_port)
    side = WeChatSide(settings, url)
    corpus = haina_corpus(paths.ROOT, LANGUAGES)
    outcomes = {"passive": 0, "customer_service": 0, "no_answer": 0, "error": 0}
    passive_ms: list[float] = []
    languages = sorted(corpus.examples)
    stop_at = time.monotonic() + duration

    async def user(slot: int, session: aiohttp.ClientSession) -> None:
        for number in range(1_000_000):
            openid = f"oBench{slot:02d}{number:04d}{secrets.token_hex(8)}"[:28]
            rng = random.Random(f"{seed}:{slot}:{number}")
            for text in corpus.conversation(languages[(slot + number) % len(languages)], rng):
                if time.monotonic() >= stop_at:
                    return
                before = sum(1 for m in api.sent if m.openid == openid)
                started = time.perf_counter()
                try:
                    delivery = await side.deliver(session, side.text(openid, text), retries=0)
                except (aiohttp.ClientError, ValueError):
                    outcomes["error"] += 1
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                if delivery.status != 200:
                    outcomes["error"] += 1
                elif delivery.passive is not None:
                    outcomes["passive"] += 1
                    passive_ms.append(elapsed)
                else:  # "success": wait for the customer-service message before the next turn
                    for _ in range(int(CS_WAIT_S / 0.05)):
                        if sum(1 for m in api.sent if m.openid == openid) > before:
                            break
                        await asyncio.sleep(0.05)
                    arrived = sum(1 for m in api.sent if m.openid == openid) > before
                    outcomes["customer_service" if arrived else "no_answer"] += 1

    try:
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(user(slot, session) for slot in range(users)))
    finally:
        await api.stop()
    total = sum(outcomes.values())
    return {"users": users, "duration_s": duration, "messages": total, **outcomes,
            "passive_share": outcomes["passive"] / total if total else None,
            "passive_p50_ms": percentile(passive_ms, 50), "passive_p95_ms": percentile(passive_ms, 95)}


def passive_share(users: int, duration: float, seed: int) -> dict[str, Any]:
    from haina.runner import Ports, Stack
    from haina.training import latest_model

    class _ChatServers(Stack):
        """The action and Rasa servers of the stack; the web pages play no part in WeChat."""

        def commands(self) -> dict[str, list[str]]:
            return {k: v for k, v in super().commands().items() if k != "web"}

        def health_urls(self) -> dict[str, str]:
            return {k: v for k, v in super().health_urls().items() if k != "web"}

    model = latest_model()
    if model is None:
        raise SystemExit("No Haina model in models/: run make train first.")
    var_dir = report.OUT / "var-wechat"
    shutil.rmtree(var_dir, ignore_errors=True)
    api_port = free_port()
    env = {**CREDENTIALS, "HAINA_WECHAT_API_BASE": f"http://127.0.0.1:{api_port}",
           "HAINA_WECHAT_STATE_DIR": str(var_dir / "wechat")}
    stack = _ChatServers(model=model, ports=Ports(rasa=free_port(), actions=free_port(), web=free_port()),
                         var_dir=var_dir, log_dir=LOGS, extra_env=env)
    print("[wechat] starting the stack…", flush=True)
    stack.start()
    try:
        stack.wait_until_healthy()
        url = f"http://127.0.0.1:{stack.ports.rasa}/webhooks/wechat/webhook"
        asyncio.run(_conversations(url, api_port, 1, 3.0, seed))  # warm-up: models loaded lazily
        load_before = os.getloadavg()[0]
        return {"model": model.name, "load_average_before": round(load_before, 2),
                **asyncio.run(_conversations(url, api_port, users, duration, seed))}
    finally:
        print("[wechat] stopping…", flush=True)
        stack.stop()


# -- report ----------------------------------------------------------------------------------------

def markdown(data: dict[str, Any]) -> str:
    lines = ["## WeChat channel (`python -m bench wechat`)", "",
             f"Measured {report.machine_line(data['machine'])}.", "",
             "### Channel overhead per message (no Rasa; median µs)", "",
             "| step | plaintext | safe (AES) |", "|---|---:|---:|"]
    over = data["overhead"]
    for step in over["safe"]:
        plain = over["plaintext"].get(step)
        lines.append(f"| {step} | {'–' if plain is None else f'{plain:.0f}'} | {over['safe'][step]:.0f} |")
    lines += ["", "The whole webhook includes the store's claim and state changes (SQLite under var/) and the "
              "turn rendering, with an assistant stand-in that answers at once."]
    share = data.get("passive")
    if share:
        rate = share["passive_share"]
        lines += ["", f"### Passive answers at {share['users']} simultaneous users (safe mode, Haina stack)", "",
                  f"Model `{share['model']}`; {share['duration_s']:g} s of conversations (greet, 2-4 questions, "
                  "thanks/ok, goodbye in all eight languages, no pause); each message signed and encrypted by the "
                  "simulator, the next one sent after the answer arrived. Load average of the machine just "
                  f"before: {share['load_average_before']:g} (on {data['machine']['cores']} cores; other processes "
                  "count too).", "",
                  f"| messages | passive | via customer-service API | none within {CS_WAIT_S:g} s | errors | passive share | "
                  "passive p50 / p95 ms |", "|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {share['messages']} | {share['passive']} | {share['customer_service']} | {share['no_answer']} "
                  f"| {share['error']} | {'–' if rate is None else f'{rate:.1%}'} | "
                  f"{_ms(share['passive_p50_ms'])} / {_ms(share['passive_p95_ms'])} |"]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def run(args: argparse.Namespace) -> int:
    duration = args.duration or (8.0 if args.quick else 30.0)
    data: dict[str, Any] = {"machine": report.machine()}
    print("[wechat] channel overhead…", flush=True)
    data["overhead"] = overhead(0.5 if args.quick else 2.0)
    for mode, steps in data["overhead"].items():
        print(f"[wechat] {mode:<9} " + "  ".join(f"{k} {v:.0f} µs" for k, v in steps.items()), flush=True)
    if not args.overhead_only:
        data["passive"] = passive_share(args.users, duration, args.seed)
        share = data["passive"]
        print(f"[wechat] {share['users']} users: {share['messages']} messages, passive {share['passive']}, "
              f"customer service {share['customer_service']}, errors {share['error']}", flush=True)
    report.write_json("wechat", data)
    report.write_section("wechat", markdown(data))
    print(f"[wechat] written to {report.RESULTS}", flush=True)
    return 0
