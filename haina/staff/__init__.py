"""The hotline staff console's core (no web code here; connectors/web/staff/ only adapts it to HTTP).

- accounts:    `create_account(name, role, password)`, `list_accounts()`, `disable_account(name)`,
               `verify_password(name, password)`; argon2id hashes (argon2-cffi), no default account.
- signin:      `sign_in(name, password, address)` with the throttle (per name and per client address).
- sessions:    server-side sessions with idle and absolute expiry and a CSRF token each;
               `sessions.clock` is the clock (naive UTC), replaced in tests.
- permissions: which role may do what (`can(role, capability)`).
- audit:       the append-only log of permit lookups made in the console, and its CSV export.
- permit_lookup: a caller's permit status through haina.permits (same lockout and same answer as the chat),
               always audited.
- assist:      what the assistant understands from a caller's words (Rasa NLU via the running server),
               the article it would answer with in the caller's language and in Chinese, alternatives,
               and the directory search with the chat's filters.
- insights:    "Did this help?" answers per article, topic and language; the unanswered questions grouped;
               daily series for the charts; CSV.
"""
