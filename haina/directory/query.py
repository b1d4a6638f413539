"""Directory search: service points by category, district, language spoken, opening time and
distance, a page at a time, in SQL that the indexes of haina.db.models.directory serve.

- category/district: the (category, district) index; language: EXISTS on (language, point id).
- open at a time: EXISTS on the opening intervals (weekday, opens, closes), with the day's
  weekday chosen per point by the holiday calendar (closed on holidays, Monday hours on make-up
  working days), intervals past midnight counted on the day they start, dated closures excluded.
- nearest: a bounding box on (lat, lon) around the location, grown until it holds the page, and
  ordered by an equirectangular distance (arithmetic only, so SQLite and PostgreSQL agree); the
  page's exact distances are haversine.

The per-point conditions (a language, an interval) are correlated subqueries. SQLite runs them per
candidate row; PostgreSQL would rather hash every matching interval of the city (tens of thousands
at 100,000 points) before returning the first page, so there they are LATERAL ... LIMIT 1 joins,
which stop at the first hit for each candidate and let the outer LIMIT end the scan early.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from haina.db.models import (
    DISTRICTS, SERVICE_CATEGORIES, Closure, OpeningInterval, ServicePoint, ServicePointLanguage,
)
from haina.directory.calendar import HOLIDAY, MAKEUP_WEEKDAY, WORKDAY, Calendar, load_calendar
from haina.directory.when import TimeFilter, shanghai

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.2
RADII_KM = (2.0, 5.0, 15.0, 50.0, 200.0)
MAX_LIMIT = 20
DAY = 24 * 60


class QueryError(ValueError):
    """A query that cannot be run (unknown category, a location off the globe, …); `field` says which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DirectoryQuery:
    category: str | None = None
    district: str | None = None
    language: str | None = None
    when: TimeFilter | None = None
    near: tuple[float, float] | None = None  # (lat, lon)
    offset: int = 0
    limit: int = 3

    def validated(self) -> "DirectoryQuery":
        if self.category is not None and self.category not in SERVICE_CATEGORIES:
            raise QueryError("category", f"unknown category {self.category!r}")
        if self.district is not None and self.district not in DISTRICTS:
            raise QueryError("district", f"unknown district {self.district!r}")
        if self.language is not None and not (2 <= len(self.language) <= 3 and self.language.isalpha()):
            raise QueryError("language", f"not a language code: {self.language!r}")
        if self.near is not None:
            lat, lon = self.near
            if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
                raise QueryError("near", "coordinates out of range")
        if self.offset < 0 or not 1 <= self.limit <= MAX_LIMIT:
            raise QueryError("page", "offset must be >= 0 and limit 1-20")
        return self

    def without(self, name: str) -> "DirectoryQuery":
        """The same query with one filter dropped (to relax it when nothing matches)."""
        return replace(self, **{name: None}, offset=0)


@dataclass(frozen=True)
class Result:
    point: ServicePoint
    distance_km: float | None = None


@dataclass(frozen=True)
class Page:
    results: list[Result]
    query: DirectoryQuery
    has_more: bool
    radius_km: float | None = None
    next_offset: int = field(default=0)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _day_rule(day: dt.date, calendar: Calendar) -> sa.sql.ColumnElement:
    """Which weekday's intervals start on `day`, per point (its holiday policy decides)."""
    weekday = day.weekday()
    kind = calendar.kind(day)
    closed_on_holidays = ServicePoint.holidays == "closed"
    if kind == HOLIDAY:
        return sa.and_(~closed_on_holidays, OpeningInterval.weekday == weekday)
    if kind == WORKDAY:
        return sa.or_(sa.and_(closed_on_holidays, OpeningInterval.weekday == MAKEUP_WEEKDAY),
                      sa.and_(~closed_on_holidays, OpeningInterval.weekday == weekday))
    return OpeningInterval.weekday == weekday


def _not_closed(day: dt.date) -> sa.sql.ColumnElement:
    return ~sa.exists().where(Closure.service_point_id == ServicePoint.id, Closure.date == day).correlate(ServicePoint)


def open_at(moment: dt.datetime, calendar: Calendar) -> sa.sql.ColumnElement:
    """Intervals (rows of service_point_hours) that make their point open at `moment`.

    An aware moment is converted to Shanghai time; a naive one is taken as Shanghai wall-clock time.
    """
    local = shanghai(moment) if moment.tzinfo else moment
    day, minute = local.date(), local.hour * 60 + local.minute
    yesterday = day - dt.timedelta(days=1)
    return sa.or_(
        sa.and_(_day_rule(day, calendar), OpeningInterval.opens <= minute, OpeningInterval.closes > minute,
                _not_closed(day)),
        sa.and_(_day_rule(yesterday, calendar), OpeningInterval.closes > minute + DAY, _not_closed(yesterday)),
    )


def open_on(days: tuple[dt.date, ...], calendar: Calendar) -> sa.sql.ColumnElement:
    """Intervals that make their point open at some time on one of `days`."""
    return sa.or_(*[sa.and_(_day_rule(day, calendar), _not_closed(day)) for day in days])


def _requirements(query: DirectoryQuery, calendar: Calendar) -> list[tuple[type, sa.sql.ColumnElement]]:
    """(table model, condition) pairs: the point needs at least one such row."""
    needed: list[tuple[type, sa.sql.ColumnElement]] = []
    if query.language:
        needed.append((ServicePointLanguage, ServicePointLanguage.language == query.language))
    when = query.when
    if when is not None and not when.always:
        if when.at is not None:
            needed.append((OpeningInterval, open_at(when.at, calendar)))
        elif when.days:
            needed.append((OpeningInterval, open_on(when.days, calendar)))
    return needed


def _plain_conditions(query: DirectoryQuery) -> list[sa.sql.ColumnElement]:
    """Conditions on the service_points row itself (kind, district, around the clock)."""
    where: list[sa.sql.ColumnElement] = []
    if query.category:
        where.append(ServicePoint.category == query.category)
    if query.district:
        where.append(ServicePoint.district == query.district)
    if query.when is not None and query.when.always:
        where.append(ServicePoint.always_open)
    return where


def conditions(query: DirectoryQuery, calendar: Calendar) -> list[sa.sql.ColumnElement]:
    """Every WHERE condition of a query as portable SQL (correlated EXISTS for the per-point ones)."""
    return _plain_conditions(query) + [
        sa.exists().where(model.service_point_id == ServicePoint.id, condition).correlate(ServicePoint)
        for model, condition in _requirements(query, calendar)
    ]


def statement_for(query: DirectoryQuery, calendar: Calendar, dialect: str) -> sa.sql.Select:
    """SELECT the service points matching the query's filters, as `search` runs it on `dialect`
    (no order, no limit); on PostgreSQL the per-point conditions are LATERAL ... LIMIT 1 joins."""
    if dialect != "postgresql":
        return sa.select(ServicePoint).where(*conditions(query, calendar))
    statement = sa.select(ServicePoint).where(*_plain_conditions(query))
    for number, (model, condition) in enumerate(_requirements(query, calendar)):
        hit = (sa.select(sa.literal(1).label("hit")).where(model.service_point_id == ServicePoint.id, condition)
               .limit(1).correlate(ServicePoint).lateral(f"needs_{number}"))
        statement = statement.join(hit, sa.true())
    return statement


def search(session: Session, query: DirectoryQuery, calendar: Calendar | None = None) -> Page:
    """One page of service points matching `query`, nearest first when it has a location."""
    query = query.validated()
    calendar = calendar or load_calendar()
    base = statement_for(query, calendar, session.get_bind().dialect.name)
    wanted = query.offset + query.limit + 1
    if query.near is None:
        statement = base.order_by(ServicePoint.id).offset(query.offset).limit(query.limit + 1)
        points = list(session.execute(statement).scalars())
        return _page([Result(p) for p in points], query, None)
    lat, lon = float(query.near[0]), float(query.near[1])
    km_per_degree_lon = max(KM_PER_DEGREE_LAT * math.cos(math.radians(lat)), 0.01)
    dy = (ServicePoint.lat - lat) * KM_PER_DEGREE_LAT
    dx = (ServicePoint.lon - lon) * km_per_degree_lon
    squared = dy * dy + dx * dx
    ids: list[int] = []
    radius = RADII_KM[-1]
    for radius in RADII_KM:  # ids only while the box grows; the points are loaded once, below
        box = [ServicePoint.lat.between(lat - radius / KM_PER_DEGREE_LAT, lat + radius / KM_PER_DEGREE_LAT),
               ServicePoint.lon.between(lon - radius / km_per_degree_lon, lon + radius / km_per_degree_lon),
               squared <= radius * radius]
        statement = (base.with_only_columns(ServicePoint.id).where(*box)
                     .order_by(squared, ServicePoint.id).limit(wanted))
        ids = list(session.execute(statement).scalars())
        if len(ids) >= wanted:
            break
    page_ids = ids[query.offset:]
    loaded = {p.id: p for p in session.execute(sa.select(ServicePoint).where(ServicePoint.id.in_(page_ids))).scalars()} \
        if page_ids else {}
    results = [Result(loaded[i], haversine_km((lat, lon), (loaded[i].lat, loaded[i].lon))) for i in page_ids]
    results.sort(key=lambda r: (round(r.distance_km or 0.0, 6), r.point.id))
    return _page(results, query, radius)


def _page(results: list[Result], query: DirectoryQuery, radius: float | None) -> Page:
    has_more = len(results) > query.limit
    return Page(results[:query.limit], query, has_more, radius, query.offset + min(len(results), query.limit))
