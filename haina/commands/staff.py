"""`haina staff add NAME --role ROLE` / `haina staff list` / `haina staff disable NAME` / `haina staff password NAME`:
the staff console's accounts (haina.staff.accounts). Passwords are read from standard input, never from
the command line (it would stay in the shell's history and in `ps`): typed twice without echo at a
terminal, or the first line of a pipe (`haina staff add alice --role agent < secret.txt`).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import IO, Callable


def _language(args: argparse.Namespace) -> str:
    """The language of the messages; also quiets the migration log (it is about the schema, not the account)."""
    import logging

    from haina.languages import DEFAULT_LANGUAGE, normalise

    logging.getLogger("alembic").setLevel(logging.WARNING)

    return normalise(args.language) or normalise(os.environ.get("LANG")) or DEFAULT_LANGUAGE


def read_password(language: str, stdin: IO[str] | None = None, prompt: Callable[[str], str] = getpass.getpass,
                  confirm: bool = True) -> str | None:
    """The new password: twice without echo at a terminal, else the first line of standard input.

    Returns None when the two typed passwords differ or nothing was given.
    """
    from haina import i18n

    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = prompt(i18n.t("staff.cli.password_prompt", language))
        if confirm and prompt(i18n.t("staff.cli.password_again", language)) != first:
            print(i18n.t("staff.cli.password_mismatch", language), file=sys.stderr)
            return None
        return first
    line = stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    return password.rstrip("\r") or None


def cmd_add(args: argparse.Namespace) -> int:
    from haina import i18n
    from haina.staff.accounts import AccountError, check_username, create_account
    from haina.db.models import ROLES

    language = _language(args)
    try:
        name = check_username(args.name)
        if args.role not in ROLES:
            raise AccountError("staff.cli.bad_role", roles=", ".join(ROLES))
    except AccountError as problem:
        print(i18n.t(problem.key, language, **problem.values), file=sys.stderr)
        return 2
    password = read_password(language)
    if password is None:
        print(i18n.t("staff.cli.password_missing", language), file=sys.stderr)
        return 2
    try:
        staff = create_account(name, args.role, password, url=args.database)
    except AccountError as problem:
        print(i18n.t(problem.key, language, **problem.values), file=sys.stderr)
        return 1
    print(i18n.t("staff.cli.added", language, name=staff.username, role=i18n.t(f"staff.role.{staff.role}", language)))
    return 0


def cmd_password(args: argparse.Namespace) -> int:
    from haina import i18n
    from haina.staff.accounts import AccountError, set_password

    language = _language(args)
    password = read_password(language)
    if password is None:
        print(i18n.t("staff.cli.password_missing", language), file=sys.stderr)
        return 2
    try:
        staff = set_password(args.name, password, url=args.database)
    except AccountError as problem:
        print(i18n.t(problem.key, language, **problem.values), file=sys.stderr)
        return 1
    print(i18n.t("staff.cli.password_changed", language, name=staff.username))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from haina import i18n
    from haina.staff.accounts import list_accounts

    language = _language(args)
    accounts = list_accounts(url=args.database)
    if not accounts:
        print(i18n.t("staff.cli.none", language))
        return 0
    never = i18n.t("staff.cli.never", language)
    for staff, created, last_login in accounts:
        state = i18n.t("staff.cli.active" if staff.active else "staff.cli.disabled", language)
        seen = last_login.isoformat(sep=" ", timespec="minutes") + " UTC" if last_login else never
        print(f"{staff.username}\t{i18n.t(f'staff.role.{staff.role}', language)}\t{state}\t"
              + i18n.t("staff.cli.last_login", language, when=seen))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    from haina import i18n
    from haina.staff.accounts import AccountError, disable_account

    language = _language(args)
    try:
        staff = disable_account(args.name, url=args.database)
    except AccountError as problem:
        print(i18n.t(problem.key, language, **problem.values), file=sys.stderr)
        return 1
    print(i18n.t("staff.cli.disabled_done", language, name=staff.username))
    return 0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "staff", help="staff console accounts: add, list, disable, password",
        description="Accounts of the staff console (http://localhost:8000/staff/). There is no default account: "
        "create the first one with `haina staff add NAME --role supervisor`. Passwords come from standard input "
        "(at least 12 characters).",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", help="database URL (default: HAINA_DATABASE_URL or var/haina.db)")
    common.add_argument("--language", help="language of the messages: en zh ja ko fr de es ru (default: from LANG)")
    commands = parser.add_subparsers(dest="staff_command", required=True, metavar="{add,list,disable,password}")
    add = commands.add_parser("add", parents=[common], help="create an account; the password is read from stdin")
    add.add_argument("name", help="user name: lower-case letters, digits, . _ - (2-64 characters)")
    add.add_argument("--role", required=True,
                     help="agent: assist, permit lookups, handoff queue; supervisor: also the audit log and "
                     "reports; editor: assist and the feedback reports")
    add.set_defaults(func=cmd_add)
    listing = commands.add_parser("list", parents=[common], help="list the accounts")
    listing.set_defaults(func=cmd_list)
    disable = commands.add_parser("disable", parents=[common], help="disable an account and end its sessions")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_disable)
    password = commands.add_parser("password", parents=[common], help="set a new password (read from stdin)")
    password.add_argument("name")
    password.set_defaults(func=cmd_password)
