"""The held-out split: deterministic, at least the share per intent, and only the languages asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from haina import datatools, paths


def _write(root: Path, language: str, part: str, examples: dict[str, list[str]]) -> Path:
    path = root / language / part / "topic.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    datatools.write_examples(path, examples)
    return path


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(paths, "NLU_DATA", tmp_path)
    for language in ("en", "de"):
        _write(tmp_path, language, "train", {"greet": [f"{language} hello {i}" for i in range(10)]})
        _write(tmp_path, language, "test", {})
    return tmp_path


def test_split_holds_out_the_share_and_only_the_languages_asked(data: Path) -> None:
    moved = datatools.split_heldout(languages=("de",))
    assert moved == 2
    de_train = datatools.read_examples(data / "de" / "train" / "topic.yml")["greet"]
    de_test = datatools.read_examples(data / "de" / "test" / "topic.yml")["greet"]
    assert len(de_test) == 2 and len(de_train) == 8 and not set(de_train) & set(de_test)
    assert len(datatools.read_examples(data / "en" / "train" / "topic.yml")["greet"]) == 10
    assert not datatools.read_examples(data / "en" / "test" / "topic.yml")


def test_split_is_deterministic_and_one_way(data: Path) -> None:
    datatools.split_heldout(languages=("en",))
    first = datatools.read_examples(data / "en" / "test" / "topic.yml")
    assert datatools.split_heldout(languages=("en",)) == 0
    assert datatools.read_examples(data / "en" / "test" / "topic.yml") == first


def test_an_example_written_twice_is_kept_once(data: Path) -> None:
    _write(data, "en", "test", {"greet": ["hi there", "Hi there", "good morning"]})
    _write(data, "en", "train", {"greet": ["good morning", "hey", "hey", "[hello](x) you"] + [f"yo {i}" for i in range(8)]})
    datatools.split_heldout(languages=("en",))
    train = datatools.read_examples(data / "en" / "train" / "topic.yml")["greet"]
    test = datatools.read_examples(data / "en" / "test" / "topic.yml")["greet"]
    everything = [datatools.plain(x) for x in train + test]
    assert len(everything) == len(set(everything)) == 12  # hi there, good morning, hey, hello you, yo 0-7
    assert test[:2] == ["hi there", "good morning"] and "good morning" not in train and train.count("hey") <= 1
