"""Field checks shared by the row validators: each records a Problem and returns None when a value
is wrong, so one pass reports every problem of a row."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from haina.db.importer.problems import Problem
from haina.languages import LANGUAGES

URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
TRUE, FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}


class RowCheck:
    """Checks the fields of one row (a JSON object) and collects what is wrong with them."""

    def __init__(self, kind: str, row: int, data: Any, problems: list[Problem], label: str | None = None) -> None:
        self.kind, self.row, self.label = kind, row, label
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.problems = problems
        self.count_before = len(problems)
        if not isinstance(data, dict):
            self.problem("not_an_object")

    @property
    def ok(self) -> bool:
        return len(self.problems) == self.count_before

    def problem(self, key: str, **values: object) -> None:
        self.problems.append(Problem(key, values, row=self.row, label=self.label, kind=self.kind))

    def present(self, field: str) -> bool:
        value = self.data.get(field)
        return value is not None and value != "" and value != [] and value != {}

    def text(self, field: str, required: bool = False, max_length: int = 500) -> str | None:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem("missing", field=field)
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem("not_text", field=field)
            return None
        value = str(value).strip()
        if len(value) > max_length:
            self.problem("too_long", field=field, max=max_length)
            return None
        return value

    def choice(self, field: str, allowed: tuple[str, ...], required: bool = True, key: str = "not_one_of",
               default: str | None = None) -> str | None:
        value = self.text(field, required=required and default is None)
        if value is None:
            return default
        normalised = value.lower()
        matches = [a for a in allowed if a.lower() == normalised]
        if not matches:
            self.problem(key, field=field, value=value, allowed=", ".join(allowed))
            return None
        return matches[0]

    def date(self, field: str, required: bool = True, personal: bool = False) -> dt.date | None:
        """An ISO date (2026-10-01). `personal`: the value is never repeated in a problem (birth dates)."""
        value = self.data.get(field)
        if value is None or value == "":
            if required:
                self.problem("missing", field=field)
            return None
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            if personal:
                self.problem("date_personal", field=field)
            else:
                self.problem("date", field=field, value=value)
            return None

    def dates(self, field: str) -> list[dt.date]:
        found = []
        for value in self.string_list(field):
            try:
                found.append(dt.date.fromisoformat(value))
            except ValueError:
                self.problem("date", field=field, value=value)
        return sorted(set(found))

    def number(self, field: str, low: float, high: float, place: str | None = None) -> float | None:
        value = self.data.get(field)
        if value is None or value == "":
            self.problem("missing", field=field)
            return None
        if isinstance(value, bool):
            self.problem("number", field=field, value=value)
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.problem("number", field=field, value=value)
            return None
        if not low <= number <= high:
            self.problem("outside_shanghai" if place else "out_of_range", field=field, value=value, low=low, high=high)
            return None
        return number

    def boolean(self, field: str, default: bool = False) -> bool:
        value = self.data.get(field)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return default if text == "" else False
        self.problem("boolean", field=field, value=value)
        return default

    def url(self, field: str, required: bool = False, key: str = "missing") -> str | None:
        value = self.data.get(field)
        if value is None or value == "":
            if required:
                self.problem(key, field=field)
            return None
        value = self.text(field, max_length=500)
        if value is not None and not URL.match(value):
            self.problem("url", field=field, value=value)
            return None
        return value

    def string_list(self, field: str) -> list[str]:
        value = self.data.get(field)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = [part for part in value.split(";")]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            self.problem("not_list", field=field)
            return []
        return [str(v).strip() for v in value if str(v).strip()]

    def texts(self, field: str, required: bool = True, max_length: int = 2000) -> dict[str, str] | None:
        """A text in all eight languages: {"en": …, "zh": …, …}."""
        value = self.data.get(field)
        if value is None or value == {} or value == "":
            if required:
                self.problem("missing", field=field)
            return None
        if not isinstance(value, dict):
            self.problem("texts_not_object", field=field)
            return None
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            self.problem("texts_unknown_languages", field=field, languages=", ".join(map(str, unknown)))
        texts = {lang: str(value[lang]).strip() for lang in LANGUAGES
                 if isinstance(value.get(lang), str) and value[lang].strip()}
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            self.problem("languages_missing", field=field, languages=", ".join(missing))
            return None
        long = [lang for lang, text in texts.items() if len(text) > max_length]
        if long:
            self.problem("too_long", field=f"{field} ({', '.join(long)})", max=max_length)
            return None
        return texts if not unknown else None
