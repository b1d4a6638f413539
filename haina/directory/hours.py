"""Opening hours in Python: whether a point is open at a Shanghai time, with holidays, make-up
working days, dated closures and intervals past midnight. The SQL of haina.directory.query says
the same thing for many points at once; tests hold the two to each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from haina.directory.calendar import HOLIDAY, MAKEUP_WEEKDAY, WORKDAY, Calendar

DAY = 24 * 60


@dataclass(frozen=True)
class Schedule:
    """A point's week: weekday (0 = Monday) -> (opens, closes) minutes; closes > 1440 runs past midnight."""

    weekly: dict[int, tuple[tuple[int, int], ...]]
    holidays: str = "unknown"  # closed | open | unknown
    closures: frozenset[dt.date] = frozenset()
    always_open: bool = False  # informative: a 24-hour point also has 00:00-24:00 intervals every day

    @classmethod
    def of(cls, point) -> "Schedule":  # type: ignore[no-untyped-def]
        """The schedule of a haina.db.models.ServicePoint."""
        weekly: dict[int, list[tuple[int, int]]] = {}
        for interval in point.hours:
            weekly.setdefault(interval.weekday, []).append((interval.opens, interval.closes))
        return cls({d: tuple(sorted(v)) for d, v in weekly.items()}, point.holidays,
                   frozenset(c.date for c in point.closures), bool(point.always_open))

    def day_template(self, day: dt.date, calendar: Calendar) -> tuple[tuple[int, int], ...]:
        """The intervals that start on `day`, after holidays, make-up days and closures."""
        if day in self.closures:
            return ()
        kind = calendar.kind(day)
        weekday = day.weekday()
        if self.holidays == "closed":
            if kind == HOLIDAY:
                return ()
            if kind == WORKDAY:
                weekday = MAKEUP_WEEKDAY
        return self.weekly.get(weekday, ())

    def is_open(self, moment: dt.datetime, calendar: Calendar) -> bool:
        """Open at a Shanghai wall-clock time (naive or aware in Asia/Shanghai)."""
        day = moment.date()
        minute = moment.hour * 60 + moment.minute
        if any(opens <= minute < closes for opens, closes in self.day_template(day, calendar)):
            return True
        yesterday = day - dt.timedelta(days=1)
        return any(closes > minute + DAY for _, closes in self.day_template(yesterday, calendar))

    def is_open_on(self, day: dt.date, calendar: Calendar) -> bool:
        """Open at some time that starts on `day`."""
        return bool(self.day_template(day, calendar))


def parse_hours(spec: dict) -> dict[int, tuple[tuple[int, int], ...]]:
    """The import format's {"mon": [["08:00", "17:00"]], ...} as weekday -> minute intervals."""
    weekly: dict[int, tuple[tuple[int, int], ...]] = {}
    for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
        intervals = []
        for opens, closes in spec.get(name) or []:
            start, end = _minutes(opens), _minutes(closes)
            if end <= start:
                end += DAY
            intervals.append((start, end))
        if intervals:
            weekly[number] = tuple(sorted(intervals))
    return weekly


def _minutes(text: str) -> int:
    hours, minutes = str(text).split(":")
    return int(hours) * 60 + int(minutes)
