"""`haina classify` on the real questions of ../shared/eval: the contract's schema, line for line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from haina import paths
from haina.intents import taxonomy_topics
from haina.languages import LANGUAGES

pytestmark = pytest.mark.slow
DEV = paths.SHARED / "eval" / "dev_questions.jsonl"
KEYS = {"id", "language", "topic", "intent", "confidence", "answer_id"}


def classify(model: Path, lines: str) -> list[dict]:
    command = [str(Path(sys.executable).parent / "haina"), "classify", "--model", str(model)]
    result = subprocess.run(command, input=lines, capture_output=True, text=True, timeout=900, cwd=paths.ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def dev_predictions(trained_model):
    if not DEV.exists():
        pytest.fail(f"{DEV} is missing: the evaluation questions belong beside the project")
    lines = DEV.read_text(encoding="utf-8")
    bad = '{"id": "broken", "text": \n' + '{"id": "empty", "text": ""}\n'
    return [json.loads(line) for line in lines.splitlines() if line.strip()], classify(trained_model, lines + bad)


def test_one_prediction_per_line_in_order(dev_predictions):
    gold, predictions = dev_predictions
    assert len(predictions) == len(gold) + 2
    assert [p["id"] for p in predictions[: len(gold)]] == [g["id"] for g in gold]


def test_schema_is_exactly_the_contracts(dev_predictions):
    gold, predictions = dev_predictions
    topics = set(taxonomy_topics())
    for prediction in predictions[: len(gold)]:
        assert set(prediction) == KEYS, prediction
        assert prediction["language"] in LANGUAGES
        assert prediction["topic"] in topics
        assert isinstance(prediction["intent"], str) and prediction["intent"]
        assert 0.0 <= prediction["confidence"] <= 1.0
        assert prediction["answer_id"] is None or isinstance(prediction["answer_id"], str)


def test_bad_lines_are_reported_per_line(dev_predictions):
    gold, predictions = dev_predictions
    broken, empty = predictions[len(gold):]
    assert set(broken) == {"id", "error"} and broken["id"] is None
    assert empty == {"id": "empty", "error": "no text"}


def test_language_is_right_for_every_question(dev_predictions):
    gold, predictions = dev_predictions
    wrong = [(g["id"], g["lang"], p["language"]) for g, p in zip(gold, predictions) if g["lang"] != p["language"]]
    assert wrong == []
