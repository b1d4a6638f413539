"""Permit lookups for callers: every lookup is audited (who, when, which application, outcome, reason),
never with the passport number or date of birth; the chat's lockout and same-answer rules hold; the
log is append-only in the ORM and in the database (SQLite and PostgreSQL triggers)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from haina import db
from haina.db import migrate
from haina.db.models import StaffAuditEntry
from haina.permits import lookup
from haina.staff import audit
from haina.staff.accounts import create_account
from haina.staff.permit_lookup import look_up_for_caller
from tests.unit.test_staff_helpers import (  # noqa: F401
    DEMO, DEMO_BIRTH, DEMO_PASSPORT, PASSWORD, cheap_hashing, postgres_url, seeded_template, staff_db,
)

T0 = dt.datetime(2026, 12, 1, 8, 0)
REASON = "Caller on line 3 asked about the status"


def entries(url: str) -> list[StaffAuditEntry]:
    with db.session_scope(url) as session:
        return session.execute(sa.select(StaffAuditEntry).order_by(StaffAuditEntry.id)).scalars().all()


def every_cell(url: str) -> str:
    with db.session_scope(url) as session:
        rows = session.execute(sa.text("SELECT * FROM staff_audit")).all()
    return " ".join(str(cell) for row in rows for cell in row)


@pytest.fixture
def agent(staff_db):
    return create_account("alice", "agent", PASSWORD, url=staff_db)


def test_a_verified_lookup_tells_the_status_in_both_languages_and_is_audited(staff_db, agent):
    answer = look_up_for_caller(agent, "shwp 2026 004217", DEMO_PASSPORT, REASON, "zh", "en", url=staff_db, now=T0)
    assert answer.outcome == "found" and answer.number == DEMO
    assert "Under review" in answer.caller_text and DEMO in answer.caller_text
    assert "审核" in answer.text
    [entry] = entries(staff_db)
    assert (entry.username, entry.application_number, entry.method, entry.outcome, entry.reason) == (
        "alice", DEMO, "passport_number", "found", REASON)
    assert entry.created_at == T0 and entry.account_id == agent.id


def test_wrong_verification_and_unknown_number_give_the_same_answer(staff_db, agent):
    wrong = look_up_for_caller(agent, DEMO, "E00000000", REASON, "en", "de", url=staff_db, now=T0)
    unknown = look_up_for_caller(agent, "SHWP-2026-999999", DEMO_PASSPORT, REASON, "en", "de", url=staff_db, now=T0)
    assert wrong.outcome == unknown.outcome == "not_verified"
    assert wrong.text == unknown.text and wrong.caller_text == unknown.caller_text
    assert [e.outcome for e in entries(staff_db)] == ["not_verified", "not_verified"]


def test_the_chat_lockout_applies_and_locked_lookups_are_audited(staff_db, agent):
    for minute in range(5):
        look_up_for_caller(agent, DEMO, "1970-01-01", REASON, "en", "en", url=staff_db,
                           now=T0 + dt.timedelta(minutes=minute))
    locked = look_up_for_caller(agent, DEMO, DEMO_BIRTH, REASON, "en", "en", url=staff_db,
                                now=T0 + dt.timedelta(minutes=10))
    assert locked.outcome == "locked" and "try again" in locked.text
    # the number's lock is the chat's too: a chat conversation is refused for this number as well
    assert lookup.check_lock("some-chat-user", DEMO, url=staff_db, now=T0 + dt.timedelta(minutes=10)) is not None
    assert [e.outcome for e in entries(staff_db)] == ["not_verified"] * 5 + ["locked"]
    later = look_up_for_caller(agent, DEMO, DEMO_BIRTH, REASON, "en", "en", url=staff_db,
                               now=T0 + dt.timedelta(hours=1, minutes=10))
    assert later.outcome == "found"


def test_malformed_entries_are_audited_without_a_lookup(staff_db, agent):
    bad_number = look_up_for_caller(agent, "12345", DEMO_PASSPORT, REASON, "en", "fr", url=staff_db, now=T0)
    no_verification = look_up_for_caller(agent, DEMO, "no idea", REASON, "en", "fr", url=staff_db, now=T0)
    assert bad_number.outcome == no_verification.outcome == "invalid"
    assert "SHWP-2026-004217" in bad_number.text and "passeport" in no_verification.caller_text
    assert [(e.application_number, e.outcome) for e in entries(staff_db)] == [(None, "invalid"), (DEMO, "invalid")]
    missing_reason = look_up_for_caller(agent, DEMO, DEMO_PASSPORT, "  ", "en", "en", url=staff_db, now=T0)
    assert missing_reason.problem == "staff.permit.reason_missing" and len(entries(staff_db)) == 2


def test_the_log_never_holds_a_passport_number_or_a_date_of_birth(staff_db, agent):
    look_up_for_caller(agent, DEMO, DEMO_PASSPORT, f"caller gave {DEMO_PASSPORT}, born 14.03.1988", "en", "en",
                       url=staff_db, now=T0)
    look_up_for_caller(agent, DEMO, "14.03.1988", "caller born 1988年3月14日 asked", "en", "en", url=staff_db, now=T0)
    cells = every_cell(staff_db)
    for secret in (DEMO_PASSPORT, "14.03.1988", "1988-03-14", "1988年3月14日"):
        assert secret not in cells
    assert [e.reason for e in entries(staff_db)] == ["caller gave [passport], born [date]", "caller born [date] asked"]


def test_entries_cannot_be_changed_or_deleted_through_the_orm(staff_db, agent):
    look_up_for_caller(agent, DEMO, DEMO_PASSPORT, REASON, "en", "en", url=staff_db, now=T0)
    with pytest.raises(audit.AppendOnlyError):
        with db.session_scope(staff_db) as session:
            session.execute(sa.select(StaffAuditEntry)).scalar_one().reason = "nothing happened"
    with pytest.raises(audit.AppendOnlyError):
        with db.session_scope(staff_db) as session:
            session.delete(session.execute(sa.select(StaffAuditEntry)).scalar_one())
    assert [e.reason for e in entries(staff_db)] == [REASON]


def _raw_changes_are_refused(url: str) -> None:
    for statement in ("UPDATE staff_audit SET reason = 'edited'", "DELETE FROM staff_audit"):
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine(url).begin() as connection:
                connection.execute(sa.text(statement))
    assert [e.reason for e in entries(url)] == [REASON]


def test_the_database_refuses_updates_and_deletes_on_sqlite(staff_db, agent):
    look_up_for_caller(agent, DEMO, DEMO_PASSPORT, REASON, "en", "en", url=staff_db, now=T0)
    _raw_changes_are_refused(staff_db)


def test_the_database_refuses_updates_deletes_and_truncate_on_postgresql(postgres_url, monkeypatch):
    from haina.db import ready

    ready._DONE.clear()
    monkeypatch.setenv("HAINA_PASSPORT_SALT", "staff-test-salt")
    migrate.upgrade(postgres_url)
    try:
        staff = create_account("pat", "supervisor", PASSWORD, url=postgres_url)
        with db.session_scope(postgres_url) as session:
            audit.record(session, staff, DEMO, "passport_number", "found", REASON, T0)
        _raw_changes_are_refused(postgres_url)
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine(postgres_url).begin() as connection:
                connection.execute(sa.text("TRUNCATE staff_audit"))
    finally:
        migrate.downgrade(postgres_url, "base")


def test_the_csv_export_is_safe_in_a_spreadsheet(staff_db, agent):
    with db.session_scope(staff_db) as session:
        audit.record(session, agent, DEMO, None, "invalid", "=HYPERLINK(\"http://x\")", T0)
    text = audit.csv_text(audit.iter_entries(url=staff_db))
    assert text.splitlines()[1].endswith(',"\'=HYPERLINK(""http://x"")"')
    assert ',"=HYPERLINK' not in text


def test_the_filter_finds_entries_by_person_number_outcome_and_day(staff_db, agent):
    other = create_account("bob", "supervisor", PASSWORD, url=staff_db)
    look_up_for_caller(agent, DEMO, DEMO_PASSPORT, REASON, "en", "en", url=staff_db, now=T0)
    look_up_for_caller(other, "SHRP-2026-000381", "E00000000", REASON, "en", "en", url=staff_db,
                       now=T0 + dt.timedelta(days=1))
    assert audit.entries(audit.AuditFilter(username="BOB"), url=staff_db)[1] == 1
    assert audit.entries(audit.AuditFilter(application_number=DEMO), url=staff_db)[0][0].username == "alice"
    assert audit.entries(audit.AuditFilter(outcome="not_verified"), url=staff_db)[1] == 1
    assert audit.entries(audit.AuditFilter(since=dt.date(2026, 12, 2)), url=staff_db)[1] == 1
    assert audit.entries(audit.AuditFilter(until=dt.date(2026, 12, 1)), url=staff_db)[1] == 1
