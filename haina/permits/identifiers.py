"""Reading what people type: an application number, a passport number or a date of birth.

The patterns are haina.privacy's (from bot/data/entity_patterns.yml). Dates of birth are read in
the forms people use in the eight languages: 1988-03-14, 14.03.1988, 14/03/1988 (03/14/1988 when
the day is over 12), 1988年3月14日, 1988년 3월 14일, 14 March 1988, March 14, 1988, 14. März 1988,
14 de marzo de 1988, 14 марта 1988 г. A slashed date that could be either way round (03/04/1988)
yields both readings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import get_month_names

from haina import privacy
from haina.db.importer.applications import normalise_number
from haina.languages import LANGUAGES, LOCALES

PASSPORT_NUMBER, DATE_OF_BIRTH = privacy.PASSPORT, privacy.DATE
_SPACED_NUMBER = re.compile(r"\b(SH\s*(?:WP|RP))[\s_./]*(\d{4})[\s_./]*(\d{6})\b", re.IGNORECASE | re.ASCII)
_ATTEMPT = re.compile(r"\bSH\s*[WR]|\d{4,}", re.IGNORECASE | re.ASCII)


def application_number(text: str) -> str | None:
    """The first application number in the text, normalised (SHWP-2026-004217), else None."""
    text = _SPACED_NUMBER.sub(lambda m: f"{m.group(1).replace(' ', '')}-{m.group(2)}-{m.group(3)}", text or "")
    for found in privacy.find(text, privacy.APPLICATION):
        number = normalise_number(found)
        if number:
            return number
    return None


def looks_like_a_number(text: str) -> bool:
    """Whether a message that holds no valid application number was meant as one (digits, 'SHW…')."""
    return bool(_ATTEMPT.search(text or ""))


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    months: dict[str, int] = {}
    for language in LANGUAGES:
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in get_month_names(width, context, locale=LOCALES[language]).items():
                    months.setdefault(name.rstrip(".").lower(), number)
    return months


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _readings(found: str) -> list[dt.date]:
    numbers = [int(n) for n in re.findall(r"\d+", found)]
    words = [w.rstrip(".").lower() for w in re.findall(r"[^\W\d_]+\.?", found)]
    month = next((_months()[w] for w in words if w in _months()), None)
    candidates: list[tuple[int, int, int]] = []
    if month is not None:
        years = [n for n in numbers if n >= 1000]
        days = [n for n in numbers if n < 100]
        if years and days:
            candidates.append((years[0], month, days[0]))
    elif len(numbers) == 3:
        first, second, third = numbers
        if first >= 1000:
            candidates.append((first, second, third))
        elif third >= 1000:
            if first > 12 or "/" not in found:
                candidates.append((third, second, first))          # day first: 14.03.1988, 14/03/1988
            if second > 12 and "/" in found:
                candidates.append((third, first, second))          # month first: 03/14/1988
            elif first <= 12 and second <= 12 and "/" in found:
                candidates += [(third, second, first), (third, first, second)]
    dates = []
    for year, m, d in candidates:
        date = _date(year, m, d)
        if date and date not in dates:
            dates.append(date)
    return dates


def birth_dates(text: str) -> list[dt.date]:
    """Every reading of the dates written in the text, in order."""
    dates: list[dt.date] = []
    for found in privacy.find(text or "", privacy.DATE):
        dates.extend(d for d in _readings(found) if d not in dates)
    return dates


def passport_numbers(text: str) -> list[str]:
    """Passport-like values in the text, normalised; application numbers are not mistaken for them."""
    without_numbers = privacy.redact(text or "", (privacy.APPLICATION,))
    return [privacy.normalise_passport(p) for p in privacy.find(without_numbers, privacy.PASSPORT)]


@dataclass(frozen=True)
class Verification:
    """What the applicant gave to prove it is them: a passport number or the reading(s) of a birth date."""

    method: str  # passport_number | date_of_birth
    values: tuple[str, ...]

    def __repr__(self) -> str:  # never the values
        return f"<Verification {self.method}>"


def verification(text: str) -> Verification | None:
    """The passport number or date of birth in a message (a passport when both are there)."""
    passports = passport_numbers(text)
    if passports:
        return Verification(PASSPORT_NUMBER, (passports[0],))
    dates = birth_dates(text)
    if dates:
        return Verification(DATE_OF_BIRTH, tuple(d.isoformat() for d in dates[:2]))
    return None
