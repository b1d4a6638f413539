"""Haina's fixes to Rasa keep Rasa's behaviour: same verdicts and errors, less work."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from haina import rasa_server

ORIGINAL = RemoteAction._validate_action_result
GOOD = {"events": [{"event": "slot", "timestamp": None, "name": "article_id", "value": None}],
        "responses": [{"text": "x" * 3000, "buttons": [{"title": "a", "payload": "/b"}] * 4}]}
BAD = [{"events": [{"event": "slot"}]}, {"events": "not a list"}, {"responses": [1, 2]}]


@pytest.fixture
def action():
    return RemoteAction("action_answer_question", EndpointConfig("http://127.0.0.1:1"))


def test_a_valid_response_passes_both(action):
    assert ORIGINAL(action, GOOD) is True
    assert rasa_server.validate_action_result(action, GOOD) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_response_fails_both_with_the_same_message(action, result):
    with pytest.raises(ValidationError) as rasa_error:
        ORIGINAL(action, result)
    with pytest.raises(ValidationError) as our_error:
        rasa_server.validate_action_result(action, result)
    assert our_error.value.message == rasa_error.value.message


def test_the_fix_is_applied_and_checks_the_schema_once(action, monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", ORIGINAL)
    rasa_server.apply_fixes()
    assert RemoteAction._validate_action_result is rasa_server.validate_action_result
    validator_class = type(rasa_server._action_response_validator())
    checks = []
    original_check = validator_class.check_schema.__func__
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, s: checks.append(1) or original_check(cls, s)))
    for _ in range(3):
        ORIGINAL(action, GOOD)
    assert len(checks) == 3  # Rasa: the meta-schema check on every call
    for _ in range(3):
        rasa_server.validate_action_result(action, GOOD)
    assert len(checks) == 3  # ours: none after the first build


def _deepcopy_calls_outside_debug_logs(module_name: str) -> list[int]:
    """Lines of `copy.deepcopy(...)` in a Rasa module that are not arguments of `structlogger.debug(...)`."""
    import ast
    import importlib
    import inspect

    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    inside_debug: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "debug"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "structlogger"):
            inside_debug.update(id(n) for n in ast.walk(node))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "deepcopy"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "copy" and id(node) not in inside_debug]


@pytest.mark.parametrize("module_name", rasa_server.DEBUG_COPY_MODULES)
def test_the_modules_deep_copy_only_for_debug_log_lines(module_name):
    assert _deepcopy_calls_outside_debug_logs(module_name) == []


def test_the_check_sees_a_deep_copy_outside_a_debug_line():
    assert _deepcopy_calls_outside_debug_logs("rasa.core.nlg.response")  # a real copy: must be found


def test_the_copy_is_made_only_when_debug_lines_are_written(monkeypatch):
    value = {"states": [{"user": {"intent": "greet"}}]}
    stand_in = rasa_server.DebugLogCopy()
    monkeypatch.setattr(rasa_server, "debug_logs_on", lambda: False)
    assert stand_in.deepcopy(value) is value
    monkeypatch.setattr(rasa_server, "debug_logs_on", lambda: True)
    copied = stand_in.deepcopy(value)
    assert copied == value and copied is not value and copied["states"][0] is not value["states"][0]
    assert stand_in.copy(value) is not value  # the rest of the copy module is the real one


def test_debug_logs_on_follows_rasa_s_log_level():
    import logging

    import structlog
    from rasa.utils.log_utils import configure_structlog

    saved, rasa_logger = structlog.get_config(), logging.getLogger("rasa")
    saved_level = rasa_logger.level
    try:
        configure_structlog(logging.INFO)
        rasa_logger.setLevel(logging.INFO)
        assert not rasa_server.debug_logs_on()
        rasa_logger.setLevel(logging.DEBUG)
        assert rasa_server.debug_logs_on()
        rasa_logger.setLevel(logging.INFO)
        configure_structlog(logging.DEBUG)
        assert rasa_server.debug_logs_on()
    finally:
        structlog.configure(**saved)
        rasa_logger.setLevel(saved_level)


def test_the_stand_in_is_installed_in_the_three_modules(monkeypatch):
    import importlib

    for name in rasa_server.DEBUG_COPY_MODULES:
        monkeypatch.setattr(importlib.import_module(name), "copy", __import__("copy"))
    rasa_server.apply_fixes()
    assert all(isinstance(importlib.import_module(n).copy, rasa_server.DebugLogCopy) for n in rasa_server.DEBUG_COPY_MODULES)


class _Agent:
    def __init__(self, ready: bool = True) -> None:
        self.parsed: list[str] = []
        self.ready = ready

    def is_ready(self) -> bool:
        return self.ready

    async def parse_message(self, text: str) -> dict:
        self.parsed.append(text)
        return {"text": text}


def test_the_loaded_model_is_warmed_up_then_frozen():
    import asyncio
    import gc

    agent = _Agent()

    async def original(*args, **kwargs):
        return agent

    gc.unfreeze()
    try:
        loaded = asyncio.run(rasa_server.load_agent_and_freeze(original)("model.tar.gz", None, None, "app", "loop"))
        assert loaded is agent and agent.parsed == list(rasa_server.WARM_UP_TEXTS)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_server_without_a_model_still_starts():
    import asyncio
    import gc

    async def original(*args, **kwargs):
        return _Agent(ready=False)

    try:
        agent = asyncio.run(rasa_server.load_agent_and_freeze(original)())
        assert agent.parsed == []
    finally:
        gc.unfreeze()


def test_rasa_loads_its_agent_through_the_wrapper(monkeypatch):
    import rasa.core.run

    original = rasa.core.run.load_agent_on_start
    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", getattr(original, "__wrapped__", original))
    rasa_server.apply_fixes()
    rasa_server.apply_fixes()  # applied twice, wrapped once
    assert rasa.core.run.load_agent_on_start.__wrapped__ is getattr(original, "__wrapped__", original)
