"""The commands `haina run` starts: Rasa reads them as meant, whatever the random token looks like."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from rasa.cli.arguments.run import add_server_arguments

from haina.runner import Stack


@pytest.mark.parametrize("token", ["-Ab3_x9", "--xy", "_plain", "abc"])
def test_rasa_reads_the_auth_token_even_when_it_starts_with_a_dash(token: str) -> None:
    command = Stack(model=Path("models/m.tar.gz"), token=token).commands()["rasa"]
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    parser.add_argument("--model")
    parsed = parser.parse_args(command[command.index("run") + 1:])
    assert parsed.auth_token == token and parsed.enable_api
