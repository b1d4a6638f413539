"""Service points: check one JSON object (the import format) and write checked records by `ref`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from haina.db.importer.checks import RowCheck
from haina.db.importer.problems import Counts, Problem
from haina.db.importer.upsert import upsert
from haina.db.models import (
    DISTRICTS, HOLIDAY_POLICIES, SERVICE_CATEGORIES, TEXT_FIELDS, VERIFIABLE_FIELDS, WEEKDAYS, Closure,
    OpeningInterval, ServicePoint, ServicePointLanguage, ServicePointText,
)
from haina.db.models.directory import DAY_MINUTES

KIND = "service_points"
REF = re.compile(r"^[a-z0-9][a-z0-9-]{1,99}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
PHONE = re.compile(r"^\+?[0-9 ()\-/]{3,40}(?:\s*(?:ext\.?|x)\s*\d{1,6})?$", re.IGNORECASE)
TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
# Shanghai municipality (Chongming included) with a small margin.
LAT_RANGE, LON_RANGE = (30.6, 31.95), (120.8, 122.25)
OPTIONAL_TEXTS = ("directions", "notes")
FIELDS = {"ref", "category", "district", "name", "address", "directions", "notes", "lat", "lon", "phone",
          "website", "languages", "hours", "holidays", "closures", "unverified", "source", "demo"}


@dataclass
class ServicePointRecord:
    ref: str
    category: str
    district: str
    texts: dict[str, dict[str, str]]
    lat: float
    lon: float
    phone: str | None
    website: str | None
    languages: list[str]
    hours: list[tuple[int, int, int]] | None  # (weekday, opens, closes); None: hours not known
    holidays: str
    closures: list[dt.date]
    unverified: list[str]
    source: str | None
    demo: bool

    @property
    def always_open(self) -> bool:
        return self.hours is not None and all(
            any(o == 0 and c >= DAY_MINUTES for d, o, c in self.hours if d == day) for day in range(7))

    def canonical(self) -> dict[str, Any]:
        return {"category": self.category, "district": self.district, "texts": self.texts, "lat": self.lat,
                "lon": self.lon, "phone": self.phone, "website": self.website, "languages": self.languages,
                "hours": sorted(self.hours) if self.hours is not None else None, "holidays": self.holidays,
                "closures": self.closures, "unverified": self.unverified, "source": self.source, "demo": self.demo}


def stored(point: ServicePoint) -> dict[str, Any]:
    """What a stored service point holds, in the shape of ServicePointRecord.canonical()."""
    texts: dict[str, dict[str, str]] = {}
    for text in point.texts:
        texts.setdefault(text.field, {})[text.language] = text.text
    return {"category": point.category, "district": point.district,
            "texts": {f: dict(sorted(texts[f].items())) for f in TEXT_FIELDS if f in texts},
            "lat": point.lat, "lon": point.lon, "phone": point.phone, "website": point.website,
            "languages": point.spoken, "hours": sorted((h.weekday, h.opens, h.closes) for h in point.hours)
            if point.hours_known else None, "holidays": point.holidays,
            "closures": sorted(c.date for c in point.closures), "unverified": list(point.unverified or []),
            "source": point.source, "demo": point.demo}


def _minutes(text: str) -> int | None:
    match = TIME.match(text.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _day_intervals(check: RowCheck, day: str, value: Any) -> list[tuple[int, int]] | None:
    """[(opens, closes)] of one weekday; a close time before (or at) the open time runs past midnight."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        if value.strip().lower() == "24h":
            return [(0, DAY_MINUTES)]
        pairs: list[Any] = [part.split("-") for part in value.split(";") if part.strip()]
    elif isinstance(value, list):
        pairs = value
    else:
        check.problem("hours", day=day, value=value)
        return None
    found = []
    for pair in pairs:
        if isinstance(pair, str) and pair.strip().lower() == "24h":
            found.append((0, DAY_MINUTES))
            continue
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            check.problem("hours", day=day, value=value)
            return None
        opens, closes = _minutes(pair[0]), _minutes(pair[1])
        if opens is None or closes is None or opens >= DAY_MINUTES:
            check.problem("hours", day=day, value="-".join(map(str, pair)))
            return None
        if closes <= opens:
            closes += DAY_MINUTES
        found.append((opens, closes))
    return sorted(found)


def _hours(check: RowCheck) -> list[tuple[int, int, int]] | None:
    value = check.data.get("hours")
    if value is None or value == "" or value == {}:
        return None
    if not isinstance(value, dict):
        check.problem("hours_not_object")
        return None
    if value.get("24h") is True:
        return [(day, 0, DAY_MINUTES) for day in range(7)]
    unknown = sorted(set(value) - set(WEEKDAYS) - {"24h"})
    for day in unknown:
        check.problem("hours_day", value=day)
    intervals: list[tuple[int, int, int]] = []
    for weekday, day in enumerate(WEEKDAYS):
        found = _day_intervals(check, day, value.get(day))
        intervals.extend((weekday, o, c) for o, c in found or [])
    # No interval on any day reads as "hours not known", not as "closed all week".
    return intervals or None


def check_service_point(data: Any, row: int, problems: list[Problem]) -> ServicePointRecord | None:
    """The record for one service point object, or None (with its problems added to `problems`)."""
    label = data.get("ref") if isinstance(data, dict) and isinstance(data.get("ref"), str) else None
    check = RowCheck(KIND, row, data, problems, label=label)
    if not check.data:
        return None
    for name in sorted(set(check.data) - FIELDS):
        check.problem("unknown_field", field=name)
    ref = check.text("ref", required=True, max_length=100)
    if ref is not None and not REF.match(ref):
        check.problem("ref", value=ref)
    category = check.choice("category", SERVICE_CATEGORIES)
    district = check.choice("district", DISTRICTS, key="district")
    texts = {"name": check.texts("name", max_length=300), "address": check.texts("address", max_length=500)}
    for name in OPTIONAL_TEXTS:
        if check.present(name):
            texts[name] = check.texts(name)
    lat = check.number("lat", *LAT_RANGE, place="shanghai")
    lon = check.number("lon", *LON_RANGE, place="shanghai")
    phone = check.text("phone", max_length=60)
    if phone is not None and not PHONE.match(phone):
        check.problem("phone", value=phone)
    website = check.url("website")
    languages = []
    for code in check.string_list("languages"):
        if not LANGUAGE_CODE.match(code.lower()):
            check.problem("language_code", value=code)
        elif code.lower() not in languages:
            languages.append(code.lower())
    hours = _hours(check)
    holidays = check.choice("holidays", HOLIDAY_POLICIES, default="unknown")
    closures = check.dates("closures")
    unverified = []
    for name in check.string_list("unverified"):
        if name not in VERIFIABLE_FIELDS:
            check.problem("unverified", value=name, allowed=", ".join(VERIFIABLE_FIELDS))
        elif name not in unverified:
            unverified.append(name)
    demo = check.boolean("demo")
    source = check.url("source", required=not demo, key="source_needed")
    if not check.ok:
        return None
    return ServicePointRecord(
        ref=ref, category=category, district=district,  # type: ignore[arg-type]
        texts={f: t for f, t in texts.items() if t}, lat=lat, lon=lon, phone=phone,  # type: ignore[arg-type]
        website=website, languages=languages, hours=hours, holidays=holidays or "unknown", closures=closures,
        unverified=unverified, source=source, demo=demo,
    )


def _apply(point: ServicePoint, record: ServicePointRecord) -> None:
    point.category, point.district, point.lat, point.lon = record.category, record.district, record.lat, record.lon
    point.phone, point.website, point.holidays, point.source = record.phone, record.website, record.holidays, record.source
    point.unverified, point.demo = list(record.unverified), record.demo
    point.hours_known, point.always_open = record.hours is not None, record.always_open

    # Children with natural keys are updated in place (a delete and an insert of the same key in one
    # flush would collide); hours have their own ids and are simply replaced.
    wanted_texts = {(f, lang): text for f, by_lang in record.texts.items() for lang, text in by_lang.items()}
    for row in list(point.texts):
        key = (row.field, row.language)
        if key not in wanted_texts:
            point.texts.remove(row)
        elif row.text != wanted_texts[key]:
            row.text = wanted_texts.pop(key)
        else:
            wanted_texts.pop(key)
    point.texts.extend(ServicePointText(field=f, language=lang, text=t) for (f, lang), t in wanted_texts.items())

    positions = {lang: i for i, lang in enumerate(record.languages)}
    for row in list(point.languages):
        if row.language not in positions:
            point.languages.remove(row)
        else:
            row.position = positions.pop(row.language)
    point.languages.extend(ServicePointLanguage(language=lang, position=i) for lang, i in positions.items())

    if sorted((h.weekday, h.opens, h.closes) for h in point.hours) != sorted(record.hours or []):
        point.hours = [OpeningInterval(weekday=d, opens=o, closes=c) for d, o, c in sorted(record.hours or [])]

    wanted_dates = set(record.closures)
    for row in list(point.closures):
        if row.date not in wanted_dates:
            point.closures.remove(row)
        else:
            wanted_dates.discard(row.date)
    point.closures.extend(Closure(date=d) for d in sorted(wanted_dates))


def write_service_points(session: Session, records: list[ServicePointRecord]) -> Counts:
    """Create the new refs, update the changed ones, leave the rest; flushes but does not commit."""
    return upsert(session, ServicePoint.ref, records, key=lambda r: r.ref,
                  create=lambda ref: ServicePoint(ref=ref, texts=[], languages=[], hours=[], closures=[]),
                  stored=stored, apply=_apply)
