"""A directory result as a chat message in the user's language: name, address, phone, opening
hours (Babel weekday names and times of the locale), languages spoken (their names in the
user's language), a map link, and which details to confirm with the place.

Texts come from bot/strings/directory.yml; the facts come from the database as stored.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from babel import Locale
from babel.dates import format_skeleton, get_day_names
from babel.lists import format_list

from haina import i18n
from haina.directory.query import DirectoryQuery, Result
from haina.directory.when import TimeFilter

MAP_URL = "https://uri.amap.com/marker?position={lon:.6f},{lat:.6f}&name={name}"
DAY = 24 * 60
# Unverified model fields shown under one user-facing name.
FIELD_NAMES = {"lat": "location", "lon": "location"}
SHOWN_FIELDS = ("name", "address", "directions", "location", "phone", "website", "languages", "hours",
                "holidays", "closures", "notes", "category", "district")


def map_link(lat: float, lon: float, name: str) -> str:
    """An AMap (高德) marker link, which opens in WeChat and every browser."""
    return MAP_URL.format(lat=lat, lon=lon, name=quote(name or "", safe=""))


def language_name(code: str, language: str) -> str:
    """The name of a spoken language in the user's language ('anglais', '英语'); the code if unknown."""
    names = Locale.parse(i18n.locale(language)).languages
    return names.get(code) or code


def _clock(minutes: int, language: str) -> str:
    minutes %= DAY
    return format_skeleton("Hm", dt.time(minutes // 60, minutes % 60), locale=i18n.locale(language))


def format_week(weekly: dict[int, tuple[tuple[int, int], ...]], language: str, always_open: bool = False) -> str:
    """'Mon–Fri 09:00–17:00; Sat, Sun closed', grouping neighbouring days with the same hours."""
    if always_open:
        return i18n.t("directory.open_24h", language)
    days = get_day_names("abbreviated", locale=i18n.locale(language))
    groups: list[tuple[list[int], tuple[tuple[int, int], ...]]] = []
    for weekday in range(7):
        hours = tuple(weekly.get(weekday, ()))
        if groups and groups[-1][1] == hours and groups[-1][0][-1] == weekday - 1:
            groups[-1][0].append(weekday)
        else:
            groups.append(([weekday], hours))
    parts = []
    for members, hours in groups:
        label = days[members[0]] if len(members) == 1 else f"{days[members[0]]}–{days[members[-1]]}"
        if not hours:
            text = i18n.t("directory.closed", language)
        elif any(closes - opens >= DAY for opens, closes in hours):
            text = i18n.t("directory.open_24h", language)
        else:
            text = ", ".join(f"{_clock(o, language)}–{_clock(c, language)}" for o, c in hours)
        parts.append(f"{label} {text}")
    return "; ".join(parts)


def confirm_fields(unverified: list[str], holidays: str, hours_known: bool) -> list[str]:
    """The user-facing field ids to confirm, in a stable order, without duplicates."""
    fields = {FIELD_NAMES.get(f, f) for f in unverified}
    if holidays == "unknown" and hours_known:
        fields.add("holidays")
    return [f for f in SHOWN_FIELDS if f in fields]


def render_result(result: Result, language: str) -> str:
    """One service point as a few lines of text."""
    from haina.directory.hours import Schedule

    point = result.point
    name = point.text("name", language) or point.ref
    title = name
    if result.distance_km is not None:
        km = i18n.number(round(result.distance_km, 1), language)
        title += f" · {i18n.t('directory.distance', language, km=km)}"
    lines = [title]
    address = point.text("address", language)
    if address:
        lines.append(i18n.t("directory.address", language, address=address))
    directions = point.text("directions", language)
    if directions:
        lines.append(i18n.t("directory.directions", language, directions=directions))
    lines.append(i18n.t("directory.phone", language, phone=point.phone) if point.phone
                 else i18n.t("directory.no_phone", language))
    if point.hours_known or point.always_open:
        week = format_week(Schedule.of(point).weekly, language, bool(point.always_open))
        lines.append(i18n.t("directory.hours", language, hours=week))
        if point.holidays == "closed" and not point.always_open:
            lines.append(i18n.t("directory.holidays_closed", language))
    else:
        lines.append(i18n.t("directory.hours_unknown", language))
    if point.spoken:
        names = [language_name(code, language) for code in point.spoken]
        lines.append(i18n.t("directory.languages", language,
                            languages=format_list(names, locale=i18n.locale(language))))
    notes = point.text("notes", language)
    if notes:
        lines.append(notes)
    if point.website:
        lines.append(i18n.t("directory.website", language, url=point.website))
    lines.append(i18n.t("directory.map", language, url=map_link(point.lat, point.lon, name)))
    fields = confirm_fields(list(point.unverified or []), point.holidays, bool(point.hours_known))
    if fields:
        labels = [i18n.t(f"directory.field.{f}", language) for f in fields]
        lines.append(i18n.t("directory.confirm", language, fields=format_list(labels, locale=i18n.locale(language))))
    if point.source:
        lines.append(i18n.t("directory.source", language, url=point.source))
    return "\n".join(lines)


def describe_when(when: TimeFilter, language: str) -> str:
    """'open Sunday 20:00', '周日开放', for the line that says what was searched."""
    locale = i18n.locale(language)
    if when.always:
        return i18n.t("directory.open_24h", language)
    if when.at is not None:
        return i18n.t("directory.criteria.open_at", language, when=format_skeleton("EEEEHm", when.at, locale=locale))
    days = [format_skeleton("MMMMEEEEd", day, locale=locale) for day in when.days]
    return i18n.t("directory.criteria.open_on", language, day=format_list(days, style="or", locale=locale))


def describe(query: DirectoryQuery, language: str) -> str:
    """The search criteria in words: 'hospital · Pudong New Area · English spoken · open on Sunday'."""
    parts = []
    if query.category:
        parts.append(i18n.t(f"directory.category.{query.category}", language))
    if query.district:
        parts.append(i18n.t(f"directory.district.{query.district}", language))
    if query.language:
        parts.append(i18n.t("directory.criteria.language", language, name=language_name(query.language, language)))
    if query.when is not None:
        parts.append(describe_when(query.when, language))
    if query.near is not None:
        parts.append(i18n.t("directory.criteria.near", language))
    return " · ".join(parts) if parts else i18n.t("directory.criteria.any", language)


def describe_filter(query: DirectoryQuery, name: str, language: str) -> str:
    """The words for one filter of a query (the one dropped when relaxing)."""
    only = DirectoryQuery(**{name: getattr(query, name)})
    return describe(only, language)
