"""`python -m haina.rasa_server run …`: Rasa's own command line, with Haina's fixes to Rasa 3.6.

`haina run` (and the tests and benchmarks through it) start the Rasa server this way. Each fix
keeps Rasa's behaviour and only changes how much it costs; each is tested in
tests/unit/test_rasa_server.py against Rasa's original.

1. Custom action responses are validated against a validator built once. Rasa calls
   `jsonschema.validate`, which checks the whole event schema against the JSON Schema meta-schema
   again before every validation: about 20 ms of the event loop per custom action call, against
   0.3 ms for the same validation with the same errors.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any, Dict, Text


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


def apply_fixes() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    apply_fixes()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
