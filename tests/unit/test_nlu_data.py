"""Training data: every intent in every language, enough examples, a disjoint held-out split."""

from collections import Counter

import pytest

from haina import paths
from haina.datatools import plain, read_examples
from haina.intents import intent_table
from haina.languages import LANGUAGES

# set by buttons only (payloads), never typed: no training examples
BUTTON_ONLY = {"show_article", "give_feedback"}
TYPED_INTENTS = [name for name in intent_table() if name not in BUTTON_ONLY]


def split(language: str, part: str) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in sorted((paths.NLU_DATA / language / part).glob("*.yml")):
        for intent, lines in read_examples(path).items():
            merged.setdefault(intent, []).extend(lines)
    return merged


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_examples(language):
    train, test = split(language, "train"), split(language, "test")
    for intent in TYPED_INTENTS:
        assert len(train.get(intent, [])) >= 15, (language, intent)
        total = len(train.get(intent, [])) + len(test.get(intent, []))
        assert len(test.get(intent, [])) >= 0.2 * total - 1e-9, (language, intent)


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_split_is_disjoint_from_training(language):
    train = {plain(x) for lines in split(language, "train").values() for x in lines}
    test = {plain(x) for lines in split(language, "test").values() for x in lines}
    assert train & test == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_example_is_labelled_twice(language):
    seen: dict[str, str] = {}
    for part in ("train", "test"):
        for intent, lines in split(language, part).items():
            for line in lines:
                key = plain(line)
                assert seen.setdefault(key, intent) == intent, (language, line, seen[key], intent)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_example_is_written_twice(language):
    counts = Counter(plain(x) for part in ("train", "test") for lines in split(language, part).values() for x in lines)
    assert [text for text, n in counts.items() if n > 1] == [], language


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_known_intents(language):
    for part in ("train", "test"):
        assert set(split(language, part)) <= set(TYPED_INTENTS), (language, part)
