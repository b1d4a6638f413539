"""Training-data housekeeping: the held-out split and the rules generated from the intent table."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import yaml

from haina import paths
from haina.intents import intent_table
from haina.languages import LANGUAGES

HELD_OUT_SHARE = 0.2
_ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def plain(example: str) -> str:
    """An example as the duplicate checks compare it: annotations removed, lower case."""
    return _ANNOTATION.sub(r"\1", example).strip().lower()


def read_examples(path: Path) -> dict[str, list[str]]:
    """intent → example lines (with their entity annotations) of one Rasa NLU file."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, list[str]] = {}
    for item in data.get("nlu") or []:
        if "intent" not in item:
            continue
        lines = [line.strip()[2:].strip() for line in str(item.get("examples", "")).splitlines() if line.strip().startswith("- ")]
        found.setdefault(item["intent"], []).extend(lines)
    return found


def write_examples(path: Path, examples: dict[str, list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = ['version: "3.1"', "nlu:"]
    for intent, lines in examples.items():
        if not lines:
            continue
        out.append(f"- intent: {intent}")
        out.append("  examples: |")
        out.extend(f"    - {line}" for line in lines)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _rank(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_heldout(share: float = HELD_OUT_SHARE, languages: tuple[str, ...] = LANGUAGES) -> int:
    """Move examples from train/ to test/ until each intent holds out `share` of its examples.

    Deterministic (by a hash of the text) and one-way: a held-out example never returns to training.
    An example written twice is kept once: a repeat inside the held-out split, and a training example
    that repeats one already held out or already in training, are dropped.
    Only `languages` are touched, so people editing other languages' files are not overwritten.
    """
    moved = 0
    for language in languages:
        seen: set[str] = set()
        for test_file in sorted((paths.NLU_DATA / language / "test").glob("*.yml")):
            held_out = read_examples(test_file)
            once = {intent: _first_occurrences(lines, seen) for intent, lines in held_out.items()}
            if once != held_out:
                write_examples(test_file, once)
        for train_file in sorted((paths.NLU_DATA / language / "train").glob("*.yml")):
            test_file = paths.NLU_DATA / language / "test" / train_file.name
            train, test = read_examples(train_file), read_examples(test_file)
            for intent, lines in train.items():
                lines[:] = _first_occurrences(lines, seen)
                held = test.setdefault(intent, [])
                target = math.ceil(share * (len(lines) + len(held)))
                for line in sorted(lines, key=_rank):
                    if len(held) >= target:
                        break
                    held.append(line)
                    lines.remove(line)
                    moved += 1
            write_examples(train_file, train)
            write_examples(test_file, {i: test[i] for i in train if test.get(i)} | {i: v for i, v in test.items() if i not in train})
    return moved


def _first_occurrences(lines: list[str], seen: set[str]) -> list[str]:
    """The lines not seen before (in the held-out split or earlier in training); `seen` grows.

    An example added to training that is already held out would otherwise be moved to the held-out
    split a second time, or trained on while it is also tested.
    """
    kept = []
    for line in lines:
        key = plain(line)
        if key not in seen:
            seen.add(key)
            kept.append(line)
    return kept


def knowledge_rules_text() -> str:
    lines = ['version: "3.1"', "", "# Generated from bot/intents.yml by `haina data rules`; tests check it stays in sync.", "rules:"]
    for name, info in intent_table().items():
        if info.kind == "knowledge":
            lines += [f"  - rule: answer {name}", "    steps:", f"      - intent: {name}", "      - action: action_answer_question"]
    return "\n".join(lines) + "\n"


def write_knowledge_rules() -> Path:
    target = paths.BOT / "data" / "knowledge_rules.yml"
    target.write_text(knowledge_rules_text(), encoding="utf-8")
    return target
