"""Staff accounts and `haina staff`: argon2id hashes, minimum length, no duplicates, disabling ends
sessions, and the password comes from standard input (twice without echo at a terminal)."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

from haina import db, paths
from haina.db.models import StaffAccount
from haina.staff import accounts, sessions
from haina.staff.accounts import AccountError
from tests.unit.test_staff_helpers import PASSWORD, cheap_hashing, seeded_template, staff_db  # noqa: F401


def stored_hash(url: str, name: str) -> str:
    with db.session_scope(url) as session:
        return session.execute(sa.select(StaffAccount.password_hash).where(StaffAccount.username == name)).scalar_one()


def test_passwords_are_stored_as_argon2id_hashes_only(staff_db):
    staff = accounts.create_account("Alice", "agent", PASSWORD, url=staff_db)
    assert staff.username == "alice" and staff.role == "agent"
    hashed = stored_hash(staff_db, "alice")
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert accounts.verify_password("ALICE ", PASSWORD, url=staff_db).username == "alice"
    assert accounts.verify_password("alice", PASSWORD + "x", url=staff_db) is None
    assert accounts.verify_password("nobody", PASSWORD, url=staff_db) is None


@pytest.mark.parametrize("name, role, password, key", [
    ("alice", "agent", "short", "staff.cli.password_short"),
    ("alice", "agent", "x" * 300, "staff.cli.password_long"),
    ("alice", "admin", PASSWORD, "staff.cli.bad_role"),
    ("a", "agent", PASSWORD, "staff.cli.bad_name"),
    ("alice smith", "agent", PASSWORD, "staff.cli.bad_name"),
])
def test_bad_accounts_are_refused_with_a_clear_reason(staff_db, name, role, password, key):
    with pytest.raises(AccountError) as refused:
        accounts.create_account(name, role, password, url=staff_db)
    assert refused.value.key == key
    assert accounts.list_accounts(url=staff_db) == []


def test_a_name_is_taken_once(staff_db):
    accounts.create_account("alice", "agent", PASSWORD, url=staff_db)
    with pytest.raises(AccountError) as refused:
        accounts.create_account("ALICE", "editor", PASSWORD, url=staff_db)
    assert refused.value.key == "staff.cli.exists"


def test_disabling_ends_the_sessions_and_stops_sign_in(staff_db):
    staff = accounts.create_account("alice", "agent", PASSWORD, url=staff_db)
    token, _ = sessions.start(staff.id, url=staff_db)
    assert sessions.resume(token, url=staff_db) is not None
    accounts.disable_account("alice", url=staff_db)
    assert sessions.resume(token, url=staff_db) is None
    assert accounts.verify_password("alice", PASSWORD, url=staff_db) is None
    listed = accounts.list_accounts(url=staff_db)
    assert [(s.username, s.active) for s, _, _ in listed] == [("alice", False)]


def test_a_new_password_ends_the_old_sessions(staff_db):
    staff = accounts.create_account("alice", "agent", PASSWORD, url=staff_db)
    token, _ = sessions.start(staff.id, url=staff_db)
    accounts.set_password("alice", "another long password", url=staff_db)
    assert sessions.resume(token, url=staff_db) is None
    assert accounts.verify_password("alice", "another long password", url=staff_db) is not None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_password_is_asked_twice_without_echo():
    from haina.commands.staff import read_password

    asked = []
    answers = iter([PASSWORD, PASSWORD])
    assert read_password("en", Terminal(), prompt=lambda text: asked.append(text) or next(answers)) == PASSWORD
    assert asked == ["New password (at least 12 characters): ", "The same password again: "]
    differing = iter([PASSWORD, "something else entirely"])
    assert read_password("en", Terminal(), prompt=lambda text: next(differing)) is None


def test_from_a_pipe_the_first_line_is_the_password():
    from haina.commands.staff import read_password

    assert read_password("en", io.StringIO(PASSWORD + "\r\nignored\n")) == PASSWORD
    assert read_password("en", io.StringIO("")) is None


def run_haina(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "haina.cli", "staff", *args, "--database", url, "--language", "en"]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=paths.ROOT, timeout=120,
                          env={**__import__("os").environ, "HAINA_DATABASE_URL": url})


def test_haina_staff_add_list_disable(staff_db):
    added = run_haina(staff_db, "add", "carol", "--role", "supervisor", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "Account carol created (supervisor)." in added.stdout
    assert PASSWORD not in added.stdout + added.stderr
    assert accounts.verify_password("carol", PASSWORD, url=staff_db).role == "supervisor"

    short = run_haina(staff_db, "add", "dave", "--role", "agent", stdin="tooshort\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    nothing = run_haina(staff_db, "add", "dave", "--role", "agent", stdin="")
    assert nothing.returncode == 2 and "No password was given on standard input" in nothing.stderr
    bad_role = run_haina(staff_db, "add", "dave", "--role", "boss", stdin=PASSWORD + "\n")
    assert bad_role.returncode == 2 and "agent, supervisor, editor" in bad_role.stderr
    twice = run_haina(staff_db, "add", "carol", "--role", "agent", stdin=PASSWORD + "\n")
    assert twice.returncode == 1 and "already an account named carol" in twice.stderr

    listed = run_haina(staff_db, "list")
    assert listed.returncode == 0  # verify_password above was a sign-in
    assert re.fullmatch(r"carol\tsupervisor\tactive\tlast sign-in: \d{4}-\d\d-\d\d \d\d:\d\d UTC\n", listed.stdout)
    disabled = run_haina(staff_db, "disable", "carol")
    assert disabled.returncode == 0 and "disabled" in disabled.stdout
    assert "carol\tsupervisor\tdisabled" in run_haina(staff_db, "list").stdout
    unknown = run_haina(staff_db, "disable", "nobody")
    assert unknown.returncode == 1 and "no account named nobody" in unknown.stderr


def test_there_is_no_default_account(staff_db):
    assert accounts.list_accounts(url=staff_db) == []
    assert "no accounts yet" in run_haina(staff_db, "list").stdout
