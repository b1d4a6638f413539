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


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    """The action, Rasa and web servers on free ports, with their own SQLite tracker store."""
    from haina.runner import Ports, Stack

    var_dir = tmp_path_factory.mktemp("var")
    running = Stack(
        model=trained_model,
        ports=Ports(rasa=free_port(), actions=free_port(), web=free_port()),
        var_dir=var_dir,
        log_dir=ARTIFACTS / "logs",
    )
    running.start()
    try:
        running.wait_until_healthy()
        yield running
    finally:
        running.stop()
