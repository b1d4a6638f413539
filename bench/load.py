"""`python -m bench load`: many simultaneous conversations over the REST channel, Haina vs a plain `rasa init`.

Each simulated user holds multi-turn conversations (greet, 2-4 questions, thanks/ok, goodbye) in one
of the eight languages, drawn from the NLU training data with a fixed seed. Levels of 1, 10 and 50
simultaneous users, each without pause (maximum throughput) and with 2 s between a user's messages
(latency under realistic load); a fixed duration per run after a warm-up. Both assistants are
measured in the same invocation, one after the other, on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench import report
from bench.conversations import Corpus, haina_corpus, peer_corpus
from bench.memory import RssSampler
from bench.servers import Peer, Server, free_port, peer_project, rasa_version
from bench.stats import Summary, ratio, summarize

LEVELS = (1, 10, 50)
MODES: dict[str, float] = {"max": 0.0, "paced": 2.0}  # pause between a user's messages, seconds
TIMEOUT_S = 30.0
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
LOGS = report.OUT / "logs"
# Targets: Haina's throughput at 50 users >= 2x the peer's; paced p95 <= 300 ms; no errors; RSS per Rasa process.
TARGET_THROUGHPUT_RATIO = 2.0
TARGET_PACED_P95_MS = 300.0
TARGET_RSS_BYTES = 1.5e9
RASA_PROCESSES = ("rasa", "actions")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=float, help="measured seconds per run (default 30; 8 with --quick)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds before each run (default 5; 2 with --quick)")
    parser.add_argument("--quick", action="store_true", help="8 s runs after 2 s of warm-up")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="simultaneous users, comma-separated")
    parser.add_argument("--seed", type=int, default=7, help="seed for the conversations")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--peer-only", action="store_true", help="measure only the `rasa init` peer")
    only.add_argument("--no-peer", action="store_true", help="measure only Haina (no ratios)")


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple[str, float]:
    """POST one message; ('ok' | 'non200' | 'empty' | 'timeout' | 'other', latency in ms)."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.read()
            outcome = "non200" if response.status != 200 else ("ok" if json.loads(body) else "empty")
    except asyncio.TimeoutError:
        outcome = "timeout"
    except (aiohttp.ClientError, ValueError):
        outcome = "other"
    return outcome, (time.perf_counter() - started) * 1000


async def run_level(url: str, corpus: Corpus, users: int, pause: float, warmup: float,
                    duration: float, seed: int, tag: str) -> Summary:
    """`users` simultaneous conversations for warmup + duration seconds; only messages sent after the warm-up count."""
    if urlsplit(url).hostname not in LOOPBACK:
        raise ValueError(f"the load benchmark only targets loopback addresses, not {url}")
    languages = sorted(corpus.examples)
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + warmup
    stop_at = measure_from + duration
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    last_done = stop_at

    async def user(slot: int, session: aiohttp.ClientSession) -> None:
        nonlocal last_done
        await asyncio.sleep(pause * slot / users)  # spread the paced users over the pause
        for number in range(1_000_000):
            rng = random.Random(f"{seed}:{slot}:{number}")
            language = languages[(slot + number) % len(languages)]
            for index, text in enumerate(corpus.conversation(language, rng)):
                if pause and (index or number):
                    await asyncio.sleep(pause)
                sent = loop.time()
                if sent >= stop_at:
                    return
                outcome, ms = await send(session, url, f"bench-{tag}-{slot}-{number}", text)
                if sent >= measure_from:
                    last_done = max(last_done, loop.time())
                    if outcome == "ok":
                        latencies.append(ms)
                    else:
                        errors[outcome] += 1

    connector = aiohttp.TCPConnector(limit=users)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(user(slot, session) for slot in range(users)))
    return summarize(latencies, errors, last_done - measure_from)


async def prime(url: str, corpus: Corpus, seed: int) -> None:
    """One unmeasured conversation per language, so lazily loaded models are in memory."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for language in sorted(corpus.examples):
            for text in corpus.conversation(language, random.Random(seed)):
                await send(session, url, f"bench-prime-{language}-{time.time_ns()}", text)


def measure(name: str, server: Server, url: str, corpus: Corpus, args: argparse.Namespace) -> dict[str, Any]:
    """Start `server`, run every level and mode against `url`, stop it (also on errors and Ctrl-C)."""
    print(f"\n[{name}] starting…", flush=True)
    server.start()
    try:
        server.wait_until_healthy()
        with RssSampler({n: p.pid for n, p in server.processes.items()}) as rss:
            asyncio.run(prime(url, corpus, args.seed))
            runs: list[dict[str, Any]] = []
            for users in args.level_list:
                for mode, pause in MODES.items():
                    rss.mark()
                    tag = f"{name}-{users}-{mode}-{time.time_ns()}"
                    summary = asyncio.run(run_level(url, corpus, users, pause, args.warmup, args.duration, args.seed, tag))
                    runs.append({"users": users, "mode": mode, **summary.as_dict(), "rss_peak": rss.mark()})
                    print(f"[{name}] {users:>3} users {mode:<5} {summary.msgs_per_s:7.1f} msg/s  "
                          f"p50 {fmt_ms(summary.p50_ms)}  p95 {fmt_ms(summary.p95_ms)}  p99 {fmt_ms(summary.p99_ms)} ms  "
                          f"errors {summary.errors or 0}", flush=True)
                    dead = [n for n, p in server.processes.items() if p.poll() is not None]
                    if dead:
                        raise RuntimeError(f"{name}: the {', '.join(dead)} server stopped during the benchmark")
            return {"runs": runs, "rss_after_start": rss.first, "rss_peak": dict(rss.peak)}
    finally:
        print(f"[{name}] stopping…", flush=True)
        server.stop()


def run_haina(args: argparse.Namespace) -> dict[str, Any]:
    from haina import paths
    from haina.languages import LANGUAGES
    from haina.runner import Ports, Stack
    from haina.training import latest_model

    model = latest_model()
    if model is None:
        raise SystemExit("No Haina model in models/: run make train first.")
    var_dir = report.OUT / "var"
    shutil.rmtree(var_dir, ignore_errors=True)  # a fresh tracker store for every benchmark
    stack = Stack(model=model, ports=Ports(rasa=free_port(), actions=free_port(), web=free_port()),
                  var_dir=var_dir, log_dir=LOGS)
    url = f"http://127.0.0.1:{stack.ports.rasa}/webhooks/rest/webhook"
    result = measure("haina", stack, url, haina_corpus(paths.ROOT, LANGUAGES), args)
    return {"model": model.name, **result}


def run_peer(args: argparse.Namespace) -> dict[str, Any]:
    project = peer_project(LOGS)
    peer = Peer(project, free_port(), LOGS)
    url = f"http://127.0.0.1:{peer.port}/webhooks/rest/webhook"
    return {"model": peer.model.name, **measure("peer", peer, url, peer_corpus(project), args)}


# --- report ---------------------------------------------------------------------------------------

def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def fmt_mb(value: float | None) -> str:
    return "–" if not value else f"{value / 1e6:.0f}"


def fmt_errors(run: dict[str, Any] | None) -> str:
    if run is None:
        return "–"
    return ", ".join(f"{k} {v}" for k, v in run["errors"].items()) or "0"


def fmt_rate(run: dict[str, Any] | None) -> str:
    return "–" if run is None else f"{run['msgs_per_s']:.1f}"


def fmt_latency(run: dict[str, Any] | None) -> str:
    return "–" if run is None else " / ".join(fmt_ms(run[k]) for k in ("p50_ms", "p95_ms", "p99_ms"))


def find(result: dict[str, Any] | None, users: int, mode: str) -> dict[str, Any] | None:
    if not result:
        return None
    return next((r for r in result["runs"] if r["users"] == users and r["mode"] == mode), None)


def targets(haina: dict[str, Any] | None, peer: dict[str, Any] | None) -> list[tuple[str, str, str, str]]:
    """(target, measured, goal, PASS/MISS/n/a) for each of the load targets."""
    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("PASS" if ok else "MISS")

    rows = []
    top = max((r["users"] for r in haina["runs"]), default=None) if haina else None
    h, p = find(haina, 50, "max"), find(peer, 50, "max")
    tr = ratio(h and h["msgs_per_s"], p and p["msgs_per_s"])
    rows.append(("throughput, 50 users, no pause",
                 f"{h['msgs_per_s']:.1f} msg/s = {fmt_ratio(tr)} peer" if h else "not measured",
                 f"≥ {TARGET_THROUGHPUT_RATIO:g}× peer", verdict(None if tr is None else tr >= TARGET_THROUGHPUT_RATIO)))
    paced = [r for r in (haina or {}).get("runs", []) if r["mode"] == "paced"]
    worst = max(paced, key=lambda r: r["p95_ms"] or float("inf"), default=None)
    worst_p95 = worst and worst["p95_ms"]
    rows.append(("p95 latency, 2 s pause (worst level)",
                 f"{fmt_ms(worst_p95)} ms at {worst['users']} users" if worst else "not measured",
                 f"≤ {TARGET_PACED_P95_MS:g} ms", verdict(None if not worst or top != 50 else
                                                          worst_p95 is not None and worst_p95 <= TARGET_PACED_P95_MS)))
    total_errors = sum(r["error_count"] for r in haina["runs"]) if haina else None
    rows.append(("errors (non-200, timeouts, empty replies)", "not measured" if total_errors is None else str(total_errors),
                 "0", verdict(None if total_errors is None else total_errors == 0)))
    peaks = {n: (haina or {}).get("rss_peak", {}).get(n) for n in RASA_PROCESSES}
    measured = {n: v for n, v in peaks.items() if v}
    rows.append(("peak RSS per Rasa process",
                 ", ".join(f"{n} {v / 1e9:.2f} GB" for n, v in measured.items()) or "not measured",
                 f"≤ {TARGET_RSS_BYTES / 1e9:g} GB",
                 verdict(None if not measured else all(v <= TARGET_RSS_BYTES for v in measured.values()))))
    return rows


def markdown(data: dict[str, Any]) -> str:
    """The results.md section of one load benchmark."""
    haina, peer, cfg = data.get("haina"), data.get("peer"), data["config"]
    lines = [
        "## Load: simultaneous conversations over the REST channel (`python -m bench load`)",
        "",
        f"Measured {report.machine_line(data['machine'])}; Rasa {data['rasa']}.",
        f"Haina model `{haina['model'] if haina else 'not measured'}`; peer: a plain `rasa init` assistant "
        f"(default config and data) `{peer['model'] if peer else 'not measured'}`, measured in the same run.",
        f"Each run: {cfg['duration']:g} s measured after {cfg['warmup']:g} s of warm-up; every user holds 5-7 message "
        "conversations (greet, 2-4 questions, thanks/ok, goodbye; Haina's spread over en zh ja ko fr de es ru, "
        f"the peer's in English on its own intents), seed {cfg['seed']}. `max`: no pause; `paced`: 2 s between a "
        "user's messages. Latency: one REST request until all its replies arrived. Errors: non-200, timeouts "
        f"({TIMEOUT_S:g} s), empty replies, other (connection).",
        "",
        "### Targets (Haina)",
        "",
        "| target | measured | goal | |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | **{d}** |" for a, b, c, d in targets(haina, peer)),
        "",
        "### Throughput and latency",
        "",
        "| users | mode | Haina msg/s | peer msg/s | ratio | Haina p50 / p95 / p99 ms | peer p50 / p95 / p99 ms "
        "| p95 ratio | Haina errors | peer errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for users in cfg["levels"]:
        for mode in MODES:
            h, p = find(haina, users, mode), find(peer, users, mode)
            lines.append(
                f"| {users} | {mode} | {fmt_rate(h)} | {fmt_rate(p)} "
                f"| {fmt_ratio(ratio(h and h['msgs_per_s'], p and p['msgs_per_s']))} | {fmt_latency(h)} | {fmt_latency(p)} "
                f"| {fmt_ratio(ratio(h and h['p95_ms'], p and p['p95_ms']))} | {fmt_errors(h)} | {fmt_errors(p)} |")
    lines += ["", "### Resident memory (RSS, MB; sampled every 0.5 s)", "",
              "| server | after start | peak |", "|---|---:|---:|"]
    for label, result in (("Haina", haina), ("peer", peer)):
        for name, peak in (result or {}).get("rss_peak", {}).items():
            lines.append(f"| {label} {name} | {fmt_mb(result['rss_after_start'].get(name))} | {fmt_mb(peak)} |")
    lines += ["", "Ratios are Haina / peer (throughput: higher is better; p95: lower is better). The load generator "
              "runs on the same machine as the servers, and the two assistants are measured one after the other. "
              "Haina keeps its trackers in SQLite and calls its action server; the peer uses Rasa's in-memory "
              "tracker store and no actions."]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Measure the peer and Haina, write results.md's load section and the raw JSON."""
    args.duration = args.duration or (8.0 if args.quick else 30.0)
    args.warmup = args.warmup if args.warmup is not None else (2.0 if args.quick else 5.0)
    args.level_list = [int(x) for x in str(args.levels).split(",") if x.strip()]
    if not args.peer_only:
        from haina.training import latest_model

        if latest_model() is None:  # fail before spending time on the peer
            print("No Haina model in models/: run make train first.", flush=True)
            return 1
    signal.signal(signal.SIGTERM, _interrupt)
    data: dict[str, Any] = {
        "machine": report.machine(), "rasa": rasa_version(),
        "config": {"duration": args.duration, "warmup": args.warmup, "levels": args.level_list,
                   "seed": args.seed, "modes": MODES, "timeout_s": TIMEOUT_S},
    }
    try:
        if not args.no_peer:
            data["peer"] = run_peer(args)
        if not args.peer_only:
            data["haina"] = run_haina(args)
    except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as error:
        print(f"load benchmark failed: {error} (server logs in {LOGS})", flush=True)
        return 1
    path = report.write_json("load", data)
    section = markdown(data)
    report.write_section("load", section)
    print(f"\n{section}\n\nWritten to {report.RESULTS} (raw: {path})", flush=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
