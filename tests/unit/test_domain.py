"""The domain, the intent table, the taxonomy, the rules and the responses agree with each other."""

from pathlib import Path

import yaml

from haina import datatools, i18n, paths
from haina.intents import intent_table, taxonomy_topics
from haina.languages import LANGUAGES


def _domain() -> dict:
    merged: dict = {}
    for path in sorted((paths.BOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in data.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                overlap = set(merged.get(key, {})) & set(value)
                assert not overlap, f"{key} defined twice: {overlap}"
                merged.setdefault(key, {}).update(value)
    return merged


def test_domain_intents_are_the_intent_table():
    # an intent is a name, or {name: {use_entities: ...}} when only some entities shape its rules
    names = [i if isinstance(i, str) else next(iter(i)) for i in _domain()["intents"]]
    assert names == list(intent_table())


def test_every_intent_has_a_known_topic_and_kind():
    topics = set(taxonomy_topics())
    for info in intent_table().values():
        assert info.topic in topics, info
        assert info.kind in ("knowledge", "smalltalk", "lookup", "control"), info
        assert (info.article is not None) == (info.kind == "knowledge"), info


def test_knowledge_rules_are_in_sync_with_the_table():
    assert (paths.BOT / "data" / "knowledge_rules.yml").read_text(encoding="utf-8") == datatools.knowledge_rules_text()


def test_every_response_has_all_eight_languages():
    for name, variations in _domain()["responses"].items():
        languages = [c["value"] for v in variations for c in v.get("condition", []) if c.get("name") == "language"]
        assert sorted(languages) == sorted(LANGUAGES), name
        assert any("condition" not in v for v in variations), f"{name} has no default variation"


def test_taxonomy_copy_matches_shared():
    shared = paths.SHARED / "taxonomy.yml"
    if shared.exists():
        assert yaml.safe_load(shared.read_text())["topics"].keys() == yaml.safe_load(
            (paths.BOT / "taxonomy.yml").read_text())["topics"].keys()


def test_ui_strings_have_all_languages_and_one_home():
    seen: dict[str, str] = {}
    for name, strings in i18n.string_files().items():
        for key, texts in strings.items():
            assert sorted(texts) == sorted(LANGUAGES), f"{name}: {key}"
            assert all(str(text).strip() for text in texts.values()), f"{name}: {key}"
            assert key not in seen, f"{key} is in both {seen.get(key)} and {name}"
            seen[key] = name


def test_page_strings_have_all_languages():
    page = yaml.safe_load((paths.ROOT / "connectors" / "web" / "page_strings.yml").read_text(encoding="utf-8"))
    assert sorted(page) == sorted(LANGUAGES)
    keys = set(page["en"])
    for language in LANGUAGES:
        assert set(page[language]) == keys, language
