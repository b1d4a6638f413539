"""Directory queries on SQLite and PostgreSQL: category, district, language, opening hours across
midnight, public holidays and make-up working days, a UTC time converted to Shanghai, distance
ordering and paging; and the SQL agrees with the Python opening-hours rules."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from haina import db
from haina.db import migrate
from haina.db.importer import import_file
from haina.directory.calendar import Calendar, load_calendar, parse_calendar
from haina.directory.hours import Schedule, parse_hours
from haina.directory.query import DirectoryQuery, QueryError, haversine_km, search
from haina.directory.when import SHANGHAI, TimeFilter, resolve
from haina.languages import LANGUAGES
from tests.unit.test_db import postgres_url  # noqa: F401  (a throwaway PostgreSQL database; fails under CI when absent)

CALENDAR = parse_calendar({"years": {2026: {
    "holidays": [{"name": "national_day", "from": "2026-10-01", "to": "2026-10-07"}],
    "workdays": ["2026-10-10"],  # a Saturday worked
}}})
PEOPLES_SQUARE = (31.2304, 121.4737)


def texts(word: str) -> dict[str, str]:
    return {language: f"{word} ({language})" for language in LANGUAGES}


def point(ref: str, **fields) -> dict:
    base = {"ref": ref, "category": "pharmacy", "district": "huangpu", "name": texts(ref), "address": texts("addr"),
            "lat": 31.23, "lon": 121.47, "languages": ["zh"], "holidays": "unknown", "unverified": [],
            "source": "https://example.org/official-page", "demo": False}
    base.update(fields)
    return base


WEEKDAYS_9_17 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
POINTS = [
    point("night-bar-pharmacy", hours={"fri": [["22:00", "02:00"]], "sat": [["22:00", "02:00"]]}),
    point("office-hours-pharmacy", hours=WEEKDAYS_9_17, holidays="closed", languages=["zh", "en"]),
    point("holiday-open-pharmacy", hours=WEEKDAYS_9_17, holidays="open", district="xuhui"),
    point("round-the-clock-pharmacy", hours={"24h": True}, district="xuhui", languages=["zh", "en", "ja"]),
    point("closed-on-a-date", hours=WEEKDAYS_9_17, closures=["2026-12-02"], district="pudong"),
    point("no-hours-hospital", category="hospital", district="pudong", lat=31.2214, lon=121.5447, languages=["en"]),
] + [
    point(f"clinic-{n}", category="international_clinic", district="jingan",
          lat=PEOPLES_SQUARE[0] + 0.004 * n, lon=PEOPLES_SQUARE[1], languages=["zh", "en"] if n % 2 else ["zh"])
    for n in range(1, 8)
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def session_factory(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('dir') / 'directory.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    migrate.upgrade(url)
    seed = tmp_path_factory.mktemp("seed") / "points.json"
    seed.write_text(json.dumps({"service_points": POINTS}), encoding="utf-8")
    with db.session_scope(url) as session:
        report = import_file(seed, session=session)
        assert report.ok, report.lines()
    yield lambda: db.session_scope(url)
    if request.param == "postgresql":
        migrate.downgrade(url, "base")
    db.dispose(url)


def refs(session_factory, query: DirectoryQuery, calendar: Calendar = CALENDAR) -> list[str]:
    with session_factory() as session:
        return [r.point.ref for r in search(session, query, calendar).results]


def at(*args: int) -> TimeFilter:
    return TimeFilter(at=dt.datetime(*args, tzinfo=SHANGHAI))


def test_category_district_and_language_filters(session_factory):
    assert refs(session_factory, DirectoryQuery(category="pharmacy", district="xuhui", limit=10)) == [
        "holiday-open-pharmacy", "round-the-clock-pharmacy"]
    assert refs(session_factory, DirectoryQuery(category="pharmacy", language="ja", limit=10)) == ["round-the-clock-pharmacy"]
    assert set(refs(session_factory, DirectoryQuery(language="en", limit=20))) == {
        "office-hours-pharmacy", "round-the-clock-pharmacy", "no-hours-hospital", "clinic-1", "clinic-3", "clinic-5", "clinic-7"}


def test_an_interval_past_midnight_counts_on_the_next_morning(session_factory):
    # Friday 2026-12-04 22:00 - Saturday 02:00
    q = lambda when: refs(session_factory, DirectoryQuery(category="pharmacy", district="huangpu", when=when, limit=10))
    assert "night-bar-pharmacy" in q(at(2026, 12, 4, 23, 30))
    assert "night-bar-pharmacy" in q(at(2026, 12, 5, 1, 59))        # Saturday morning, Friday's shift
    assert "night-bar-pharmacy" not in q(at(2026, 12, 5, 2, 0))     # closes at 02:00
    assert "night-bar-pharmacy" in q(at(2026, 12, 6, 0, 30))        # Sunday morning, Saturday's shift
    assert "night-bar-pharmacy" not in q(at(2026, 12, 7, 0, 30))    # no Sunday shift into Monday
    assert "night-bar-pharmacy" not in q(at(2026, 12, 4, 21, 59))


def test_public_holidays_and_make_up_working_days(session_factory):
    q = lambda when: set(refs(session_factory, DirectoryQuery(category="pharmacy", when=when, limit=10)))
    holiday = q(at(2026, 10, 1, 10, 0))  # a Thursday in the National Day holiday
    assert "office-hours-pharmacy" not in holiday and "holiday-open-pharmacy" in holiday
    assert "round-the-clock-pharmacy" in holiday
    makeup = q(at(2026, 10, 10, 10, 0))  # Saturday worked: closed-on-holidays points open with Monday's hours
    assert "office-hours-pharmacy" in makeup and "holiday-open-pharmacy" not in makeup
    assert "office-hours-pharmacy" in q(TimeFilter(days=(dt.date(2026, 10, 10),)))
    assert "office-hours-pharmacy" not in q(TimeFilter(days=(dt.date(2026, 10, 3),)))


def test_dated_closures(session_factory):
    q = lambda when: refs(session_factory, DirectoryQuery(district="pudong", category="pharmacy", when=when))
    assert q(at(2026, 12, 2, 10, 0)) == []
    assert q(at(2026, 12, 3, 10, 0)) == ["closed-on-a-date"]


def test_a_utc_time_is_read_as_shanghai_time(session_factory):
    # 2026-12-04 01:30 UTC is 09:30 on Friday in Shanghai: the office is open; at 09:30 UTC (17:30) it is not
    morning = TimeFilter(at=dt.datetime(2026, 12, 4, 1, 30, tzinfo=dt.timezone.utc))
    evening = TimeFilter(at=dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone.utc))
    assert "office-hours-pharmacy" in refs(session_factory, DirectoryQuery(category="pharmacy", when=morning, limit=10))
    assert "office-hours-pharmacy" not in refs(session_factory, DirectoryQuery(category="pharmacy", when=evening, limit=10))


def test_always_open_and_unknown_hours(session_factory):
    assert refs(session_factory, DirectoryQuery(when=TimeFilter(always=True), limit=10)) == ["round-the-clock-pharmacy"]
    assert "no-hours-hospital" not in refs(session_factory, DirectoryQuery(when=at(2026, 12, 3, 10, 0), limit=20))


def test_nearest_first_with_haversine_distances_and_paging(session_factory):
    query = DirectoryQuery(category="international_clinic", near=PEOPLES_SQUARE, limit=3)
    with session_factory() as session:
        first = search(session, query, CALENDAR)
        assert [r.point.ref for r in first.results] == ["clinic-1", "clinic-2", "clinic-3"]
        distances = [r.distance_km for r in first.results]
        assert distances == sorted(distances)
        assert distances[0] == pytest.approx(haversine_km(PEOPLES_SQUARE, (PEOPLES_SQUARE[0] + 0.004, PEOPLES_SQUARE[1])))
        assert distances[0] == pytest.approx(0.445, abs=0.01)
        assert first.has_more and first.next_offset == 3
        second = search(session, DirectoryQuery(category="international_clinic", near=PEOPLES_SQUARE, limit=3, offset=3), CALENDAR)
        assert [r.point.ref for r in second.results] == ["clinic-4", "clinic-5", "clinic-6"]
        last = search(session, DirectoryQuery(category="international_clinic", near=PEOPLES_SQUARE, limit=3, offset=6), CALENDAR)
        assert [r.point.ref for r in last.results] == ["clinic-7"] and not last.has_more


def test_a_far_location_still_finds_the_nearest(session_factory):
    far = (31.62, 121.40)  # Chongming: the box grows until it holds a result
    assert refs(session_factory, DirectoryQuery(category="hospital", near=far)) == ["no-hours-hospital"]


def test_paging_without_location_is_stable(session_factory):
    seen = []
    for offset in (0, 3, 6):
        seen += refs(session_factory, DirectoryQuery(category="international_clinic", offset=offset, limit=3))
    assert sorted(seen) == sorted(f"clinic-{n}" for n in range(1, 8)) and len(seen) == 7


@pytest.mark.parametrize("bad", [
    DirectoryQuery(category="spa"), DirectoryQuery(district="atlantis"), DirectoryQuery(near=(91.0, 0.0)),
    DirectoryQuery(limit=0), DirectoryQuery(offset=-1), DirectoryQuery(language="english!"),
])
def test_bad_queries_are_refused_before_any_sql(bad):
    with pytest.raises(QueryError):
        bad.validated()


def test_sql_and_python_agree_on_opening_hours(session_factory):
    """Random moments around midnight, holidays and make-up days: the SQL filter equals Schedule.is_open."""
    rng = random.Random(7)
    moments = [dt.datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI) + dt.timedelta(minutes=rng.randrange(0, 70 * 24 * 60))
               for _ in range(60)]
    moments += [dt.datetime(2026, 10, 10, 9, 30, tzinfo=SHANGHAI), dt.datetime(2026, 10, 8, 0, 30, tzinfo=SHANGHAI)]
    with session_factory() as session:
        from haina.db.models import ServicePoint
        import sqlalchemy as sa

        points = list(session.execute(sa.select(ServicePoint)).scalars())
        for moment in moments:
            expected = {p.ref for p in points if (p.hours_known or p.always_open) and Schedule.of(p).is_open(moment, CALENDAR)}
            got = {r.point.ref for r in search(session, DirectoryQuery(when=TimeFilter(at=moment), limit=20), CALENDAR).results}
            assert got == expected, moment


def test_parse_hours_reads_the_import_format():
    assert parse_hours({"mon": [["09:00", "17:00"]], "fri": [["22:00", "02:00"]]}) == {0: ((540, 1020),), 4: ((1320, 1560),)}


def test_resolve_time_words_in_shanghai():
    sunday_night_utc = dt.datetime(2026, 12, 6, 17, 0, tzinfo=dt.timezone.utc)  # Monday 01:00 in Shanghai
    assert resolve(["now"], sunday_night_utc).at == dt.datetime(2026, 12, 7, 1, 0, tzinfo=SHANGHAI)
    assert resolve(["sun"], sunday_night_utc).days == (dt.date(2026, 12, 13),)
    assert resolve(["tomorrow", "20:00"], sunday_night_utc).at == dt.datetime(2026, 12, 8, 20, 0, tzinfo=SHANGHAI)
    assert resolve(["tonight"], sunday_night_utc).at == dt.datetime(2026, 12, 7, 21, 0, tzinfo=SHANGHAI)
    assert resolve(["weekend"], sunday_night_utc).days == (dt.date(2026, 12, 12), dt.date(2026, 12, 13))
    assert resolve(["24h"], sunday_night_utc).always
    assert resolve([], sunday_night_utc) is None


def test_the_seeded_calendar_has_the_state_council_dates():
    calendar = load_calendar()
    assert calendar.kind(dt.date(2026, 2, 17)) == "holiday"     # Spring Festival 2026
    assert calendar.kind(dt.date(2026, 2, 14)) == "workday"     # Saturday worked
    assert calendar.kind(dt.date(2026, 10, 10)) == "workday"
    assert calendar.kind(dt.date(2025, 10, 8)) == "holiday"     # National Day + Mid-Autumn 2025
    assert calendar.kind(dt.date(2026, 3, 3)) == "normal"
    assert calendar.knows(dt.date(2025, 1, 1)) and not calendar.knows(dt.date(2027, 1, 1))


def test_portable_conditions_and_the_postgresql_statement_select_the_same(session_factory):
    """`conditions()` (EXISTS, what bench/db.py explains) and `statement_for()` agree on any backend."""
    import sqlalchemy as sa

    from haina.db.models import ServicePoint
    from haina.directory.query import conditions, statement_for

    queries = [DirectoryQuery(language="en"), DirectoryQuery(category="pharmacy", when=at(2026, 12, 5, 1, 0)),
               DirectoryQuery(language="zh", when=TimeFilter(days=(dt.date(2026, 10, 10),)))]
    with session_factory() as session:
        dialect = session.get_bind().dialect.name
        for query in queries:
            portable = set(session.execute(sa.select(ServicePoint.ref).where(*conditions(query, CALENDAR))).scalars())
            native = {p.ref for p in session.execute(statement_for(query, CALENDAR, dialect)).scalars()}
            assert portable == native, query
        if dialect == "postgresql":
            compiled = str(statement_for(queries[1], CALENDAR, dialect).compile(dialect=session.get_bind().dialect))
            assert "LATERAL" in compiled
