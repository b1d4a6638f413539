"""The application database: migrations up and down on SQLite and PostgreSQL, the schema the
migrations build equals the models, ensure_ready is idempotent, and the hours query handles midnight."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from haina import db
from haina.db import migrate, throwaway
from haina.db.models import OpeningInterval, ServicePoint, metadata
from haina.db.ready import ensure_ready, seed_files

OURS = {"permit_applications", "permit_status_history", "permit_verification_attempts", "service_points",
        "service_point_texts", "service_point_languages", "service_point_hours", "service_point_closures",
        "feedback", "question_log", "seed_files"}
TABLES = set(metadata.tables)  # every model's table, whichever capability added it


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL database for this test session (CI must have one: fail there, skip elsewhere)."""
    reason = throwaway.unreachable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with throwaway.temporary_database("haina_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    from haina.db import ready

    ready._DONE.clear()
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'haina.db'}"
        db.dispose(f"sqlite:///{tmp_path / 'haina.db'}")
    else:
        pg = request.getfixturevalue("postgres_url")
        yield pg
        migrate.downgrade(pg, "base")


def tables(url: str) -> set[str]:
    return set(sa.inspect(db.engine(url)).get_table_names()) - {"alembic_version"}


def test_database_url_follows_the_environment(monkeypatch):
    monkeypatch.delenv("HAINA_DATABASE_URL", raising=False)
    assert db.database_url().startswith("sqlite:///") and db.database_url().endswith("/var/haina.db")
    monkeypatch.setenv("HAINA_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1/haina")
    assert db.database_url() == "postgresql+psycopg2://postgres@127.0.0.1/haina"


def test_migrations_up_and_down(url):
    assert OURS <= TABLES
    assert migrate.current(url) is None
    migrate.upgrade(url)
    assert migrate.current(url) == migrate.head()
    assert tables(url) == TABLES
    migrate.downgrade(url, "base")
    assert migrate.current(url) is None
    assert tables(url) == set()
    migrate.upgrade(url)  # and up again after a full downgrade
    assert tables(url) == TABLES


def test_migrated_schema_matches_the_models(url):
    migrate.upgrade(url)
    with db.engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_ensure_ready_seeds_once_and_is_quick_after(url):
    assert ensure_ready(url) == []
    with db.session_scope(url) as session:
        counts = {t: session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in
                  ("permit_applications", "service_points", "seed_files")}
    assert counts["permit_applications"] == 50
    assert counts["service_points"] >= 200
    assert counts["seed_files"] == len(seed_files())
    from haina.db import ready

    ready._DONE.clear()  # a new process: it must find everything done and change nothing
    with db.session_scope(url) as session:
        before = session.execute(sa.text("SELECT max(updated_at) FROM service_points")).scalar()
    assert ensure_ready(url) == []
    with db.session_scope(url) as session:
        assert session.execute(sa.text("SELECT max(updated_at) FROM service_points")).scalar() == before


def _point(session, ref: str, hours: list[tuple[int, int, int]]) -> None:
    session.add(ServicePoint(ref=ref, category="pharmacy", district="xuhui", lat=31.2, lon=121.44, holidays="open",
                             hours_known=True, unverified=[], hours=[OpeningInterval(weekday=d, opens=o, closes=c)
                                                                     for d, o, c in hours]))


def test_open_at_handles_intervals_past_midnight(url):
    migrate.upgrade(url)
    with db.session_scope(url) as session:
        _point(session, "late", [(4, 22 * 60, 26 * 60)])          # Friday 22:00 - Saturday 02:00
        _point(session, "day", [(5, 9 * 60, 17 * 60)])            # Saturday 09:00-17:00
        _point(session, "sunday-night", [(6, 20 * 60, 24 * 60 + 30)])  # Sunday 20:00 - Monday 00:30

    def open_refs(weekday: int, minute: int) -> set[str]:
        with db.session_scope(url) as session:
            return set(session.execute(sa.select(ServicePoint.ref).where(OpeningInterval.open_at(weekday, minute))).scalars())

    assert open_refs(4, 23 * 60) == {"late"}
    assert open_refs(5, 60) == {"late"}           # Saturday 01:00: still Friday's night
    assert open_refs(5, 2 * 60) == set()          # closes at 02:00 sharp
    assert open_refs(5, 10 * 60) == {"day"}
    assert open_refs(0, 15) == {"sunday-night"}   # Monday 00:15 wraps from Sunday
    assert open_refs(0, 45) == set()


def test_directory_pages_and_hours_use_the_indexes_on_postgresql(postgres_url):
    import random

    from bench.db import fill_service_points

    migrate.upgrade(postgres_url)
    try:
        raw = db.engine(postgres_url).raw_connection()
        try:
            fill_service_points(raw, 20_000, random.Random(1))
            raw.cursor().execute("ANALYZE")
            raw.commit()
        finally:
            raw.close()
        page = (sa.select(ServicePoint.id).where(ServicePoint.category == "hospital", ServicePoint.district == "pudong",
                                                 OpeningInterval.open_at(2, 600))
                .order_by(ServicePoint.id).limit(4))
        box = (sa.select(ServicePoint.id).where(ServicePoint.category == "pharmacy", ServicePoint.lat.between(31.22, 31.24),
                                                ServicePoint.lon.between(121.46, 121.48)))
        plans = []
        with db.engine(postgres_url).connect() as connection:
            for statement in (page, box):
                compiled = statement.compile(dialect=connection.dialect)
                plans.append("\n".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)))
        assert "ix_service_points_category_district_id" in plans[0], plans[0]
        assert "ix_service_point_hours_point_weekday" in plans[0], plans[0]
        assert "ix_service_points_category_lat_lon_id" in plans[1], plans[1]
    finally:
        migrate.downgrade(postgres_url, "base")


def test_naive_utc_timestamps():
    from haina.db.models import utcnow

    now = utcnow()
    assert now.tzinfo is None
    assert abs((dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - now).total_seconds()) < 5
