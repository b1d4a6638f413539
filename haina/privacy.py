"""Personal data kept out of logs and stores: redaction, sender pseudonyms, keyed hashes.

Public API:
- `redact(text, kinds=ALL_KINDS) -> str`: masks passport numbers, application numbers, dates of birth,
  phone numbers and e-mail addresses ("[passport]", "[application]", "[date]", "[phone]", "[email]").
- `find(text, kind) -> list[str]`: the values of one kind in a text (used by the permit-status form).
- `hash_sender(sender_id) -> str`: a stable pseudonym for a conversation id (turn log, feedback, questions).
- `keyed_hash(value, purpose) -> str`: HMAC-SHA256 of a value under the installation's secret salt.
- `passport_hash(number) -> str` and `passport_last4(number) -> str`: how passports are stored.
- `secret_salt() -> bytes`: env HAINA_PASSPORT_SALT, else var/passport_salt (created on first use, 0600).

The identifier patterns come from bot/data/entity_patterns.yml (one definition for the NLU and for us);
this module adds only what that file cannot hold: dates written with month names in the eight languages,
loosely spaced Korean and Chinese dates, phone numbers and e-mail addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

import yaml
from babel.dates import get_month_names

from haina import paths
from haina.languages import LANGUAGES, LOCALES

ENTITY_PATTERNS = paths.BOT / "data" / "entity_patterns.yml"
SALT_ENV = "HAINA_PASSPORT_SALT"
SALT_FILE_NAME = "passport_salt"

PASSPORT, APPLICATION, DATE, PHONE, EMAIL = "passport_number", "application_number", "date_of_birth", "phone", "email"
ALL_KINDS: tuple[str, ...] = (EMAIL, APPLICATION, DATE, PHONE, PASSPORT)
MASKS = {PASSPORT: "[passport]", APPLICATION: "[application]", DATE: "[date]", PHONE: "[phone]", EMAIL: "[email]"}

# Not in entity_patterns.yml: e-mail, spaced application and passport numbers, phone numbers (+86 21 6437 0045, 13812345678, 021-64370045) and dates
# the NLU does not need to extract but people type (1988년 3월 14일 with spaces anywhere, 1988 年 3 月 14 日).
_EXTRA = {
    EMAIL: [r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"],
    APPLICATION: [r"\bSH\s*(?:WP|RP)[\s_./\-]*\d{4}[\s_./\-]*\d{6}\b"],  # "SHWP 2026 004217"
    # Passports typed with spaces or dashes ("E 1234 5678", "G-1234-5678").
    PASSPORT: [r"\b[A-Z]{1,2}(?:[ \-]?\d){7,8}\b"],
    PHONE: [r"(?<![\w+])(?:\+|00)\d{1,3}[ \-]?(?:\(?\d{1,4}\)?[ \-]?){1,4}\d{3,4}(?!\w)",
            r"(?<!\w)1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}(?!\w)",
            r"(?<!\w)0\d{2,3}[ \-]\d{7,8}(?!\w)",
            r"(?<!\w)0\d{2,3}\d{8}(?!\w)"],
    DATE: [r"(?:19|20)\d{2}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일",
           r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"],
}


def _month_words() -> list[str]:
    """Month names (wide, abbreviated, genitive) of the eight locales, longest first, for the date regex."""
    words: set[str] = set()
    for language in LANGUAGES:
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for name in get_month_names(width, context, locale=LOCALES[language]).values():
                    words.add(name.rstrip(".").lower())
    # Latin-script only: CJK months are numeric ("3月") and covered by the numeric patterns.
    return sorted((w for w in words if not re.search(r"\d", w)), key=len, reverse=True)


def _written_date_patterns() -> list[str]:
    month = "(?:" + "|".join(re.escape(w) for w in _month_words()) + r")\.?"
    day, year = r"\d{1,2}(?:st|nd|rd|th|er)?\.?", r"(?:19|20)\d{2}"
    return [
        rf"(?<!\d){day}\s+(?:de\s+)?{month}\s+(?:de\s+)?{year}(?:\s*г\.?)?",   # 14 March 1988, 14. März 1988, 14 de marzo de 1988
        rf"(?<![^\W\d_]){month}\s+{day},?\s+{year}(?!\d)",                              # March 14, 1988
    ]


@lru_cache(maxsize=1)
def _patterns() -> dict[str, list[re.Pattern[str]]]:
    data = yaml.safe_load(ENTITY_PATTERNS.read_text(encoding="utf-8")) or {}
    found: dict[str, list[str]] = {}
    for item in data.get("nlu") or []:
        if "regex" in item:
            found[item["regex"]] = [line.strip()[2:].strip() for line in str(item["examples"]).splitlines()
                                    if line.strip().startswith("- ")]
    for kind in (PASSPORT, APPLICATION, DATE):
        if not found.get(kind):
            raise RuntimeError(f"{ENTITY_PATTERNS} has no regex for {kind}")
    for kind, extra in _EXTRA.items():
        found.setdefault(kind, []).extend(extra)
    # ASCII word boundaries: in "护照号E12345678" the CJK character before E is not a letter of the number.
    compiled = {kind: [re.compile(p, re.IGNORECASE | re.ASCII) for p in found.get(kind, [])] for kind in ALL_KINDS}
    # Month names need Unicode case folding ("März", "Марта"); their patterns do not rely on \b before a day.
    compiled[DATE].extend(re.compile(p, re.IGNORECASE) for p in _written_date_patterns())
    return compiled


def find(text: str, kind: str) -> list[str]:
    """Every value of one kind (see ALL_KINDS) in the text, in order; overlapping matches keep the longest."""
    spans = sorted({m.span() for pattern in _patterns()[kind] for m in pattern.finditer(text or "")},
                   key=lambda span: (span[0], -span[1]))
    values, end = [], -1
    for start, stop in spans:
        if start >= end:
            values.append(text[start:stop])
            end = stop
    return values


def redact(text: str, kinds: tuple[str, ...] = ALL_KINDS) -> str:
    """The text with personal identifiers replaced by placeholders such as "[passport]".

    Application numbers and e-mail addresses are masked before passports and phones so that their parts
    are not mistaken for the shorter kinds; written dates before numeric ones.
    """
    if not text or not _MAYBE_PERSONAL.search(text):
        return text
    return _redact_all(text, kinds)


# Every identifier pattern needs a digit, except e-mail addresses, which need "@" (a test checks both):
# a text with neither, as most of what is masked is (intent names, questions), is left as it is at once.
_MAYBE_PERSONAL = re.compile(r"[\d@]")


def _redact_all(text: str, kinds: tuple[str, ...]) -> str:
    for kind in ALL_KINDS:
        if kind in kinds:
            for pattern in _longest_first(kind):
                text = pattern.sub(MASKS[kind], text)
    return text


@lru_cache(maxsize=None)
def _longest_first(kind: str) -> tuple[re.Pattern[str], ...]:
    return tuple(sorted(_patterns()[kind], key=lambda p: -len(p.pattern)))


def hash_sender(sender_id: str) -> str:
    """A stable pseudonym for a conversation id, so turns can be followed without exposing it."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:16]


def _salt_file() -> Path:
    return paths.VAR / SALT_FILE_NAME


@lru_cache(maxsize=4)
def _salt_for(env_value: str | None, file: Path) -> bytes:
    if env_value:
        return env_value.encode("utf-8")
    try:
        return file.read_bytes().strip()
    except FileNotFoundError:
        pass
    file.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode("ascii")
    try:
        # O_EXCL: when two processes start at once, one creates the file and the other reads it.
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return file.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(value)
    return value


def secret_salt() -> bytes:
    """The installation's secret: HAINA_PASSPORT_SALT, else var/passport_salt (created once)."""
    return _salt_for(os.environ.get(SALT_ENV) or None, _salt_file())


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 under the secret salt; `purpose` separates the uses (passport, application number)."""
    message = f"{purpose}\x00{value}".encode("utf-8")
    return hmac.new(secret_salt(), message, hashlib.sha256).hexdigest()


def normalise_passport(number: str) -> str:
    """Upper case without spaces or dashes: 'e 1234-5678' and 'E12345678' are the same passport."""
    return re.sub(r"[\s\-]", "", number or "").upper()


def passport_hash(number: str) -> str:
    """The only form in which a passport number is stored (keyed, so it cannot be looked up without the salt)."""
    return "hmac-sha256$" + keyed_hash(normalise_passport(number), "passport")


def passport_last4(number: str) -> str:
    return normalise_passport(number)[-4:]
