"""`rasa data validate` finds nothing wrong with the domain, rules and training data."""

import subprocess
import sys

import pytest

from haina import paths
from haina.training import training_data_paths

pytestmark = pytest.mark.slow


def test_rasa_data_validate_is_clean():
    command = [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
               "--domain", str(paths.BOT / "domain"), "--config", str(paths.CONFIG),
               "--data", *[str(p) for p in training_data_paths()]]
    result = subprocess.run(command, cwd=paths.ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
