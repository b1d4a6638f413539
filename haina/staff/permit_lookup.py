"""A caller's permit status, looked up by an agent: haina.permits does the lookup, this module audits it.

The rules are the chat's, because the code is: `haina.permits.lookup.look_up` with its lockout
(5 failed verifications within an hour, per conversation or per application number; here the
"conversation" is the agent's account, and the number's count is shared with the chat) and its
same-answer rule (an unknown number and a wrong verification look the same). The answers are the
chat's texts (bot/strings/permits.yml), in the console's language and in the caller's.

Every request that reaches the lookup, and every one refused for a malformed number or verification,
is written to the audit log before anything is shown; when the audit entry cannot be written, the
result is not shown either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from haina import db, i18n
from haina.permits import identifiers, lookup
from haina.permits.explain import locked_message, render_status
from haina.staff import audit
from haina.staff.accounts import Staff

MIN_REASON = 5


@dataclass(frozen=True)
class PermitAnswer:
    """What the console shows: the outcome and the chat's answer in two languages (or a form problem)."""

    outcome: str  # found | not_verified | locked | invalid | incomplete
    text: str = ""  # in the console's language
    caller_text: str = ""  # in the caller's language
    problem: str | None = None  # key of the form problem in bot/strings/staff.yml (nothing was looked up)
    number: str | None = None


def lookup_sender(staff: Staff) -> str:
    """The lockout's 'conversation' for lookups made by this agent."""
    return f"staff:{staff.username}"


def _answer(result: lookup.LookupResult, language: str) -> str:
    if result.outcome == lookup.FOUND and result.status:
        return render_status(result.status, language)
    if result.outcome == lookup.LOCKED and result.locked_until:
        return locked_message(result.locked_until, language)
    return i18n.t("permit.not_verified", language)


def look_up_for_caller(staff: Staff, number_text: str, verification_text: str, reason: str, language: str,
                       caller_language: str, url: str | None = None, now: dt.datetime | None = None) -> PermitAnswer:
    """Check the form, look the application up through haina.permits, audit it, answer in both languages."""
    now = now or lookup.clock()
    if len(" ".join((reason or "").split())) < MIN_REASON:
        return PermitAnswer("incomplete", problem="staff.permit.reason_missing")
    number = identifiers.application_number(number_text or "")
    verification = identifiers.verification(verification_text or "")
    if number is None or verification is None:
        with db.session_scope(url) as session:
            audit.record(session, staff, number, verification.method if verification else None, "invalid", reason, now)
        key = "permit.number_invalid" if number is None else "permit.verification_invalid"
        return PermitAnswer("invalid", i18n.t(key, language), i18n.t(key, caller_language), number=number)
    result = lookup.look_up(number, verification, lookup_sender(staff), url=url, now=now)
    with db.session_scope(url) as session:  # raises (and nothing is shown) if the entry cannot be written
        audit.record(session, staff, number, verification.method, result.outcome, reason, now)
    return PermitAnswer(result.outcome, _answer(result, language), _answer(result, caller_language), number=number)
