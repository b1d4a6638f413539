"""bench/nlu.py's pieces: the training files of a one-language peer, its cache names, the targets table."""

from bench import nlu
from haina import paths
from haina.languages import LANGUAGES


def test_a_one_language_model_trains_on_that_language_only():
    ko = nlu.training_files("ko")
    every = nlu.training_files()
    assert set(ko) < set(every)
    per_language = [p for p in ko if p.is_relative_to(paths.NLU_DATA)]
    assert per_language and all(p.parent == paths.NLU_DATA / "ko" / "train" for p in per_language)
    assert [p for p in ko if not p.is_relative_to(paths.NLU_DATA)] == [
        p for p in every if not p.is_relative_to(paths.NLU_DATA)], "the regexes of bot/data come along"


def test_each_language_model_has_its_own_fingerprint():
    config = nlu.variant(nlu.PEER_BY_LANGUAGE)
    assert config == nlu.variant(nlu.PEER), "the same rasa init config, trained per language"
    prints = {nlu.fingerprint(nlu.PEER_BY_LANGUAGE, config, language) for language in LANGUAGES}
    assert len(prints) == len(LANGUAGES)


def _pipeline(f1: float) -> dict:
    return {"by_language": {lang: {"macro_f1": f1, "accuracy": f1, "n": 10, "fallback_share": 0.0}
                            for lang in LANGUAGES}}


def test_targets_compare_with_each_peer_that_was_measured():
    rows = nlu.targets({"intents": {"pipelines": {"haina": _pipeline(0.9), nlu.PEER_BY_LANGUAGE: _pipeline(0.8)}}})
    by_label = {row[0]: row for row in rows}
    per_language = by_label["ahead of the `rasa init` pipeline in macro-F1 (one model per language)"]
    assert per_language[1] == "in 8 of 8 languages" and per_language[3] == "yes"
    assert by_label["ahead of the `rasa init` pipeline in macro-F1 (one model, as Haina)"][1] == "not measured"
    behind = nlu.targets({"intents": {"pipelines": {"haina": _pipeline(0.8), nlu.PEER: _pipeline(0.85)}}})
    assert any(row[3] == "NO" and "not: en" in row[1] for row in behind)


def test_a_peer_measured_in_some_languages_only_is_not_called_beaten():
    partial = _pipeline(0.8)
    partial["by_language"] = {lang: row for lang, row in partial["by_language"].items() if lang in ("en", "zh")}
    rows = nlu.targets({"intents": {"pipelines": {"haina": _pipeline(0.9), nlu.PEER_BY_LANGUAGE: partial}}})
    row = next(r for r in rows if "one model per language" in r[0])
    assert row[1] == "in 2 of 2 languages (2 of 8 measured)" and row[3] == "n/a"
