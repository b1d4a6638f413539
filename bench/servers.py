"""The two assistants under test, both as child processes on free loopback ports.

Haina: haina.runner.Stack (action, Rasa and web servers) with the latest trained model.
Peer: a plain `rasa init` assistant (default config and data) of the same Rasa version, created
and trained once per Rasa version under bench/out/peer/, served by `rasa run` alone (its stories
and rules only use responses, so it needs no action server).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from bench.report import OUT

RASA = str(Path(sys.executable).with_name("rasa"))


class Server(Protocol):
    """What the load benchmark needs from an assistant under test."""

    processes: dict[str, subprocess.Popen]

    def start(self) -> None: ...
    def wait_until_healthy(self, timeout: float = ...) -> None: ...
    def stop(self) -> None: ...


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")


def peer_project(log_dir: Path) -> Path:
    """The trained `rasa init` project for this Rasa version, created on first use."""
    target = OUT / "peer" / f"rasa-{rasa_version()}"
    if list((target / "models").glob("*.tar.gz")):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".init-", dir=target.parent))
    (work / "project").mkdir()  # `rasa init --no-prompt` wants an existing directory
    try:
        print(f"Training the peer (`rasa init`, Rasa {rasa_version()}) once; log in {log_dir / 'peer-init.log'}", flush=True)
        with open(log_dir / "peer-init.log", "ab") as log:
            subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(work / "project")],
                           cwd=work, env=child_env(), stdout=log, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, check=True, timeout=3600)
        if not list((work / "project" / "models").glob("*.tar.gz")):
            raise RuntimeError("`rasa init` trained no model")
        shutil.rmtree(target, ignore_errors=True)
        (work / "project").rename(target)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Peer:
    """`rasa run` on the peer project, as its own process group."""

    def __init__(self, project: Path, port: int, log_dir: Path) -> None:
        self.project, self.port, self.log_dir = project, port, log_dir
        self.model = max((project / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / "peer-rasa.log", "ab") as log:
            self.processes["rasa"] = subprocess.Popen(
                [RASA, "run", "--model", str(self.model), "--port", str(self.port), "-i", "127.0.0.1",
                 "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                cwd=self.project, env=child_env(), start_new_session=True,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )

    def wait_until_healthy(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes["rasa"]
            if process.poll() is not None:
                raise RuntimeError(f"the peer's Rasa server stopped during start-up (exit code {process.returncode})")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the peer was not healthy after {timeout:.0f} s")

    def stop(self, grace: float = 15.0) -> None:
        for process in self.processes.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=grace)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
