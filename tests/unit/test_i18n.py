"""Locale formatting with Babel in every language."""

import datetime as dt

import pytest

from haina import i18n
from haina.languages import LANGUAGES


@pytest.mark.parametrize(
    "language, expected",
    [("en", "25 November 2026"), ("zh", "2026年11月25日"), ("ja", "2026年11月25日"), ("ko", "2026년 11월 25일"),
     ("fr", "25 novembre 2026"), ("de", "25. November 2026"), ("es", "25 de noviembre de 2026"), ("ru", "25 ноября 2026 г.")],
)
def test_dates(language, expected):
    # CLDR puts a narrow no-break space before the Russian "г.": compare the visible text.
    assert i18n.date(dt.date(2026, 11, 25), language).replace("\u202f", " ") == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_durations_never_show_unit_ids(language):
    for unit in ("day", "week", "month", "year", "hour"):
        text = i18n.duration(5, unit, language)
        assert "duration" not in text and "5" in text


def test_working_days_and_money():
    assert i18n.duration(10, "day", "en", working=True) == "10 working days"
    assert i18n.duration(10, "day", "zh", working=True) == "10个工作日"
    assert i18n.money(400, "CNY", "de") == "400,00\xa0CN¥"
    assert i18n.number(1234.5, "fr").replace("\u202f", " ") == "1 234,5"


def test_ui_text_with_values():
    assert i18n.t("read_more", "ja", url="https://x") == "詳しくはこちら：https://x"
