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
