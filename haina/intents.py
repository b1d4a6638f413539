"""The intent table (bot/intents.yml): each intent's topic, kind and default article."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from haina import paths

KINDS = ("knowledge", "smalltalk", "lookup", "control")


@dataclass(frozen=True)
class IntentInfo:
    name: str
    topic: str
    kind: str
    article: str | None
    about: str


@lru_cache(maxsize=1)
def intent_table(path: Path = paths.INTENTS_TABLE) -> dict[str, IntentInfo]:
    """All intents by name, in the order of the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["intents"]
    return {
        name: IntentInfo(name, spec["topic"], spec["kind"], spec.get("article"), spec.get("about", ""))
        for name, spec in data.items()
    }


def topic_of(intent: str | None) -> str:
    """The taxonomy topic of an intent; unknown intents (and the NLU fallback) are `other`."""
    info = intent_table().get(intent or "")
    return info.topic if info else "other"


def knowledge_intents() -> list[str]:
    return [name for name, info in intent_table().items() if info.kind == "knowledge"]


@lru_cache(maxsize=1)
def taxonomy_topics() -> tuple[str, ...]:
    """The topic ids of ../shared/taxonomy.yml, or of the copy the package keeps when it is absent."""
    for candidate in (paths.SHARED / "taxonomy.yml", paths.BOT / "taxonomy.yml"):
        if candidate.exists():
            return tuple(yaml.safe_load(candidate.read_text(encoding="utf-8"))["topics"])
    raise FileNotFoundError("taxonomy.yml not found in ../shared or bot/")
