"""Reading import files: JSON as it is, CSV turned into the same objects as the JSON format.

CSV, one kind per file (chosen by --kind or by the header):
- service points, one row each: ref, category, district, name_en … name_ru, address_*, directions_*, lat,
  lon, phone, website, languages ("zh;en"), hours_mon … hours_sun ("08:00-11:30;13:00-17:00", "" closed,
  "24h"), holidays, closures ("2026-10-01;2026-10-02"), notes_*, unverified ("phone;hours"), source, demo.
- applications, one row per status of the history (the other columns repeated on each row of an
  application): application_number, type, category, passport_number, date_of_birth, nationality,
  employer, submitted, status, date, documents ("a;b"), reason, demo.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haina.db.importer.problems import KINDS, Problem
from haina.db.models import WEEKDAYS
from haina.languages import LANGUAGES

SP_TEXTS = ("name", "address", "directions", "notes")
SP_COLUMNS = ({"ref", "category", "district", "lat", "lon", "phone", "website", "languages", "holidays", "closures",
               "unverified", "source", "demo"}
              | {f"{f}_{lang}" for f in SP_TEXTS for lang in LANGUAGES} | {f"hours_{d}" for d in WEEKDAYS})
SP_REQUIRED = {"ref", "category", "district", "lat", "lon"}
APP_FIELDS = ("application_number", "type", "category", "passport_number", "date_of_birth", "nationality",
              "employer", "submitted", "demo")
APP_COLUMNS = set(APP_FIELDS) | {"status", "date", "documents", "reason"}
APP_REQUIRED = {"application_number", "status", "date"}
PERSONAL = {"passport_number", "date_of_birth"}


@dataclass
class Rows:
    """The objects of one kind read from a file, with the row each came from."""

    kind: str
    items: list[tuple[int, Any]]


def read(path: Path, kind: str | None, problems: list[Problem]) -> list[Rows]:
    """The rows of each kind in the file; file-level problems are added to `problems`."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(Problem("file_unreadable", {"path": str(path), "reason": error.strerror or str(error)}))
        return []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem("file_encoding", {"path": str(path)}))
        return []
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        return _read_json(path, text, kind, problems)
    return _read_csv(path, text, kind, problems)


def _read_json(path: Path, text: str, kind: str | None, problems: list[Problem]) -> list[Rows]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(Problem("file_not_json", {"path": str(path), "line": error.lineno, "reason": error.msg}))
        return []
    if not isinstance(data, dict):
        problems.append(Problem("file_no_data", {"path": str(path)}))
        return []
    unknown = sorted(set(data) - set(KINDS) - {"$comment", "about"})
    if unknown:
        problems.append(Problem("file_unknown_keys", {"keys": ", ".join(unknown)}))
    wanted = [kind] if kind else [k for k in KINDS if k in data]
    if not wanted:
        problems.append(Problem("file_no_data", {"path": str(path)}))
    found = []
    for name in wanted:
        items = data.get(name)
        if items is None:
            problems.append(Problem("kind_missing", {"kind": name, "path": str(path)}))
        elif not isinstance(items, list):
            problems.append(Problem("kind_not_list", {"kind": name}))
        else:
            found.append(Rows(name, list(enumerate(items, start=1))))
    return found


def _read_csv(path: Path, text: str, kind: str | None, problems: list[Problem]) -> list[Rows]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        problems.append(Problem("file_no_data", {"path": str(path)}))
        return []
    reader.fieldnames = header
    if kind is None:
        kind = "service_points" if "ref" in header else "applications" if "application_number" in header else None
    if kind is None:
        problems.append(Problem("csv_kind_unknown", {"path": str(path)}))
        return []
    columns, required = (SP_COLUMNS, SP_REQUIRED) if kind == "service_points" else (APP_COLUMNS, APP_REQUIRED)
    unknown = [h for h in header if h not in columns]
    missing = sorted(required - set(header))
    if unknown:
        problems.append(Problem("csv_columns_unknown", {"columns": ", ".join(unknown)}))
    if missing:
        problems.append(Problem("csv_columns_missing", {"columns": ", ".join(missing)}))
    if unknown or missing:
        return []
    rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None})
            for row in reader if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    if kind == "service_points":
        return [Rows(kind, [(n, _service_point(row)) for n, row in rows])]
    return [Rows(kind, _applications(rows, problems))]


def _service_point(row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {k: row[k] for k in ("ref", "category", "district", "lat", "lon", "phone", "website",
                                                 "languages", "holidays", "closures", "unverified", "source", "demo")
                            if row.get(k)}
    for field in SP_TEXTS:
        texts = {lang: row[f"{field}_{lang}"] for lang in LANGUAGES if row.get(f"{field}_{lang}")}
        if texts:
            item[field] = texts
    hours = {day: row.get(f"hours_{day}", "") for day in WEEKDAYS}
    if any(hours.values()):
        item["hours"] = hours
    return item


def _applications(rows: list[tuple[int, dict[str, str]]], problems: list[Problem]) -> list[tuple[int, Any]]:
    """Rows grouped by application number, in file order; one history entry per row."""
    grouped: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, row in rows:
        key = row.get("application_number", "").upper().replace("-", "")
        entry = {"status": row.get("status"), "date": row.get("date"),
                 "documents": row.get("documents") or None, "reason": row.get("reason") or None}
        if key not in grouped:
            item: dict[str, Any] = {k: row[k] for k in APP_FIELDS if row.get(k)}
            item["history"] = [entry]
            grouped[key] = (line, item)
            continue
        first_line, item = grouped[key]
        for field in APP_FIELDS:
            if (row.get(field) or None) != (item.get(field) or None):
                values = {"field": field, "first": first_line}
                problems.append(Problem("csv_row_differs", values, row=line, label=item.get("application_number"),
                                        kind="applications"))
        item["history"].append(entry)
    return list(grouped.values())
