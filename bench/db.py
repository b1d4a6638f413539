"""Status lookups and directory queries on PostgreSQL with 1,000,000 applications and 100,000 service points.

A throwaway database (haina.db.throwaway) is migrated with the real Alembic scripts and filled with
COPY; then the real code paths are timed one call at a time: haina.permits.lookup.look_up (lock
checks, the application, the attempt written, the history on success) and haina.directory.query.search
(category, district, language, open at a time, nearest), each call in its own session. Target: p95
under 20 ms per query, from the indexes of the migration (EXPLAIN plans are kept in the raw JSON).
Results: bench/results.md (section db) and bench/out/db-*.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import time
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from bench import report
from bench.stats import percentile

TARGET_MS = 20.0
CENTRE = (31.2304, 121.4737)
LANGS_SPOKEN = ("en", "ja", "ko", "fr", "de", "es", "ru")
BIRTH = dt.date(1960, 1, 1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db-applications", type=int, default=1_000_000, help="applications to generate")
    parser.add_argument("--db-points", type=int, default=100_000, help="service points to generate")
    parser.add_argument("--db-samples", type=int, default=1000, help="timed calls per query kind")
    parser.add_argument("--db-seed", type=int, default=11, help="seed of the generated data and queries")


# --- generating the data ----------------------------------------------------------------------

def _copy(connection, table: str, columns: tuple[str, ...], rows: Iterator[tuple], chunk: int = 200_000) -> int:  # type: ignore[no-untyped-def]
    """COPY rows into a table in chunks (psycopg2's copy_expert on the raw connection)."""
    cursor = connection.cursor()
    total = 0
    while True:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        n = 0
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
            if n >= chunk:
                break
        if not n:
            break
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)
        total += n
        if n < chunk:
            break
    cursor.close()
    return total


def application_number(i: int) -> str:
    return f"SH{'RP' if i % 7 == 0 else 'WP'}-{2020 + i // 200_000}-{i % 200_000 + 1:06d}"


def passport_of(i: int) -> str:
    return f"B{i:08d}"


def birth_of(i: int) -> dt.date:
    return BIRTH + dt.timedelta(days=(i * 7919) % 15_000)


def fill_applications(connection, count: int, rng: random.Random) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from haina import privacy
    from haina.db.models import STATUSES

    now = dt.datetime(2026, 12, 1)
    flows = [STATUSES[:k] for k in range(1, 8)] + [("submitted", "under_review", "rejected")]
    plans = [flows[rng.randrange(len(flows))] for _ in range(256)]

    def applications() -> Iterator[tuple]:
        for i in range(count):
            plan = plans[i % 256]
            submitted = dt.date(2020 + i // 200_000, 1, 1) + dt.timedelta(days=i % 300)
            kind = "residence_permit" if i % 7 == 0 else ("work_permit_new", "work_permit_renewal", "work_permit_change")[i % 3]
            yield (i + 1, application_number(i), kind, None if kind == "residence_permit" else "ABC"[i % 3],
                   privacy.passport_hash(passport_of(i)), passport_of(i)[-4:], birth_of(i), "DE", f"Bench employer {i % 5000}",
                   submitted, plan[-1], submitted + dt.timedelta(days=3 * (len(plan) - 1)), True, now, now)

    def history() -> Iterator[tuple]:
        row_id = 0
        for i in range(count):
            plan = plans[i % 256]
            submitted = dt.date(2020 + i // 200_000, 1, 1) + dt.timedelta(days=i % 300)
            for position, status in enumerate(plan):
                row_id += 1
                documents = json.dumps(["criminal_record"]) if status == "documents_needed" else None
                reason = "criteria_not_met" if status == "rejected" else None
                yield row_id, i + 1, position, status, submitted + dt.timedelta(days=3 * position), documents, reason

    apps = _copy(connection, "permit_applications",
                 ("id", "application_number", "type", "category", "passport_hash", "passport_last4", "date_of_birth",
                  "nationality", "employer", "submitted", "status", "status_date", "demo", "created_at", "updated_at"),
                 applications())
    steps = _copy(connection, "permit_status_history",
                  ("id", "application_id", "position", "status", "date", "documents", "reason"), history())

    def attempts() -> Iterator[tuple]:  # a busy history: 200,000 earlier verifications over two days
        from haina.permits import lockout

        for n in range(200_000):
            yield (n + 1, now - dt.timedelta(seconds=rng.randrange(2 * 86400)), f"{rng.getrandbits(64):016x}",
                   lockout.number_key(application_number(rng.randrange(count))), "passport_number",
                   "failure" if n % 4 == 0 else "success")

    tried = _copy(connection, "permit_verification_attempts",
                  ("id", "created_at", "sender_hash", "number_hash", "method", "outcome"), attempts())
    return {"applications": apps, "history_rows": steps, "verification_attempts": tried}


def fill_service_points(connection, count: int, rng: random.Random) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from haina.db.models import DISTRICTS, SERVICE_CATEGORIES
    from haina.languages import LANGUAGES

    now = dt.datetime(2026, 12, 1)
    weekday_hours = [(d, 480, 1020) for d in range(5)]
    patterns = [
        weekday_hours,
        weekday_hours + [(5, 540, 720)],
        [(d, 480, 690) for d in range(5)] + [(d, 780, 1020) for d in range(5)],
        [(d, 0, 1440) for d in range(7)],                                   # 24 h
        [(d, 1200, 1560) for d in range(7)],                                # 20:00-02:00, past midnight
        [(d, 540, 1260) for d in range(7)],
    ]
    plan = [(SERVICE_CATEGORIES[rng.randrange(12)], DISTRICTS[rng.randrange(16)],
             min(31.85, max(30.7, rng.gauss(CENTRE[0], 0.12))), min(122.1, max(120.9, rng.gauss(CENTRE[1], 0.15))),
             rng.randrange(len(patterns)), ["zh"] + rng.sample(LANGS_SPOKEN, rng.randrange(0, 3)))
            for _ in range(count)]

    points = _copy(connection, "service_points",
                   ("id", "ref", "category", "district", "lat", "lon", "phone", "website", "hours_known", "always_open",
                    "holidays", "unverified", "source", "demo", "created_at", "updated_at"),
                   ((i + 1, f"sp-bench-{i}", c, d, round(lat, 6), round(lon, 6), "+86 21 0000 0000", None, True, p == 3,
                     ("closed", "open", "unknown")[i % 3], "[]", None, True, now, now)
                    for i, (c, d, lat, lon, p, _) in enumerate(plan)))
    texts = _copy(connection, "service_point_texts", ("service_point_id", "field", "language", "text"),
                  ((i + 1, field, lang, f"Bench {field} {i} {lang}") for i in range(count)
                   for field in ("name", "address") for lang in LANGUAGES))
    spoken = _copy(connection, "service_point_languages", ("service_point_id", "language", "position"),
                   ((i + 1, lang, n) for i, (*_, langs) in enumerate(plan) for n, lang in enumerate(langs)))
    counter = iter(range(1, 10**9))
    hours = _copy(connection, "service_point_hours", ("id", "service_point_id", "weekday", "opens", "closes"),
                  ((next(counter), i + 1, d, o, c) for i, (*_, p, _) in enumerate(plan) for d, o, c in patterns[p]))
    closures = _copy(connection, "service_point_closures", ("service_point_id", "date"),
                     ((i + 1, dt.date(2026, 12, 1) + dt.timedelta(days=i % 30)) for i in range(0, count, 10)))
    return {"service_points": points, "texts": texts, "languages": spoken, "hours": hours, "closures": closures}


def _reset_sequences(connection) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    for table in ("permit_applications", "permit_status_history", "permit_verification_attempts", "service_points",
                  "service_point_hours"):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    connection.commit()
    cursor.close()


def _vacuum(url: str) -> None:
    """A database in service has been vacuumed and analysed; right after COPY it has not."""
    from haina.db import engine

    with engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


# --- measuring --------------------------------------------------------------------------------

def timed(calls: list[Callable[[], object]]) -> list[float]:
    latencies = []
    for call in calls:
        started = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def summary(latencies: list[float]) -> dict[str, float | int | None]:
    return {"n": len(latencies), "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99), "max_ms": max(latencies) if latencies else None}


def status_calls(url: str, count: int, samples: int, rng: random.Random) -> dict[str, list[Callable[[], object]]]:
    from haina.permits import lookup
    from haina.permits.identifiers import DATE_OF_BIRTH, PASSPORT_NUMBER, Verification

    def call(number: str, verification: Verification, expected: str) -> Callable[[], object]:
        sender = f"bench-{rng.getrandbits(48):x}"

        def run() -> None:
            outcome = lookup.look_up(number, verification, sender, url=url).outcome
            if outcome != expected:
                raise AssertionError(f"{number}: {outcome}, expected {expected}")
        return run

    kinds: dict[str, list[Callable[[], object]]] = {"right passport": [], "right date of birth": [],
                                                     "wrong passport": [], "unknown number": []}
    for _ in range(samples):
        i = rng.randrange(count)
        kinds["right passport"].append(call(application_number(i), Verification(PASSPORT_NUMBER, (passport_of(i),)), lookup.FOUND))
        j = rng.randrange(count)
        kinds["right date of birth"].append(
            call(application_number(j), Verification(DATE_OF_BIRTH, (birth_of(j).isoformat(),)), lookup.FOUND))
        k = rng.randrange(count)
        kinds["wrong passport"].append(call(application_number(k), Verification(PASSPORT_NUMBER, ("Z99999999",)), lookup.NOT_VERIFIED))
        kinds["unknown number"].append(call(f"SHWP-2019-{rng.randrange(1, 999_999):06d}",
                                            Verification(PASSPORT_NUMBER, (passport_of(k),)), lookup.NOT_VERIFIED))
    return kinds


def directory_calls(url: str, samples: int, rng: random.Random) -> dict[str, list[Callable[[], object]]]:
    from haina.db import session_scope
    from haina.db.models import DISTRICTS, SERVICE_CATEGORIES
    from haina.directory.calendar import load_calendar
    from haina.directory.query import DirectoryQuery, search
    from haina.directory.when import SHANGHAI, TimeFilter

    calendar = load_calendar()

    def call(query: DirectoryQuery) -> Callable[[], object]:
        def run() -> None:
            with session_scope(url) as session:
                page = search(session, query, calendar)
                for result in page.results:  # what rendering reads
                    result.point.text("name", "en"), result.point.spoken, result.point.hours
        return run

    def moment() -> dt.datetime:
        day = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randrange(60))
        return dt.datetime.combine(day, dt.time(rng.randrange(24), rng.choice((0, 30))), tzinfo=SHANGHAI)

    def near() -> tuple[float, float]:
        return (round(rng.gauss(CENTRE[0], 0.1), 5), round(rng.gauss(CENTRE[1], 0.12), 5))

    kinds: dict[str, list[Callable[[], object]]] = {k: [] for k in (
        "category + district", "category + language", "category + district + open at", "category + nearest",
        "category + language + open at + nearest", "show more (page 3)")}
    for _ in range(samples):
        category, district = rng.choice(SERVICE_CATEGORIES), rng.choice(DISTRICTS)
        language = rng.choice(LANGS_SPOKEN)
        kinds["category + district"].append(call(DirectoryQuery(category=category, district=district)))
        kinds["category + language"].append(call(DirectoryQuery(category=category, language=language)))
        kinds["category + district + open at"].append(
            call(DirectoryQuery(category=category, district=district, when=TimeFilter(at=moment()))))
        kinds["category + nearest"].append(call(DirectoryQuery(category=category, near=near())))
        kinds["category + language + open at + nearest"].append(
            call(DirectoryQuery(category=category, language=language, when=TimeFilter(at=moment()), near=near())))
        kinds["show more (page 3)"].append(call(DirectoryQuery(category=category, district=district, offset=6)))
    return kinds


def plans(url: str) -> dict[str, str]:
    """EXPLAIN ANALYZE of the statements behind one lookup and two directory pages, as search() runs them."""
    from haina.db import engine
    from haina.db.models import Application, ServicePoint, VerificationAttempt
    from haina.directory.calendar import load_calendar
    from haina.directory.query import DirectoryQuery, statement_for
    from haina.directory.when import SHANGHAI, TimeFilter

    now = dt.datetime(2026, 12, 1, 12)
    moment = dt.datetime(2026, 12, 2, 10, 30, tzinfo=SHANGHAI)
    calendar = load_calendar()
    open_hospital = DirectoryQuery(category="hospital", district="pudong", language="en", when=TimeFilter(at=moment))
    lat, lon, radius_deg = 31.23, 121.47, 5 / 111.2  # a 5 km box, as search() draws it
    statements = {
        "application by number": sa.select(Application.id).where(Application.application_number == application_number(4242)),
        "lockout (conversation and number)": sa.select(VerificationAttempt.created_at).where(
            sa.or_(VerificationAttempt.sender_hash == "0" * 16, VerificationAttempt.number_hash == "0" * 64),
            VerificationAttempt.outcome == "failure", VerificationAttempt.created_at > now - dt.timedelta(hours=2))
            .order_by(VerificationAttempt.created_at),
        "directory: hospital in pudong, English, open at 10:30": statement_for(open_hospital, calendar, "postgresql")
            .order_by(ServicePoint.id).limit(4),
        "directory: nearest pharmacy (5 km box)": statement_for(DirectoryQuery(category="pharmacy"), calendar, "postgresql")
            .with_only_columns(ServicePoint.id)
            .where(ServicePoint.lat.between(lat - radius_deg, lat + radius_deg),
                   ServicePoint.lon.between(lon - radius_deg * 1.17, lon + radius_deg * 1.17))
            .order_by((ServicePoint.lat - lat) * (ServicePoint.lat - lat) + (ServicePoint.lon - lon) * (ServicePoint.lon - lon))
            .limit(4),
    }
    found = {}
    with engine(url).connect() as connection:
        for name, statement in statements.items():
            compiled = statement.compile(dialect=connection.dialect)
            found[name] = "\n".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN ANALYZE {compiled}", compiled.params))
    return found


def indexes_used(plan: str) -> list[str]:
    import re

    return sorted(set(re.findall(r"(?:Index(?: Only)? Scan|Bitmap Index Scan) (?:Backward )?(?:using |on )(\w+)", plan)))


# --- the report -------------------------------------------------------------------------------

def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def section(data: dict) -> str:
    lines = [
        "## Database: status lookups and directory queries on PostgreSQL (`python -m bench db`)",
        "",
        f"Measured {report.machine_line(data['machine'])}; PostgreSQL {data['postgres']}.",
        f"A throwaway database migrated with the Alembic scripts and filled by COPY with {data['rows']['applications']:,} "
        f"applications ({data['rows']['history_rows']:,} history rows, {data['rows']['verification_attempts']:,} earlier "
        f"verification attempts) and {data['rows']['service_points']:,} service points ({data['rows']['texts']:,} texts, "
        f"{data['rows']['hours']:,} opening intervals) in {data['load_s']:.0f} s. Each call runs alone, in its own "
        f"session, through the real code: `haina.permits.lookup.look_up` (lock checks for the conversation and the "
        f"number, the application, the attempt written and committed (without waiting for the WAL flush), the history "
        f"when verified) and "
        f"`{data['directory_function']}` (the page of {data['page_size']} plus the texts, languages and hours it shows). "
        f"{data['samples']} calls per kind after {data['warmup']} warm-up calls; seed {data['seed']}.",
        "",
        "| query | calls | p50 ms | p95 ms | p99 ms | max ms | p95 < 20 ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for group in ("status", "directory"):
        for name, s in data[group].items():
            ok = "**yes**" if s["p95_ms"] is not None and s["p95_ms"] < TARGET_MS else "**no**"
            lines.append(f"| {group}: {name} | {s['n']} | {_fmt(s['p50_ms'])} | {_fmt(s['p95_ms'])} | {_fmt(s['p99_ms'])} "
                         f"| {_fmt(s['max_ms'])} | {ok} |")
    lines += ["", "Indexes the plans use (EXPLAIN ANALYZE, full plans in the raw JSON):", ""]
    for name, used in data["indexes"].items():
        lines.append(f"- {name}: {', '.join(f'`{u}`' for u in used) or 'sequential scan'}")
    lines += ["", "Every lookup of a real number with the right passport or date of birth was found, and every wrong "
              "passport or unknown number got the same `not_verified` outcome (the benchmark fails otherwise). The "
              "benchmark and PostgreSQL share the machine's cores with whatever else runs: the 1-minute load average was "
              f"{data['load_average'][0]} when the timed calls began and {data['load_average'][1]} when they ended "
              f"(on {data['machine']['cores']} cores)."]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from haina.db import dispose, migrate, throwaway

    reason = throwaway.unreachable_reason()
    if reason:
        print(f"bench db: {reason}; nothing measured")
        return 1
    rng = random.Random(args.db_seed)
    samples = args.db_samples
    with throwaway.temporary_database("haina_bench") as url:
        migrate.upgrade(url)
        from haina.db import engine

        started = time.perf_counter()
        raw = engine(url).raw_connection()
        try:
            rows = fill_applications(raw, args.db_applications, rng)
            print(f"applications loaded in {time.perf_counter() - started:.0f} s", flush=True)
            rows |= fill_service_points(raw, args.db_points, rng)
            raw.commit()
            _reset_sequences(raw)
        finally:
            raw.close()
        _vacuum(url)
        load_s = time.perf_counter() - started
        print(f"data loaded in {load_s:.0f} s: {rows}", flush=True)
        from haina.db import ready

        ready._DONE.add(f"{url}|{ready.SEED}")  # migrated, and the generated data stands in for the seed
        with engine(url).connect() as connection:
            postgres = connection.execute(sa.text("SHOW server_version")).scalar()

        warmup = 50
        load_before = os.getloadavg()[0]
        status = status_calls(url, args.db_applications, samples + warmup, rng)
        directory = directory_calls(url, samples + warmup, rng)
        results: dict[str, dict] = {"status": {}, "directory": {}}
        for group, kinds in (("status", status), ("directory", directory)):
            for name, calls in kinds.items():
                timed(calls[:warmup])
                results[group][name] = summary(timed(calls[warmup:]))
                print(f"{group}: {name}: {results[group][name]}", flush=True)
        load_after = os.getloadavg()[0]
        found_plans = plans(url)
        dispose(url)
    data = {
        "machine": report.machine(), "postgres": postgres, "rows": rows, "load_s": round(load_s, 1),
        "samples": samples, "warmup": warmup, "seed": args.db_seed, "page_size": 3,
        "load_average": [round(load_before, 1), round(load_after, 1)],
        "directory_function": "haina.directory.query.search",
        **results, "plans": found_plans, "indexes": {k: indexes_used(v) for k, v in found_plans.items()},
    }
    report.write_json("db", data)
    report.write_section("db", section(data))
    worst = max(s["p95_ms"] for group in ("status", "directory") for s in data[group].values())
    print(f"worst p95: {worst:.1f} ms (target {TARGET_MS:.0f} ms)")
    return 0 if worst < TARGET_MS else 1
