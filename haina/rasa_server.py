"""`python -m haina.rasa_server run …`: Rasa's own command line, with Haina's fixes to Rasa 3.6.

`haina run` (and the tests and benchmarks through it) start the Rasa server this way. Each fix
keeps Rasa's behaviour and only changes how much it costs; each is tested in
tests/unit/test_rasa_server.py against Rasa's original.

1. Custom action responses are validated against a validator built once. Rasa calls
   `jsonschema.validate`, which checks the whole event schema against the JSON Schema meta-schema
   again before every validation: about 20 ms of the event loop per custom action call, against
   0.3 ms for the same validation with the same errors.
2. Values are deep-copied for a debug log line only when debug logging is on. Rasa's message
   processor, RulePolicy and MemoizationPolicy deep-copy the conversation's states and events on
   every prediction to hand them to `structlogger.debug`, which drops them at any other level; the
   copies exist so that Rasa's log anonymizer can mask them without touching the originals. In
   those three modules `copy.deepcopy` is used for nothing else (a test checks this against the
   installed Rasa), so there the copy is made only when a debug line would be written.
3. The loaded model is kept out of the garbage collector's way. With a model loaded, the Rasa
   process tracks over half a million Python objects that live as long as it does; every full
   collection walked all of them (about 250 ms of the event loop with the model loaded, measured
   here), stalling every conversation at once. Once the model is loaded and has parsed
   one message per language (which loads the tokenizers' dictionaries), they are moved to the
   collector's permanent generation (`gc.freeze`); what conversations create is collected as before
   (a model swapped in later through Rasa's HTTP API is not frozen).
"""

from __future__ import annotations

import copy
import gc
import logging
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any, Dict, Text, TypeVar

import structlog

T = TypeVar("T")
DEBUG_COPY_MODULES = ("rasa.core.processor", "rasa.core.policies.rule_policy", "rasa.core.policies.memoization")
# Parsed once before the server answers, so that no user waits for a tokenizer or model to load.
WARM_UP_TEXTS = ("How long does a work permit take?", "工作许可要多久", "就労許可はどのくらいかかりますか",
                 "취업허가는 얼마나 걸려요", "Combien de temps pour un permis de travail", "Wie lange dauert die Arbeitserlaubnis",
                 "Cuánto tarda el permiso de trabajo", "Сколько времени занимает разрешение на работу")


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with the validator built once (same errors, same message)."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


@lru_cache(maxsize=1)
def _filtering_above_debug() -> frozenset:
    return frozenset(structlog.make_filtering_bound_logger(level)
                     for level in (logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL))


def debug_logs_on() -> bool:
    """Whether a `structlogger.debug` line of Rasa's would be written (anything but a filtering logger above debug)."""
    return (structlog.get_config().get("wrapper_class") not in _filtering_above_debug()
            or logging.getLogger("rasa").isEnabledFor(logging.DEBUG))


class DebugLogCopy(ModuleType):
    """The `copy` module for Rasa modules that deep-copy only to pass values to `structlogger.debug`."""

    def __init__(self) -> None:
        super().__init__("copy")
        self.__dict__.update({k: v for k, v in vars(copy).items() if not k.startswith("__") and k != "deepcopy"})

    @staticmethod
    def deepcopy(value: T, memo: Any = None) -> T:  # type: ignore[override]
        return copy.deepcopy(value, memo) if debug_logs_on() else value


def load_agent_and_freeze(original: Any) -> Any:
    """Rasa's `load_agent_on_start` (a server start listener), then a warm-up and `gc.freeze()`."""

    async def load(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        if agent is not None and agent.is_ready():
            for text in WARM_UP_TEXTS:
                try:
                    await agent.parse_message(text)
                except Exception:  # noqa: BLE001 - a failing warm-up must not stop the server
                    logging.getLogger(__name__).exception("warm-up parse failed")
                    break
        gc.collect()
        gc.freeze()
        return agent

    load.__wrapped__ = original  # type: ignore[attr-defined]
    return load


def apply_fixes() -> None:
    import importlib

    import rasa.core.run
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    for name in DEBUG_COPY_MODULES:
        importlib.import_module(name).copy = DebugLogCopy()  # type: ignore[attr-defined]
    if not hasattr(rasa.core.run.load_agent_on_start, "__wrapped__"):
        rasa.core.run.load_agent_on_start = load_agent_and_freeze(rasa.core.run.load_agent_on_start)


def main() -> None:
    apply_fixes()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
