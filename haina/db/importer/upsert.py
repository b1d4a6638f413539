"""Writing checked records idempotently: create what is new, update what changed, leave the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from haina.db.importer.problems import Counts

CHUNK = 500  # keys per IN (...) query


def upsert(session: Session, key_column: Any, records: Sequence[Any], key: Callable[[Any], str],
           create: Callable[[str], Any], stored: Callable[[Any], dict], apply: Callable[[Any, Any], None]) -> Counts:
    """Match records to rows by `key_column`; `stored(row)` and `record.canonical()` decide "changed".

    Flushes but does not commit: the caller's transaction covers the whole file.
    """
    model = key_column.class_
    keys = [key(r) for r in records]
    existing: dict[str, Any] = {}
    for start in range(0, len(keys), CHUNK):
        rows = session.execute(sa.select(model).where(key_column.in_(keys[start:start + CHUNK]))).scalars()
        existing.update({getattr(row, key_column.key): row for row in rows})
    counts = Counts()
    for record in records:
        row = existing.get(key(record))
        if row is None:
            row = create(key(record))
            apply(row, record)
            session.add(row)
            counts.created += 1
        elif stored(row) != record.canonical():
            apply(row, record)
            counts.updated += 1
        else:
            counts.unchanged += 1
    session.flush()
    return counts
