"""`haina run`: starts the action server, the Rasa server and the web server, and stops them cleanly.

Each runs as its own process group so that Ctrl-C (or SIGTERM) ends all of them and nothing is left
behind; the command waits until every server answers before it says where to chat.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from haina import db, paths

STARTUP_TIMEOUT_S = 300


@dataclass
class Ports:
    rasa: int = 5005
    actions: int = 5055
    web: int = 8000


@dataclass
class Stack:
    """The three servers of a running Haina, as child processes."""

    model: Path
    ports: Ports = field(default_factory=Ports)
    var_dir: Path = paths.VAR
    host: str = "localhost"
    log_dir: Path | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Guards Rasa's HTTP API (used by the web server to apply the language picker); new per start.
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. test credentials for the WeChat channel

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("HAINA_TRACKER_DIALECT", "sqlite")
        env.setdefault("HAINA_TRACKER_DB", str(self.var_dir / "tracker.db"))
        env.setdefault("HAINA_DATABASE_URL", f"sqlite:///{self.var_dir / 'haina.db'}")  # the app database (haina.db)
        env["HAINA_ACTION_URL"] = f"http://127.0.0.1:{self.ports.actions}/webhook"
        env["HAINA_ROOT"] = str(paths.ROOT)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.setdefault("RASA_TELEMETRY_ENABLED", "false")
        env["HAINA_RASA_TOKEN"] = self.token
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        # Libraries' deprecation notices (click, spaCy, Sanic, …) are for their authors, not for users.
        env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning,ignore::PendingDeprecationWarning")
        env.update(self.extra_env)
        return env

    @property
    def credentials(self) -> Path:
        return self.var_dir / "credentials.yml"

    def commands(self) -> dict[str, list[str]]:
        python = sys.executable
        return {
            "actions": [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.ports.actions)],
            "rasa": [
                python, "-m", "haina.rasa_server", "run", "--model", str(self.model),
                "--endpoints", str(paths.ROOT / "endpoints.yml"),
                "--credentials", str(self.credentials),
                "--port", str(self.ports.rasa), "--cors", "*",
                "--enable-api", f"--auth-token={self.token}",  # one argument: a token may start with "-"
            ],
            "web": [
                python, "-m", "connectors.web.server", "--port", str(self.ports.web),
                "--rasa-url", f"http://{self.host}:{self.ports.rasa}",
                "--rasa-api", f"http://127.0.0.1:{self.ports.rasa}",
            ],
        }

    def health_urls(self) -> dict[str, str]:
        return {
            "actions": f"http://127.0.0.1:{self.ports.actions}/health",
            # `/` answers before the model is loaded; `/status` only once it is.
            "rasa": f"http://127.0.0.1:{self.ports.rasa}/status?token={self.token}",
            "web": f"http://127.0.0.1:{self.ports.web}/health",
        }

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        env = self.environment()
        db.ensure_ready(env["HAINA_DATABASE_URL"])  # migrate and seed before the servers use it
        write_credentials(paths.ROOT / "credentials.yml", self.credentials, env)
        for name, command in self.commands().items():
            out = None
            if self.log_dir:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                out = open(self.log_dir / f"{name}.log", "ab")
            self.processes[name] = subprocess.Popen(
                command, cwd=paths.ROOT, env=env, start_new_session=True,
                stdout=out, stderr=subprocess.STDOUT if out else None,
            )

    def wait_until_healthy(self, timeout: float = STARTUP_TIMEOUT_S, stop_requested=lambda: False) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(self.health_urls())
        while pending and not stop_requested():
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"the {name} server stopped during start-up (exit code {process.returncode})")
            for name, url in list(pending.items()):
                if _answers(url):
                    pending.pop(name)
            if time.monotonic() > deadline:
                raise TimeoutError(f"not healthy after {timeout:.0f} s: {', '.join(pending)}")
            time.sleep(0.5)

    def stop(self, grace: float = 15.0) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        self.processes.clear()


_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def write_credentials(source: Path, target: Path, env: dict[str, str]) -> list[str]:
    """Copy credentials.yml without the channels whose ${VARIABLES} are not all set in `env`.

    So the WeChat channel is enabled exactly when its HAINA_WECHAT_* variables are set; the
    placeholders stay in the copy (Rasa expands them), so no secret is written to disk.
    Returns the channels kept.
    """
    blocks: list[str] = [""]
    for line in source.read_text(encoding="utf-8").splitlines(keepends=True):
        if _is_key(line):  # a top-level key starts a channel
            blocks.append("")
        blocks[-1] += line
    kept = [b for b in blocks if all(env.get(name) for name in _PLACEHOLDER.findall(b))]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(kept), encoding="utf-8")
    return [b.split(":", 1)[0] for b in kept if _is_key(b)]


def _is_key(line: str) -> bool:
    return line[:1] not in ("", " ", "\t", "#", "\n", "\r")


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def serve(stack: Stack) -> int:
    """Run the stack in the foreground until Ctrl-C or SIGTERM."""
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    stack.start()
    try:
        print("Starting the action server, the Rasa server and the web server…", flush=True)
        stack.wait_until_healthy(stop_requested=lambda: stopping)
        if stopping:
            return 0
        wechat = "connectors.wechat.WeChatInput" in stack.credentials.read_text(encoding="utf-8")
        print(
            "\nHaina is running:\n"
            f"  chat page     http://localhost:{stack.ports.web}/\n"
            f"  FAQ pages     http://localhost:{stack.ports.web}/faq/\n"
            f"  staff console http://localhost:{stack.ports.web}/staff/  (accounts: haina staff add NAME --role agent)\n"
            f"  REST channel  http://localhost:{stack.ports.rasa}/webhooks/rest/webhook\n"
            + (f"  WeChat        http://localhost:{stack.ports.rasa}/webhooks/wechat/webhook\n" if wechat else "")
            + f"  actions       http://localhost:{stack.ports.actions}/webhook\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while not stopping:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"The {name} server stopped (exit code {process.returncode}); stopping the rest.", flush=True)
                    return 1
            time.sleep(0.5)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"Haina could not start: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        print("Stopping…", flush=True)
        stack.stop()
