"""Shared fixtures: one trained model per test run, one running stack for the end-to-end tests."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current data: trained once per run, or reused when nothing changed."""
    from haina import training

    return training.train()


def wechat_test_env(api_port: int, var_dir: Path) -> dict[str, str]:
    """Test credentials for the WeChat channel (safe mode), its API at a fake server on `api_port`."""
    return {
        "HAINA_WECHAT_APPID": "wx_haina_test", "HAINA_WECHAT_SECRET": "test-secret",
        "HAINA_WECHAT_TOKEN": "test-token", "HAINA_WECHAT_AES_KEY": "HainaTestAesKey0123456789abcdefghijklmnopqr",
        "HAINA_WECHAT_API_BASE": f"http://127.0.0.1:{api_port}", "HAINA_WECHAT_STATE_DIR": str(var_dir / "wechat"),
    }


@pytest.fixture(scope="session")
def wechat_api_port() -> int:
    """Where tests/e2e/test_wechat.py serves the fake WeChat API that the stack's channel calls."""
    return free_port()


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory, wechat_api_port: int):
    """The action, Rasa and web servers on free ports, with their own SQLite tracker store."""
    from haina.runner import Ports, Stack

    var_dir = tmp_path_factory.mktemp("var")
    running = Stack(
        model=trained_model,
        ports=Ports(rasa=free_port(), actions=free_port(), web=free_port()),
        var_dir=var_dir,
        log_dir=ARTIFACTS / "logs",
        extra_env=wechat_test_env(wechat_api_port, var_dir),
    )
    running.start()
    try:
        running.wait_until_healthy()
        yield running
    finally:
        running.stop()
