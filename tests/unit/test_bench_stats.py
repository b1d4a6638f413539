"""The benchmark's pure helpers: percentiles, run summaries, ratios, results.md sections, message cleaning."""

import pytest

from bench.conversations import strip_entities
from bench.report import write_section
from bench.stats import percentile, ratio, summarize


def test_percentile_interpolates_between_ranks():
    values = [40.0, 10.0, 30.0, 20.0]  # unsorted on purpose
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == pytest.approx(25.0)
    assert percentile(values, 95) == pytest.approx(38.5)
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_summary_counts_only_successes_and_drops_zero_errors():
    summary = summarize([float(ms) for ms in range(1, 101)], {"timeout": 2, "empty": 0, "non200": 1}, 10.0)
    assert summary.messages == 100 and summary.msgs_per_s == pytest.approx(10.0)
    assert summary.p50_ms == pytest.approx(50.5) and summary.p99_ms == pytest.approx(99.01)
    assert summary.max_ms == 100.0
    assert summary.errors == {"non200": 1, "timeout": 2} and summary.error_count == 3
    assert summary.as_dict()["error_count"] == 3


def test_summary_of_a_run_without_successes():
    summary = summarize([], {"other": 5}, 8.0)
    assert summary.msgs_per_s == 0 and summary.p95_ms is None and summary.error_count == 5
    with pytest.raises(ValueError):
        summarize([1.0], {}, 0)


def test_ratio_is_none_when_undefined():
    assert ratio(30.0, 10.0) == pytest.approx(3.0)
    assert ratio(None, 10.0) is None and ratio(3.0, 0) is None and ratio(3.0, None) is None


def test_entity_annotations_are_stripped():
    assert strip_entities('in [Pudong]{"entity": "district", "value": "pudong"} oder Puxi?') == "in Pudong oder Puxi?"
    assert strip_entities("Status [SHWP-2026-004217](application_number) bitte") == "Status SHWP-2026-004217 bitte"


def test_sections_are_replaced_in_place(tmp_path):
    results = tmp_path / "results.md"
    write_section("load", "## Load\nfirst", results)
    write_section("nlu", "## NLU\nkept", results)
    write_section("load", "## Load\nsecond", results)
    text = results.read_text()
    assert "second" in text and "first" not in text and "kept" in text
    assert text.index("## Load") < text.index("## NLU")
