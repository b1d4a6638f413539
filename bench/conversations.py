"""Realistic scripted conversations drawn from NLU training data, reproducible from a seed."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# [Pudong]{"entity": "district", ...} or [SHWP-2026-004217](application_number) -> the bare text.
ENTITY = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")
DOMAIN_KINDS = ("knowledge", "lookup")


def strip_entities(text: str) -> str:
    """Remove Rasa's entity annotation syntax, keeping the annotated words."""
    return ENTITY.sub(r"\1", text).strip()


def read_examples(files: list[Path]) -> dict[str, list[str]]:
    """intent -> example messages (annotations stripped) from Rasa NLU YAML files."""
    examples: dict[str, list[str]] = {}
    for path in sorted(files):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if not isinstance(item, dict) or "intent" not in item:
                continue
            lines = [line.strip()[2:] for line in str(item.get("examples", "")).splitlines()
                     if line.strip().startswith("- ")]
            texts = [strip_entities(line) for line in lines]
            examples.setdefault(item["intent"], []).extend(t for t in texts if t)
    return examples


@dataclass(frozen=True)
class Script:
    """Which intents a conversation is made of: an opening, 2-4 middle turns, closings."""

    opening: tuple[str, ...]
    middle: tuple[str, ...]
    closing: tuple[tuple[str, ...], ...]  # one intent drawn from each group, in order
    middle_turns: tuple[int, int] = (2, 4)


@dataclass
class Corpus:
    """Example messages per language and intent, and the script that strings them together."""

    examples: dict[str, dict[str, list[str]]]  # language -> intent -> messages
    script: Script

    def conversation(self, language: str, rng: random.Random) -> list[str]:
        """One conversation's messages in `language`, drawn with `rng`."""
        pool = self.examples[language]
        middle = [i for i in self.script.middle if pool.get(i)]
        intents = [*self.script.opening]
        intents += [rng.choice(middle) for _ in range(rng.randint(*self.script.middle_turns))]
        intents += [rng.choice([i for i in group if pool.get(i)]) for group in self.script.closing]
        return [rng.choice(pool[intent]) for intent in intents]


def haina_corpus(root: Path, languages: tuple[str, ...]) -> Corpus:
    """Greet, 2-4 domain questions (knowledge and lookup intents of bot/intents.yml), thanks/ok, goodbye."""
    table = yaml.safe_load((root / "bot" / "intents.yml").read_text(encoding="utf-8"))["intents"]
    domain = tuple(name for name, spec in table.items() if spec.get("kind") in DOMAIN_KINDS)
    examples = {lang: read_examples(list((root / "nlu_data" / lang / "train").glob("*.yml"))) for lang in languages}
    for lang, pool in examples.items():
        missing = [i for i in ("greet", "thank", "goodbye") if not pool.get(i)]
        if missing or not any(pool.get(i) for i in domain):
            raise ValueError(f"nlu_data/{lang}/train lacks examples for {missing or 'any domain intent'}")
    return Corpus(examples, Script(opening=("greet",), middle=domain, closing=(("thank", "affirm"), ("goodbye",))))


def peer_corpus(project: Path) -> Corpus:
    """The `rasa init` assistant's own intents, ordered as its stories and rules expect them."""
    examples = {"en": read_examples(list((project / "data").glob("nlu.yml")))}
    return Corpus(examples, Script(opening=("greet",), middle=("mood_great", "bot_challenge"),
                                   closing=(("mood_unhappy",), ("affirm",), ("goodbye",)),
                                   middle_turns=(1, 3)))
