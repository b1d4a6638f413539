"""Which taxonomy topic a directory request belongs to, from the kind of place asked for.

`haina classify` reports a topic per question; for "find an English-speaking hospital" that is
healthcare, for "where is the exit-entry office" residence_permit, and so on.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

CATEGORY_TOPICS: dict[str, str] = {
    "hospital": "healthcare",
    "international_clinic": "healthcare",
    "pharmacy": "healthcare",
    "international_school": "schooling",
    "kindergarten": "schooling",
    "public_school_admissions": "schooling",
    "service_window": "work_permit",
    "exit_entry_office": "residence_permit",
    "police_station": "registration",
    "chinese_school": "integration",
    "community_centre": "integration",
    "bank_branch": "banking",
}


# "doctor", "médecin", "Arzt" count as a hospital; a more specific kind named in the same message
# ("a clinic with an English-speaking doctor", "pharmacy near Ruijin Hospital") wins over it.
GENERIC_CATEGORY = "hospital"


def choose_category(values: Iterable[str]) -> str | None:
    """The kind of place a message asks for, from its service_category values in order."""
    known = [v for v in values if v in CATEGORY_TOPICS]
    specific = [v for v in known if v != GENERIC_CATEGORY]
    return (specific or known or [None])[0]


def topic_for(entities: Iterable[Mapping[str, Any]], default: str | None = None) -> str | None:
    """The topic of the kind of place among Rasa entity dicts (see choose_category), else `default`."""
    category = choose_category(str(e.get("value")) for e in entities or () if e.get("entity") == "service_category")
    return CATEGORY_TOPICS.get(category, default) if category else default
