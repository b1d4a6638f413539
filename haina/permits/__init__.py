"""Permit status lookups: read the identifiers people type, verify the applicant, enforce the lockout
and explain the status. The Rasa form (actions/permit_status.py) only calls these.

- identifiers: `application_number(text)`, `verification(text) -> Verification | None`,
  `looks_like_a_number(text)`, `birth_dates(text)`, `passport_numbers(text)`.
- lookup: `look_up(number, verification, sender_id, url=None, now=None) -> LookupResult`
  (outcome found | not_verified | locked), `check_lock(sender_id, number=None)`; `lookup.clock` is the
  lockout's clock (naive UTC), replaced in tests.
- lockout: 5 failures within an hour per conversation or per number lock lookups for an hour.
- explain: `render_status(status, language)`, `status_label(status, language)`, `locked_message(until, language)`.
"""
