"""Which seed files were imported, by content hash, so ensure_ready() re-imports only what changed."""

from __future__ import annotations

import sqlalchemy as sa

from haina.db.models.base import Base, utcnow


class SeedFile(Base):
    __tablename__ = "seed_files"

    path = sa.Column(sa.String(300), primary_key=True)  # relative to seed/
    sha256 = sa.Column(sa.String(64), nullable=False)
    imported_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
