"""Where the project's files are, found from this package's location (never from the cwd)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(os.environ.get("HAINA_ROOT", Path(__file__).resolve().parent.parent))
BOT = ROOT / "bot"
NLU_DATA = ROOT / "nlu_data"
KNOWLEDGE = ROOT / "knowledge"
MODELS = ROOT / "models"
VAR = ROOT / "var"
CONFIG = ROOT / "config.yml"
INTENTS_TABLE = BOT / "intents.yml"
SHARED = ROOT.parent / "shared"
