"""The answer to a verified applicant: the status and its date, what it means, what comes next and
how long that usually takes (only figures with an official source: next_steps.yml), in the user's
language, with dates formatted for the user's locale (haina.i18n)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_time, get_timezone
from babel.lists import format_list

from haina import i18n
from haina.db.models import STATUSES
from haina.permits.lookup import ApplicationStatus

SHANGHAI = get_timezone("Asia/Shanghai")
NEXT_STEPS = Path(__file__).resolve().parent / "next_steps.yml"
DOCUMENT_CODES = ("degree_authentication", "criminal_record", "health_certificate", "employment_contract", "photo",
                  "passport_copy", "cv", "reference_letter")
REASON_CODES = ("criteria_not_met", "documents_not_provided", "employer_not_eligible")


@lru_cache(maxsize=1)
def next_steps() -> dict[str, Any]:
    return yaml.safe_load(NEXT_STEPS.read_text(encoding="utf-8")) or {}


def route(application_type: str) -> str:
    return "residence_permit" if application_type == "residence_permit" else "work_permit"


def status_label(status: str, language: str) -> str:
    """'Under review': the status as the assistant states it (the README quotes the English one)."""
    return i18n.t(f"permit.status.{status}", language)


def _coded(prefix: str, value: str, codes: tuple[str, ...], language: str) -> str:
    """A document or reason code in the user's language; a free text from an export as written."""
    return i18n.t(f"{prefix}.{value}", language) if value in codes else value


def _duration(fact: dict[str, Any], language: str) -> str:
    shown = i18n.duration(fact["value"], fact["unit"], language, working=bool(fact.get("working")))
    return i18n.t("up_to", language, value=shown) if fact.get("up_to") else shown


def _source(article_id: str, language: str) -> str:
    from haina.knowledge.store import load_articles

    article = load_articles()[article_id]
    authority = article.source_authority.get(language) or article.source_authority.get("en", "")
    return i18n.t("permit.source", language, authority=authority, url=article.source_url)


def _timing(status: ApplicationStatus, language: str) -> list[str]:
    steps = next_steps()
    current = status.current.status
    if current in steps.get("final", []):
        return []
    entry = (steps.get(current) or {}).get(route(status.type))
    if not entry:
        return [i18n.t("permit.duration.varies", language)]
    fact = entry.get("category_a") if status.category == "A" and entry.get("category_a") else entry["duration"]
    return [i18n.t("permit.duration.up_to", language, duration=_duration(fact, language)), _source(entry["source"], language)]


def _after_collection(status: ApplicationStatus, language: str) -> list[str]:
    entry = (next_steps().get(status.current.status) or {}).get(status.type)
    if not entry or "deadline" not in entry:
        return []
    return [i18n.t(f"permit.next.{status.current.status}.{status.type}", language,
                   deadline=_duration(entry["deadline"], language)), _source(entry["source"], language)]


def render_status(status: ApplicationStatus, language: str) -> str:
    """The whole answer as lines of text (plain text: it goes to every channel, WeChat included)."""
    current = status.current
    if current.status not in STATUSES:
        raise ValueError(f"unknown status {current.status!r}")
    lines = [i18n.t("permit.answer", language, number=status.number,
                    type=i18n.t(f"permit.type.{status.type}", language),
                    status=status_label(current.status, language), date=i18n.date(current.date, language))]
    documents = format_list([_coded("permit.document", d, DOCUMENT_CODES, language) for d in current.documents],
                            locale=i18n.locale(language)) if current.documents else ""
    reason = _coded("permit.reason", current.reason, REASON_CODES, language) if current.reason else ""
    lines.append(i18n.t(f"permit.meaning.{current.status}", language, documents=documents, reason=reason))
    lines.append(i18n.t(f"permit.next.{current.status}", language))
    lines += _after_collection(status, language) or _timing(status, language)
    return "\n".join(line for line in lines if line)


def locked_message(until: dt.datetime, language: str) -> str:
    """'Please try again after 15:42 (Shanghai time)': `until` is naive UTC."""
    moment = until.replace(tzinfo=dt.timezone.utc)
    shown = format_time(moment, format="short", tzinfo=SHANGHAI, locale=i18n.locale(language))
    return i18n.t("permit.locked", language, time=shown)
