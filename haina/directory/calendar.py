"""Chinese public holidays and make-up working days (seed/holidays.yml), by date.

Why: in China a holiday week is paid for with weekend days worked (调休); an office that is closed
on holidays opens on those Saturdays and Sundays. The directory needs both to say what is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from haina import paths

HOLIDAYS_FILE = paths.ROOT / "seed" / "holidays.yml"
NORMAL, HOLIDAY, WORKDAY = "normal", "holiday", "workday"
# On a make-up working day, a point that keeps the official calendar opens with its Monday hours
# (the notices say only "上班", a normal working day; Monday stands for one).
MAKEUP_WEEKDAY = 0


@dataclass(frozen=True)
class Calendar:
    holidays: dict[dt.date, str]  # date -> holiday id (spring_festival, national_day, ...)
    workdays: frozenset[dt.date]
    years: frozenset[int]

    def kind(self, day: dt.date) -> str:
        """'holiday', 'workday' (a weekend day worked) or 'normal'."""
        if day in self.holidays:
            return HOLIDAY
        if day in self.workdays:
            return WORKDAY
        return NORMAL

    def knows(self, day: dt.date) -> bool:
        """Whether the calendar covers the year of `day` (else holidays there are unknown)."""
        return day.year in self.years


def parse_calendar(data: dict) -> Calendar:
    holidays: dict[dt.date, str] = {}
    workdays: set[dt.date] = set()
    for year, spec in (data.get("years") or {}).items():
        for entry in spec.get("holidays") or []:
            day = _date(entry["from"])
            while day <= _date(entry["to"]):
                holidays[day] = str(entry["name"])
                day += dt.timedelta(days=1)
        workdays.update(_date(d) for d in spec.get("workdays") or [])
    return Calendar(holidays, frozenset(workdays), frozenset(int(y) for y in (data.get("years") or {})))


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@lru_cache(maxsize=4)
def load_calendar(path: Path = HOLIDAYS_FILE) -> Calendar:
    """The holiday calendar of seed/holidays.yml (or another file of that shape)."""
    return parse_calendar(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
