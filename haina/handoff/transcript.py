"""A conversation's Rasa events as a transcript for staff, with a Chinese rendering where one exists.

- user messages as typed (Rasa's tracker store has already masked passport numbers and dates of
  birth; a button press shows as its payload, marked), with the language the assistant detected for
  them (the `language` entity of haina.langid's LanguageDetector) and the intent;
- the assistant's messages, and beside each one its Chinese version where the content has one: an
  article answer (recognised by the "Did this help?" buttons that name the article) is rendered again
  in Chinese from the knowledge base; a domain response (`utter_*`) is shown in its Chinese variation;
  a text from bot/strings whose key the action put in the message's metadata (`haina_key`) in Chinese;
- staff replies (metadata `haina_staff`), and the moments the conversation was paused and resumed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Sequence

import yaml

from haina import i18n, paths
from haina.knowledge.render import render_article
from haina.knowledge.search import KnowledgeSearch
from haina.languages import LANGUAGES

CHINESE = "zh"
_ARTICLE_IN_PAYLOAD = re.compile(r'"article_id"\s*:\s*"([^"]+)"')
_FEEDBACK_PAYLOAD = "/give_feedback"


@dataclass(frozen=True)
class Item:
    """One line of the transcript."""

    index: int  # position among the conversation's events (the console asks for what came after)
    kind: str  # user | bot | staff | paused | resumed
    time: dt.datetime
    text: str = ""
    language: str | None = None  # user: detected; bot: the conversation's language then
    intent: str | None = None
    confidence: float | None = None
    chinese: str | None = None  # the Chinese rendering of a bot message, when one exists
    article_id: str | None = None
    buttons: tuple[str, ...] = field(default=())
    payload: bool = False  # a button press or the widget's opening payload ("/greet{...}"), not typed text

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "kind": self.kind, "time": self.time.isoformat(timespec="seconds") + "Z",
                "text": self.text, "language": self.language, "intent": self.intent,
                "confidence": None if self.confidence is None else round(self.confidence, 3),
                "chinese": self.chinese, "article_id": self.article_id, "buttons": list(self.buttons),
                "payload": self.payload}


@lru_cache(maxsize=1)
def _responses() -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((paths.BOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged.update(data.get("responses") or {})
    return merged


def response_text(name: str, language: str) -> str | None:
    """The text of a domain response's variation for a language (None when there is no such response)."""
    for variation in _responses().get(name, []):
        conditions = variation.get("condition") or []
        if any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return variation.get("text")
    return None


def _time(event: Mapping[str, Any]) -> dt.datetime:
    stamp = float(event.get("timestamp") or 0.0)
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).replace(tzinfo=None)


def _user_language(event: Mapping[str, Any]) -> str | None:
    for entity in (event.get("parse_data") or {}).get("entities") or []:
        if entity.get("entity") == "language" and entity.get("value") in LANGUAGES:
            return str(entity["value"])
    return None


def _article_of_feedback(event: Mapping[str, Any]) -> str | None:
    for button in ((event.get("data") or {}).get("buttons") or []):
        payload = str(button.get("payload") or "")
        if payload.startswith(_FEEDBACK_PAYLOAD):
            found = _ARTICLE_IN_PAYLOAD.search(payload)
            if found:
                return found.group(1)
    return None


def _button_articles(event: Mapping[str, Any]) -> list[str]:
    found = []
    for button in ((event.get("data") or {}).get("buttons") or []):
        payload = str(button.get("payload") or "")
        match = _ARTICLE_IN_PAYLOAD.search(payload)
        if match and not payload.startswith(_FEEDBACK_PAYLOAD):
            found.append(match.group(1))
    return found


def _chinese_for_bot(event: Mapping[str, Any], article_id: str | None, search: KnowledgeSearch) -> str | None:
    metadata = event.get("metadata") or {}
    if article_id and article_id in search.articles:
        return render_article(search.articles[article_id], CHINESE, search.articles).text
    key = metadata.get("haina_key")
    if isinstance(key, str):
        try:
            return i18n.t(key, CHINESE, **(metadata.get("haina_values") or {}))
        except (KeyError, IndexError, ValueError):
            return None
    name = metadata.get("utter_action")
    if isinstance(name, str):
        text = response_text(name, CHINESE)
        articles = [search.articles[a].text("title", CHINESE) for a in _button_articles(event) if a in search.articles]
        if text and articles:
            return text + "\n" + "\n".join(f"· {title}" for title in articles)
        return text
    return None


def build(events: Sequence[Mapping[str, Any]], search: KnowledgeSearch, after: int = -1) -> list[Item]:
    """The transcript items of the events after position `after` (all by default)."""
    items: list[Item] = []
    language: str | None = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "language" and event.get("value") in LANGUAGES:
            language = str(event["value"])
        if index <= after:
            continue
        if kind == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            text = str(event.get("text") or "")
            items.append(Item(index, "user", _time(event), text, _user_language(event), intent.get("name"),
                              intent.get("confidence"), payload=text.startswith("/")))
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            buttons = tuple(str(b.get("title") or "") for b in ((event.get("data") or {}).get("buttons") or []))
            if metadata.get("haina_staff"):
                items.append(Item(index, "staff", _time(event), str(event.get("text") or ""), language))
                continue
            following = events[index + 1] if index + 1 < len(events) else None
            article = _article_of_feedback(following) if following and following.get("event") == "bot" else None
            items.append(Item(index, "bot", _time(event), str(event.get("text") or ""), language,
                              chinese=None if language == CHINESE else _chinese_for_bot(event, article, search),
                              article_id=article, buttons=buttons))
        elif kind in ("pause", "resume"):
            items.append(Item(index, "paused" if kind == "pause" else "resumed", _time(event)))
    return items


def transcript_json(items: Sequence[Item]) -> str:
    return json.dumps([i.as_json() for i in items], ensure_ascii=False)
