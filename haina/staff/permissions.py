"""Which role may do what in the console. One table, checked by every page and every action.

- agent:      assist, permit lookups for callers, the handoff queue.
- supervisor: everything an agent does, plus the audit log and the feedback reports.
- editor:     assist (to see what the assistant understands) and the feedback reports; no permit
              lookups, no conversations, no audit log.
Nobody can change or delete audit entries through the app (there is no such capability).
"""

from __future__ import annotations

from haina.db.models import ROLES

CAPABILITIES: dict[str, tuple[str, ...]] = {
    "assist": ("agent", "supervisor", "editor"),
    "permits": ("agent", "supervisor"),
    "queue": ("agent", "supervisor"),
    "audit": ("supervisor",),
    "insights": ("editor", "supervisor"),
}


def can(role: str, capability: str) -> bool:
    """Whether a role has a capability (an unknown role or capability has none)."""
    return role in ROLES and role in CAPABILITIES.get(capability, ())


def capabilities(role: str) -> list[str]:
    """The capabilities of a role, in the order of the console's menu."""
    return [name for name in CAPABILITIES if can(role, name)]
