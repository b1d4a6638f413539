"""Directory conversations over REST with the real servers and the seed data, in several languages:
free-text requests, "show more", a location shared through message metadata, relaxed filters."""

from __future__ import annotations

import uuid

import pytest

from haina import i18n
from tests.e2e.test_rest import say, text_of

pytestmark = pytest.mark.e2e
MAP = "https://uri.amap.com/marker?position="


def header(key: str, language: str) -> str:
    """The fixed part of a results line before its {criteria}."""
    return i18n.t(key, language, criteria="\x00").split("\x00")[0]


@pytest.mark.parametrize("language, text, district", [
    ("en", "English-speaking hospital in Pudong", "pudong"),
    ("zh", "浦东有没有周日开门的国际医院", "pudong"),
    ("ja", "徐汇区の日本語が通じる病院", "xuhui"),
    ("fr", "hôpital anglophone à Pudong ouvert le dimanche", "pudong"),
])
def test_free_text_directory_requests(stack, language, text, district):
    replies = say(stack, f"dir-{language}-{uuid.uuid4().hex[:6]}", text, metadata={"language": language})
    answer = text_of(replies)
    assert MAP in answer, answer
    assert header("directory.results", language) in answer
    assert i18n.t(f"directory.district.{district}", language) in answer or \
        header("directory.relaxed", language) in answer
    assert i18n.t("directory.category.hospital", language) in answer


def test_show_more_pages_on(stack):
    sender = f"dir-more-{uuid.uuid4().hex[:6]}"
    first = say(stack, sender, "community centre in Pudong")
    assert MAP in text_of(first)
    assert first[-1].get("buttons", [{}])[0].get("payload") == "/show_more_results"
    more = say(stack, sender, "/show_more_results")
    assert header("directory.results_more", "en") in text_of(more)
    assert text_of(more) != text_of(first)
    typed = say(stack, sender, "show me more")
    assert header("directory.results_more", "en") in text_of(typed) or \
        text_of(typed).startswith(i18n.t("directory.no_more", "en", criteria="\x00").split("\x00")[0])


def test_near_me_asks_for_the_location_then_uses_it(stack):
    sender = f"dir-loc-{uuid.uuid4().hex[:6]}"
    asked = say(stack, sender, "closest pharmacy near me please")
    assert i18n.t("directory.ask_location", "en") in text_of(asked)
    found = say(stack, sender, "my location", metadata={"location": {"lat": 31.2304, "lon": 121.4737}})
    answer = text_of(found)
    assert MAP in answer and " km" in answer
    assert i18n.t("directory.criteria.near", "en") in answer


def test_a_kind_of_place_is_asked_for_when_missing(stack):
    sender = f"dir-ask-{uuid.uuid4().hex[:6]}"
    replies = say(stack, sender, "/search_directory{\"district\": \"xuhui\"}")
    assert replies[0]["text"] == i18n.t("directory.ask_category", "en")
    assert len(replies[0]["buttons"]) == 12
    chosen = say(stack, sender, replies[0]["buttons"][0]["payload"])
    assert MAP in text_of(chosen)
