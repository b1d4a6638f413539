"""What each kind of WeChat message means for the assistant.

Text goes to the assistant; voice too when WeChat's speech recognition produced a text; a
shared location becomes the directory payload of menu.yml with the coordinates as metadata;
a menu CLICK becomes the payload its key maps to; pictures, videos, files and links get a
polite answer that only text is understood; a subscription gets the welcome; the rest is silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from wechatpy.messages import BaseMessage

MENU_FILE = Path(__file__).with_name("menu.yml")
NOT_TEXT = {"image", "video", "shortvideo", "file", "link", "miniprogrampage", "music", "news"}


@dataclass(frozen=True)
class Inbound:
    """kind: ask (send `text` to the assistant) | say (answer with the string `key`) | welcome | silent."""

    kind: str
    text: str = ""
    key: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    location: dict[str, Any] | None = None  # a location to remember for the next messages
    note: str = ""  # what it was, for the log (never the content)


@dataclass(frozen=True)
class Menu:
    clicks: dict[str, str]
    location: str


@lru_cache(maxsize=4)
def load_menu(path: Path = MENU_FILE) -> Menu:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    clicks = {str(k): str(v) for k, v in (data.get("clicks") or {}).items()}
    return Menu(clicks=clicks, location=str(data.get("location") or "/search_directory"))


def dedup_key(message: BaseMessage) -> str:
    """MsgId for messages; FromUserName + CreateTime for events (WeChat's advice), with the event
    and its key so that two menu taps within one second stay two."""
    data = message._data
    if data.get("MsgId"):
        return f"msg:{data['MsgId']}"
    return f"event:{message.source}:{data.get('CreateTime', '')}:{data.get('Event', '')}:{data.get('EventKey', '')}"


def _location(lat: Any, lon: Any, label: Any) -> dict[str, Any] | None:
    try:
        latitude, longitude = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return {"lat": latitude, "lon": longitude, "label": str(label).strip() if label else None}


def interpret(message: BaseMessage, menu: Menu | None = None) -> Inbound:
    """What to do with one parsed message (wechatpy's parse_message result)."""
    menu = menu or load_menu()
    kind = (message._data.get("MsgType") or "").lower()
    if kind == "text":
        text = (message._data.get("Content") or "").strip()
        return Inbound("ask", text=text, note="text") if text else Inbound("silent", note="empty text")
    if kind == "voice":
        recognised = (message._data.get("Recognition") or "").strip()
        if recognised:
            return Inbound("ask", text=recognised, note="voice")
        return Inbound("say", key="wechat.voice_not_recognised", note="voice without recognition")
    if kind == "location":
        data = message._data
        place = _location(data.get("Location_X"), data.get("Location_Y"), data.get("Label"))
        if place is None:
            return Inbound("say", key="wechat.location_unreadable", note="location out of range")
        return Inbound("ask", text=menu.location, metadata={"location": place}, location=place, note="location")
    if kind in NOT_TEXT:
        return Inbound("say", key="wechat.text_only", note=kind)
    if kind == "event":
        return _event(message, menu)
    return Inbound("say", key="wechat.unknown_type", note=f"unknown type {kind[:20]!r}")


def _event(message: BaseMessage, menu: Menu) -> Inbound:
    data = message._data
    event = (data.get("Event") or "").lower()
    if event in ("subscribe", "subscribe_scan"):
        return Inbound("welcome", note=event)
    if event == "unsubscribe":
        return Inbound("silent", note="unsubscribe")
    if event == "click":
        key = str(data.get("EventKey") or "")
        payload = menu.clicks.get(key)
        if payload:
            return Inbound("ask", text=payload, note=f"menu {key[:40]}")
        return Inbound("say", key="wechat.menu_unknown", note="unknown menu key")
    if event == "location":
        # The periodic location report (when the account asks users for it): remembered, not answered.
        place = _location(data.get("Latitude"), data.get("Longitude"), None)
        return Inbound("silent", location=place, note="location report")
    return Inbound("silent", note=f"event {event[:30]}")
