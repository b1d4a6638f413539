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


def topic_for(entities: Iterable[Mapping[str, Any]], default: str | None = None) -> str | None:
    """The topic of the first service_category entity (Rasa entity dicts), else `default`."""
    for entity in entities or ():
        if entity.get("entity") == "service_category":
            topic = CATEGORY_TOPICS.get(str(entity.get("value")))
            if topic:
                return topic
    return default
