"""A directory result reads well in all eight languages: localized weekdays and times, language
names in the user's language, a map link, and "please confirm" for unverified details."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import unquote

import pytest

from haina import i18n
from haina.directory.query import DirectoryQuery, Result
from haina.directory.render import (
    confirm_fields, describe, describe_filter, format_week, language_name, map_link, render_result,
)
from haina.directory.when import SHANGHAI, TimeFilter
from haina.languages import LANGUAGES

WEEK = {0: ((540, 690), (810, 1020)), 1: ((540, 690), (810, 1020)), 2: ((540, 690), (810, 1020)),
        3: ((540, 690), (810, 1020)), 4: ((540, 690), (810, 900)), 5: ((1320, 1560),)}


def fake_point(**overrides):
    names = {"en": "Ruijin Hospital", "zh": "瑞金医院", "ja": "瑞金医院", "ko": "루이진 병원", "fr": "Hôpital Ruijin",
             "de": "Krankenhaus Ruijin", "es": "Hospital Ruijin", "ru": "Больница Жуйцзинь"}
    texts = {("name", k): v for k, v in names.items()}
    texts.update({("address", k): f"197 Ruijin 2nd Road ({k})" for k in LANGUAGES})
    hours = [SimpleNamespace(weekday=d, opens=o, closes=c) for d, spans in WEEK.items() for o, c in spans]
    fields = dict(ref="sp-test", phone="+86 21 2895 1900", website="https://www.rjh.com.cn", lat=31.2109, lon=121.4666,
                  hours_known=True, always_open=False, holidays="closed", unverified=["phone", "lat", "hours"],
                  source="https://example.org/page", hours=hours, closures=[], spoken=["zh", "en", "fr"])
    fields.update(overrides)
    point = SimpleNamespace(**fields)
    point.text = lambda field, language, fallback="en": texts.get((field, language)) or texts.get((field, fallback))
    return point


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_result_in_every_language(language):
    text = render_result(Result(fake_point(), distance_km=1.234), language)
    assert fake_point().text("name", language) in text
    assert "+86 21 2895 1900" in text
    assert "https://uri.amap.com/marker?position=121.466600,31.210900&name=" in text
    assert i18n.t("directory.field.phone", language) in text           # please confirm: phone
    assert i18n.t("directory.field.location", language) in text        # lat -> map position
    assert language_name("fr", language) in text
    assert i18n.number(1.2, language) in text
    assert "17:00" in text and ("22:00" in text)
    assert "{" not in text and "}" not in text


def test_weekday_names_and_grouping_follow_the_locale():
    assert format_week(WEEK, "en").startswith("Mon–Thu 09:00–11:30, 13:30–17:00; Fri 09:00–11:30, 13:30–15:00; Sat 22:00–02:00")
    assert format_week(WEEK, "zh").startswith("周一–周四")
    assert format_week(WEEK, "de").startswith("Mo.–Do.")
    assert "dim. fermé" in format_week(WEEK, "fr")
    assert "вс закрыто" in format_week(WEEK, "ru")
    assert format_week({}, "ja", always_open=True) == i18n.t("directory.open_24h", "ja")


@pytest.mark.parametrize("language, expected", [("en", "French"), ("zh", "法语"), ("ja", "フランス語"), ("ko", "프랑스어"),
                                                ("fr", "français"), ("de", "Französisch"), ("es", "francés"), ("ru", "французский")])
def test_language_names_in_the_users_language(language, expected):
    assert language_name("fr", language) == expected


def test_map_link_carries_the_name():
    link = map_link(31.2, 121.4, "瑞金医院 & co")
    assert link.startswith("https://uri.amap.com/marker?position=121.400000,31.200000&name=")
    assert unquote(link.split("name=")[1]) == "瑞金医院 & co"


def test_confirm_fields_are_known_and_ordered():
    assert confirm_fields(["lat", "lon", "phone", "hours"], "unknown", True) == ["location", "phone", "hours", "holidays"]
    assert confirm_fields([], "closed", True) == []
    assert confirm_fields([], "unknown", False) == []


def test_unknown_hours_and_no_phone_are_said_plainly():
    text = render_result(Result(fake_point(phone=None, hours_known=False, hours=[], unverified=[])), "en")
    assert i18n.t("directory.no_phone", "en") in text and i18n.t("directory.hours_unknown", "en") in text
    assert i18n.t("directory.confirm", "en", fields="x").split(":")[0] not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_criteria_in_words(language):
    query = DirectoryQuery(category="hospital", district="pudong", language="en",
                           when=TimeFilter(at=dt.datetime(2026, 12, 6, 20, 0, tzinfo=SHANGHAI)), near=(31.2, 121.5))
    said = describe(query, language)
    assert i18n.t("directory.category.hospital", language) in said
    assert i18n.t("directory.district.pudong", language) in said
    assert language_name("en", language) in said
    assert i18n.t("directory.criteria.near", language) in said
    assert describe(DirectoryQuery(), language) == i18n.t("directory.criteria.any", language)
    assert describe_filter(query, "district", language) == i18n.t("directory.district.pudong", language)


def test_every_category_and_district_has_a_display_name():
    from haina.db.models import DISTRICTS, SERVICE_CATEGORIES

    for language in LANGUAGES:
        for category in SERVICE_CATEGORIES:
            assert i18n.t(f"directory.category.{category}", language)
        for district in DISTRICTS:
            assert i18n.t(f"directory.district.{district}", language)
