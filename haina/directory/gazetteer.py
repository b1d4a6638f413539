"""Finds districts, kinds of service, spoken languages, times and "near me" in free text.

Driven by the data files in bot/gazetteer/ (one per entity); the Rasa component
bot/nlu/gazetteer.py calls `Gazetteer.find`. Matching works on a folded copy of the text
(case-folded, accents removed, full-width forms normalised) and maps every span back to the
original characters. Latin and Cyrillic names must stand as whole words (a trailing * in the data
allows longer forms of a word); Chinese, Japanese and Korean names match anywhere, since those
scripts are written without spaces. At one position the longest name wins, and `exclude` phrases
("黄浦江", "Guten Morgen") swallow what they contain.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from haina import paths

GAZETTEER_DIR = paths.BOT / "gazetteer"
FILES = ("districts.yml", "categories.yml", "languages.yml", "times.yml", "nearby.yml")
TIME_ENTITY = "service_time"

_WORD = "0-9a-z\u00df-\u00ff\u0430-\u044f\u0451"  # letters of folded Latin and Cyrillic text
_SEPARATORS = " -'\u2019"


@dataclass(frozen=True)
class Match:
    """One entity found in a text: its canonical value and where it stands in the original."""

    entity: str
    value: str
    start: int
    end: int
    text: str


def fold(text: str) -> tuple[str, list[int]]:
    """The text lower-cased, without accents, NFKC-normalised; and each folded char's source index."""
    out: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char).casefold()
        if all(ord(c) < 0x0530 or 0x1E00 <= ord(c) <= 0x1EFF for c in piece):  # Latin, Greek, Cyrillic
            piece = "".join(c for c in unicodedata.normalize("NFKD", piece) if not unicodedata.combining(c))
        piece = piece.replace("\u0451", "\u0435")
        for c in piece:
            out.append(c)
            index.append(position)
    return "".join(out), index


def _folded_term(term: str) -> str:
    return fold(term)[0].strip()


def _is_word_char(char: str) -> bool:
    return bool(re.match(f"[{_WORD}]", char))


def term_pattern(term: str) -> str:
    """A regex for one name: optional separators inside it, * for longer word forms, word edges."""
    folded = _folded_term(term)
    parts: list[str] = []
    for word in re.split(r"[ \-'\u2019]+", folded):
        if not word:
            continue
        stem = word.endswith("*")
        word = word.rstrip("*")
        parts.append(re.escape(word) + (f"[{_WORD}]*" if stem else ""))
    body = r"[\s\-'\u2019]*".join(parts)
    plain = folded.replace("*", "")
    if plain and _is_word_char(plain[0]):
        body = f"(?<![{_WORD}])" + body
    if plain and _is_word_char(plain[-1]) and not folded.endswith("*"):
        body += f"(?![{_WORD}])"
    return body


@dataclass(frozen=True)
class _Clock:
    patterns: tuple[re.Pattern, ...]
    pm: tuple[str, ...]
    am: tuple[str, ...]


class Gazetteer:
    """All names of bot/gazetteer/, compiled into one matcher."""

    def __init__(self, data: Iterable[dict]) -> None:
        entries: list[tuple[str, str | None, str | None]] = []  # (term, entity, value)
        self.values: dict[str, dict[str, dict[str, list[str]]]] = {}
        clock = None
        for spec in data:
            entity = spec["entity"]
            self.values[entity] = spec.get("values") or {}
            for value, by_language in self.values[entity].items():
                for terms in by_language.values():
                    entries.extend((str(t), entity, str(value)) for t in terms)
            entries.extend((str(t), None, None) for t in spec.get("exclude") or [])
            if spec.get("clock"):
                c = spec["clock"]
                clock = _Clock(tuple(re.compile(p) for p in c["patterns"]),
                               tuple(_folded_term(w) for w in c.get("pm") or []),
                               tuple(_folded_term(w) for w in c.get("am") or []))
        entries.sort(key=lambda e: (-len(_folded_term(e[0]).replace("*", "")), e[0]))
        # One alternation per first character: at each position only the names that can start
        # there are tried (a single alternation of every name is several times slower).
        self._targets: list[tuple[str | None, str | None]] = []
        grouped: dict[str, list[str]] = {}
        for number, (term, entity, value) in enumerate(entries):
            grouped.setdefault(_folded_term(term)[0], []).append(f"(?P<t{number}>{term_pattern(term)})")
            self._targets.append((entity, value))
        self._by_first = {char: re.compile("|".join(group)) for char, group in grouped.items()}
        self._clock = clock

    def find(self, text: str) -> list[Match]:
        """Every entity in `text`, in order of position; one match per (entity, value)."""
        folded, index = fold(text)
        found: list[Match] = []
        taken: list[tuple[int, int]] = []
        position = 0
        while position < len(folded):
            pattern = self._by_first.get(folded[position])
            m = pattern.match(folded, position) if pattern else None
            if not m or m.end() == position:
                position += 1
                continue
            entity, value = self._targets[int(m.lastgroup[1:])]
            taken.append(m.span())
            if entity is not None and value is not None:
                found.append(self._match(text, index, entity, value, *m.span()))
            position = m.end()
        found.extend(self._clock_times(text, folded, index, taken))
        found.sort(key=lambda f: f.start)
        unique: dict[tuple[str, str], Match] = {}
        for match in found:
            unique.setdefault((match.entity, match.value), match)
        return list(unique.values())

    @staticmethod
    def _match(text: str, index: list[int], entity: str, value: str, start: int, end: int) -> Match:
        begin, finish = index[start], index[end - 1] + 1
        return Match(entity, value, begin, finish, text[begin:finish])

    def _clock_times(self, text: str, folded: str, index: list[int], taken: list[tuple[int, int]]) -> list[Match]:
        if not self._clock:
            return []
        found: list[Match] = []
        for pattern in self._clock.patterns:
            for m in pattern.finditer(folded):
                start, end = m.span()
                if any(s < end and start < e for s, e in taken):
                    continue
                hour = int(m.group("h"))
                groups = m.groupdict()
                minute = int(groups.get("m") or 0) if groups.get("m") else (30 if groups.get("half") else 0)
                marker = (groups.get("ap") or "").replace(".", "")
                window = folded[max(0, start - 8):end + 14]
                evening = marker == "pm" or (not marker and any(w in window for w in self._clock.pm))
                morning = marker == "am" or (not marker and any(w in window for w in self._clock.am))
                if evening and not morning and hour < 12:
                    hour += 12
                elif marker == "am" and hour == 12:
                    hour = 0
                if hour == 24:
                    hour = 0
                if hour > 23:
                    continue
                taken.append((start, end))
                found.append(self._match(text, index, TIME_ENTITY, f"{hour:02d}:{minute:02d}", start, end))
        return found


def load_files(directory: Path = GAZETTEER_DIR) -> list[dict]:
    """The gazetteer's data files, parsed."""
    return [yaml.safe_load((directory / name).read_text(encoding="utf-8")) for name in FILES]


@lru_cache(maxsize=4)
def gazetteer(directory: Path = GAZETTEER_DIR) -> Gazetteer:
    """The compiled gazetteer of a data directory (cached: compiling takes a moment)."""
    return Gazetteer(load_files(directory))


__all__ = ["Gazetteer", "Match", "fold", "gazetteer", "load_files"]
