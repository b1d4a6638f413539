"""action_search_directory against the real seed data in a throwaway SQLite database: results in
the user's language, the follow-up question, "near me", show more, relaxing a filter, bad input."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import ActionSearchDirectory
from haina import i18n


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    from haina import db
    from haina.db import ready

    url = f"sqlite:///{tmp_path_factory.mktemp('actions') / 'haina.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("HAINA_DATABASE_URL", url)
    assert db.ensure_ready(url) == []
    yield url
    mp.undo()
    ready._DONE.discard(f"{url}|{ready.SEED}")
    db.dispose(url)


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value}


def run(entities: list[dict], language: str = "en", intent: str = "search_directory", **slots):
    tracker = Tracker(
        sender_id="test", slots={"language": language, **slots},
        latest_message={"text": "x", "intent": {"name": intent, "confidence": 0.9}, "entities": entities},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSearchDirectory().run(dispatcher, tracker, {}))
    slots_set = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots_set


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


@pytest.mark.parametrize("language", ["en", "zh", "ja", "fr", "ru"])
def test_english_speaking_hospital_in_pudong(database, language):
    messages, slots = run([entity("service_category", "hospital"), entity("district", "pudong"),
                           entity("service_language", "en")], language)
    said = texts(messages)
    assert i18n.t("directory.category.hospital", language) in said
    assert i18n.t("directory.district.pudong", language) in said
    assert "https://uri.amap.com/marker?position=" in said
    assert len(messages) == 4  # the criteria line and three results
    assert slots["directory_category"] == "hospital" and slots["directory_district"] == "pudong"
    assert slots["directory_offset"] == 3.0
    assert messages[-1]["buttons"][0]["payload"] == "/show_more_results"


def test_show_more_continues_where_the_page_ended(database):
    first, slots = run([entity("service_category", "community_centre")])
    more, later = run([], intent="show_more_results", **slots)
    assert texts(more).startswith(i18n.t("directory.results_more", "en", criteria="").split("{")[0].rstrip(": "))
    assert later["directory_offset"] == 6.0
    assert set(texts(first).split("\n")[1:2]) != set(texts(more).split("\n")[1:2])


def test_no_category_asks_with_buttons_and_keeps_the_rest(database):
    messages, slots = run([entity("district", "xuhui")], "de")
    assert messages[0]["text"] == i18n.t("directory.ask_category", "de")
    assert len(messages[0]["buttons"]) == 12
    assert slots["directory_district"] == "xuhui" and slots["directory_pending"] is True
    answer, _ = run([entity("service_category", "hospital")], "de", **slots)
    assert i18n.t("directory.district.xuhui", "de") in texts(answer)


def test_near_me_without_a_location_asks_for_one_and_a_location_answers(database):
    messages, slots = run([entity("service_category", "pharmacy"), entity("service_nearby", "yes")], "ko")
    assert messages[0]["text"] == i18n.t("directory.ask_location", "ko")
    found, later = run([entity("shared_location", "31.230400,121.473700")], "ko", **slots)
    assert i18n.t("directory.criteria.near", "ko") in texts(found)
    assert "km" in texts(found)
    assert later["directory_location"] == "31.230400,121.473700"


def test_nothing_matches_so_a_filter_is_relaxed(database):
    # no pharmacy in Chongming in the seed: the district is dropped and the reply says so
    messages, slots = run([entity("service_category", "pharmacy"), entity("district", "chongming")])
    said = texts(messages)
    assert i18n.t("directory.relaxed", "en", dropped=i18n.t("directory.district.chongming", "en")) in said
    assert slots["directory_district"] is None  # "show more" continues the relaxed search
    more, _ = run([], intent="show_more_results", **slots)
    assert "https://uri.amap.com/marker?position=" in texts(more)


def test_a_new_kind_of_place_forgets_the_old_language_and_time(database):
    _, slots = run([entity("service_category", "hospital"), entity("service_language", "ja"), entity("service_time", "sun")])
    _, later = run([entity("service_category", "bank_branch")], **slots)
    assert later["directory_language"] is None and later["directory_times"] is None


def test_a_bad_location_gets_a_polite_error(database):
    messages, slots = run([entity("service_category", "hospital"), entity("shared_location", "999,999")])
    assert messages[0]["text"] == i18n.t("directory.bad_location", "en")
    assert slots["directory_location"] is None and slots["directory_category"] == "hospital"


def test_an_unknown_category_value_gets_a_polite_error(database):
    messages, slots = run([entity("service_category", "hospital"), entity("district", "atlantis")])
    assert messages[0]["text"] == i18n.t("directory.error", "en")
    assert slots["directory_district"] is None and slots["directory_category"] == "hospital"


def test_show_more_without_a_search_says_what_to_do(database):
    messages, _ = run([], "es", intent="show_more_results")
    assert messages[0]["text"] == i18n.t("directory.nothing_to_continue", "es")


def test_the_database_down_is_said_politely(monkeypatch):
    import haina.db

    def broken(url=None):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(haina.db, "ensure_ready", broken)
    messages, _ = run([entity("service_category", "hospital")], "fr")
    assert messages[0]["text"] == i18n.t("directory.unavailable", "fr")
