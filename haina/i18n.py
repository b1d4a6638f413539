"""UI text pieces in eight languages (bot/strings/*.yml) and locale-aware formatting with Babel.

Each capability keeps its texts in its own file (knowledge.yml, permits.yml, directory.yml, …);
a key lives in exactly one file, which the tests check.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import yaml
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

from haina import paths
from haina.languages import DEFAULT_LANGUAGE, LOCALES

_UNITS = {"day": "duration-day", "week": "duration-week", "month": "duration-month",
          "year": "duration-year", "hour": "duration-hour"}


STRINGS = paths.BOT / "strings"


def string_files() -> dict[str, dict[str, dict[str, str]]]:
    """Every strings file by name, as written (the tests read them one by one)."""
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for path in sorted(STRINGS.glob("*.yml"))}


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for texts in string_files().values():
        merged.update(texts)
    return merged


def t(key: str, language: str, **values: object) -> str:
    """The UI text `key` in a language, with `{placeholders}` filled in."""
    texts = _strings()[key]
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    return template.format(**values) if values else template


def locale(language: str) -> str:
    return LOCALES.get(language, LOCALES[DEFAULT_LANGUAGE])


def number(value: float, language: str) -> str:
    return format_decimal(value, locale=locale(language))


def money(amount: float, currency: str, language: str) -> str:
    return format_currency(amount, currency, locale=locale(language))


def date(value: dt.date, language: str, form: str = "long") -> str:
    return format_date(value, format=form, locale=locale(language))


def duration(value: float, unit: str, language: str, working: bool = False) -> str:
    """'10 working days', '10个工作日', '5 years', '5年', formatted for the language's locale."""
    if working and unit == "day":
        return t("working_days", language, n=number(value, language))
    unit_id = _UNITS[unit]
    for length in ("long", "short"):
        # Babel lacks some long forms for zh/ja/ko and then echoes the unit id: use the short one.
        text = format_unit(value, unit_id, length=length, locale=locale(language))
        if not text.endswith(f" {unit_id}"):
            return text
    return text
