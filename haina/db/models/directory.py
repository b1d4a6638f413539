"""Service points (hospitals, schools, offices …) with texts in eight languages, languages spoken,
weekly opening hours as minute intervals, dated closures and the fields not yet confirmed.

Opening hours: one row per interval, `weekday` 0 = Monday … 6 = Sunday, `opens`/`closes` in minutes
after midnight of that weekday. An interval that runs past midnight keeps its weekday and gets
`closes` > 1440 (22:00-02:00 on Friday is weekday 4, 1320-1560), so "open at weekday d, minute m" is

    (weekday = d AND opens <= m AND closes > m) OR (weekday = d-1 AND closes > m + 1440)

which `OpeningInterval.covering()` builds; the (service_point_id, weekday, opens, closes) index serves
it per point and (weekday, opens, closes) across points.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from haina.db.models.base import Base, one_of, utcnow

DISTRICTS: tuple[str, ...] = (
    "huangpu", "xuhui", "changning", "jingan", "putuo", "hongkou", "yangpu", "minhang", "baoshan",
    "jiading", "pudong", "jinshan", "songjiang", "qingpu", "fengxian", "chongming",
)
SERVICE_CATEGORIES: tuple[str, ...] = (
    "hospital", "international_clinic", "international_school", "kindergarten", "public_school_admissions",
    "service_window", "exit_entry_office", "police_station", "chinese_school", "community_centre",
    "bank_branch", "pharmacy",
)
TEXT_FIELDS: tuple[str, ...] = ("name", "address", "directions", "notes")
HOLIDAY_POLICIES: tuple[str, ...] = ("closed", "open", "unknown")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Fields a seed row may list as "unverified" (not confirmed on an official page).
VERIFIABLE_FIELDS: tuple[str, ...] = (
    "name", "address", "directions", "lat", "lon", "location", "phone", "website", "languages", "hours",
    "holidays", "closures", "notes", "category", "district",
)
DAY_MINUTES = 24 * 60


class ServicePoint(Base):
    __tablename__ = "service_points"
    __table_args__ = (
        one_of("holidays", HOLIDAY_POLICIES, "holidays"),
        # Filters are equalities on category/district and pages are ordered by id: with id last in the
        # index, a page is read in order and the scan stops once it is full.
        sa.Index("ix_service_points_category_district_id", "category", "district", "id"),
        sa.Index("ix_service_points_category_id", "category", "id"),
        sa.Index("ix_service_points_district_id", "district", "id"),
        # Bounding-box prefilter for "nearest", with and without a category; with id, the box's candidates
        # are read from the index alone (a large box would otherwise be a sequential scan).
        sa.Index("ix_service_points_category_lat_lon_id", "category", "lat", "lon", "id"),
        sa.Index("ix_service_points_lat_lon_id", "lat", "lon", "id"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    ref = sa.Column(sa.String(100), nullable=False, unique=True)  # stable id; import is idempotent by it
    category = sa.Column(sa.String(40), nullable=False)
    district = sa.Column(sa.String(20), nullable=False)
    lat = sa.Column(sa.Float, nullable=False)
    lon = sa.Column(sa.Float, nullable=False)
    phone = sa.Column(sa.String(60))
    website = sa.Column(sa.String(500))
    hours_known = sa.Column(sa.Boolean, nullable=False, default=False)  # False: no hours in the data
    always_open = sa.Column(sa.Boolean, nullable=False, default=False)  # "24h" every day
    holidays = sa.Column(sa.String(8), nullable=False, default="unknown")
    unverified = sa.Column(sa.JSON, nullable=False, default=list)
    source = sa.Column(sa.String(500))
    demo = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    texts = relationship("ServicePointText", cascade="all, delete-orphan", lazy="selectin")
    languages = relationship("ServicePointLanguage", cascade="all, delete-orphan", lazy="selectin",
                             order_by="ServicePointLanguage.position")
    hours = relationship("OpeningInterval", cascade="all, delete-orphan", lazy="selectin",
                         order_by="[OpeningInterval.weekday, OpeningInterval.opens]")
    closures = relationship("Closure", cascade="all, delete-orphan", lazy="selectin", order_by="Closure.date")

    def text(self, field: str, language: str, fallback: str = "en") -> str | None:
        """The name/address/directions/notes in a language (the fallback language if missing)."""
        by_language = {t.language: t.text for t in self.texts if t.field == field}
        return by_language.get(language) or by_language.get(fallback)

    @property
    def spoken(self) -> list[str]:
        """Languages spoken, in the order of the data."""
        return [entry.language for entry in self.languages]

    def intervals(self, weekday: int) -> list[tuple[int, int]]:
        """(opens, closes) minutes of one weekday as stored (closes > 1440: past midnight)."""
        return [(h.opens, h.closes) for h in self.hours if h.weekday == weekday]

    def __repr__(self) -> str:
        return f"<ServicePoint {self.ref}>"


class ServicePointText(Base):
    """One text of a service point in one language (name, address, directions, notes)."""

    __tablename__ = "service_point_texts"
    __table_args__ = (
        one_of("field", TEXT_FIELDS, "field"),
        sa.Index("ix_service_point_texts_field_language", "field", "language"),
    )

    service_point_id = sa.Column(sa.Integer, sa.ForeignKey("service_points.id", ondelete="CASCADE"),
                                 primary_key=True)
    field = sa.Column(sa.String(16), primary_key=True)
    language = sa.Column(sa.String(2), primary_key=True)
    text = sa.Column(sa.Text, nullable=False)


class ServicePointLanguage(Base):
    """A language spoken at a service point (ISO 639-1 code, not limited to the eight of the UI)."""

    __tablename__ = "service_point_languages"
    __table_args__ = (sa.Index("ix_service_point_languages_language", "language", "service_point_id"),)

    service_point_id = sa.Column(sa.Integer, sa.ForeignKey("service_points.id", ondelete="CASCADE"),
                                 primary_key=True)
    language = sa.Column(sa.String(3), primary_key=True)
    position = sa.Column(sa.SmallInteger, nullable=False, default=0)


class OpeningInterval(Base):
    __tablename__ = "service_point_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("opens >= 0 AND opens < 1440 AND closes > opens AND closes <= 2880", name="minutes"),
        sa.Index("ix_service_point_hours_weekday_opens_closes", "weekday", "opens", "closes"),
        # The per-point probe of "open at" (EXISTS … WHERE service_point_id = …), answered from the index.
        sa.Index("ix_service_point_hours_point_weekday", "service_point_id", "weekday", "opens", "closes"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    service_point_id = sa.Column(sa.Integer, sa.ForeignKey("service_points.id", ondelete="CASCADE"),
                                 nullable=False)
    weekday = sa.Column(sa.SmallInteger, nullable=False)
    opens = sa.Column(sa.Integer, nullable=False)
    closes = sa.Column(sa.Integer, nullable=False)

    @classmethod
    def covering(cls, weekday: int, minute: int) -> sa.sql.ColumnElement:
        """Rows of this table whose interval includes `minute` of `weekday` (past-midnight aware)."""
        previous = (weekday - 1) % 7
        return sa.or_(
            sa.and_(cls.weekday == weekday, cls.opens <= minute, cls.closes > minute),
            sa.and_(cls.weekday == previous, cls.closes > minute + DAY_MINUTES),
        )

    @classmethod
    def open_at(cls, weekday: int, minute: int) -> sa.sql.ColumnElement:
        """A condition on ServicePoint: open at `minute` of `weekday` by its weekly hours (no holidays)."""
        return sa.exists().where(cls.service_point_id == ServicePoint.id, cls.covering(weekday, minute))


class Closure(Base):
    """A dated extra closure (renovation, a local holiday) on top of the weekly hours."""

    __tablename__ = "service_point_closures"
    __table_args__ = (sa.Index("ix_service_point_closures_date", "date"),)

    service_point_id = sa.Column(sa.Integer, sa.ForeignKey("service_points.id", ondelete="CASCADE"),
                                 primary_key=True)
    date = sa.Column(sa.Date, primary_key=True)
