"""Turns the time words the gazetteer found ("sun", "tonight", "20:00", "now") into a moment or
days in Asia/Shanghai, for the directory's "open at" filter.

Why here and not in the NLU: the same words mean another date tomorrow, so they are resolved when
the search runs, against the current time in Shanghai.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAY_VALUES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVENING = dt.time(21, 0)  # "tonight" without a clock time
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class TimeFilter:
    """Open at `at` (a Shanghai time), or at some time on one of `days`, or around the clock."""

    at: dt.datetime | None = None
    days: tuple[dt.date, ...] = field(default_factory=tuple)
    always: bool = False


def shanghai(moment: dt.datetime) -> dt.datetime:
    """A moment as Shanghai wall-clock time; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(SHANGHAI)


def now_in_shanghai() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).astimezone(SHANGHAI)


def next_weekday(today: dt.date, weekday: int) -> dt.date:
    """`today` if it is that weekday, else the next such day."""
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def resolve(values: Iterable[str], now: dt.datetime) -> TimeFilter | None:
    """A filter from time values (see bot/gazetteer/times.yml); None when there are none."""
    values = [str(v) for v in values if v]
    if not values:
        return None
    local = shanghai(now)
    today = local.date()
    if "24h" in values:
        return TimeFilter(always=True)
    clock = next((v for v in values if _CLOCK.match(v)), None)
    day: dt.date | None = None
    days: tuple[dt.date, ...] = ()
    for value in values:
        if value in WEEKDAY_VALUES:
            day = next_weekday(today, WEEKDAY_VALUES.index(value))
        elif value == "tomorrow":
            day = today + dt.timedelta(days=1)
        elif value in ("today", "tonight"):
            day = today
        elif value == "weekend":
            saturday = next_weekday(today, 5)
            days = (today,) if today.weekday() == 6 else (saturday, saturday + dt.timedelta(days=1))
        if day:
            break
    if clock is None and "tonight" in values:
        clock = EVENING.strftime("%H:%M")
    if clock is not None:
        hour, minute = (int(p) for p in clock.split(":"))
        base = day or (days[0] if days else today)
        return TimeFilter(at=dt.datetime.combine(base, dt.time(hour, minute), tzinfo=SHANGHAI))
    if "now" in values and day is None and not days:
        return TimeFilter(at=local.replace(second=0, microsecond=0))
    if day is not None:
        return TimeFilter(days=(day,))
    if days:
        return TimeFilter(days=days)
    return None
