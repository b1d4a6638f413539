"""Rasa's bot messages as WeChat texts: plain text, numbered options, plain URLs, 2,048 bytes each.

WeChat shows text only (no buttons, no markdown), and a text message holds at most 2,048 bytes.
The messages of one turn are joined into one text when they fit, else split at paragraph, line,
sentence or word boundaries (never inside a UTF-8 character). Buttons become numbered options;
the payloads are returned so the channel can map the user's "2" back to the second button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from haina import i18n

LIMIT_BYTES = 2048
MAX_MESSAGES = 5  # customer-service messages per turn; WeChat limits how many may follow one message

_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_HTML_LINK = re.compile(r"<a\s[^>]*href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.I | re.S)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^#{1,6}\s+", re.M)
_STAR_BULLET = re.compile(r"^(\s*)[*+]\s+", re.M)
_TAGS = re.compile(r"</?(?:b|strong|i|em|br|p|span)\b[^>]*>", re.I)
# Where a sentence ends: Latin punctuation followed by a space, or CJK punctuation.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；…])")
_LEVELS: tuple[re.Pattern[str], ...] = (re.compile(r"\n{2,}"), re.compile(r"\n"), _SENTENCE_END, re.compile(r"\s+"))


@dataclass(frozen=True)
class Turn:
    """What one turn of the assistant looks like on WeChat."""

    texts: list[str]
    options: list[str] = field(default_factory=list)  # payloads of the numbered options, in order


def plain(text: str) -> str:
    """Markdown and the few HTML tags bots emit, as plain text; links as 'title URL'."""
    text = _HTML_LINK.sub(lambda m: _link(m.group(2), m.group(1)), text)
    text = _LINK.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = _BOLD.sub(r"\2", text)
    text = _CODE.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _STAR_BULLET.sub(r"\1- ", text)
    text = _TAGS.sub("", text)
    return text.strip()


def _link(title: str, url: str) -> str:
    title = title.strip()
    return url if not title or title == url else f"{title} {url}"


def render_turn(messages: Iterable[dict[str, Any]], language: str, limit: int = LIMIT_BYTES) -> Turn:
    """The bot messages of a turn (as Rasa sends them) as WeChat texts and numbered options."""
    blocks: list[str] = []
    options: list[str] = []
    option_lines: list[str] = []
    for message in messages:
        lines = []
        if message.get("text"):
            lines.append(plain(str(message["text"])))
        for button in list(message.get("buttons") or []) + list(message.get("quick_replies") or []):
            title = plain(str(button.get("title") or ""))
            if button.get("url") or button.get("type") == "web_url":
                lines.append(_link(title, str(button.get("url") or button.get("payload") or "")))
            elif button.get("payload") is not None:
                options.append(str(button["payload"]))
                option_lines.append(f"{len(options)}. {title or button['payload']}")
                lines.append(option_lines[-1])
        for key in ("image", "attachment"):
            if isinstance(message.get(key), str):
                lines.append(message[key])
        if lines:
            blocks.append("\n".join(line for line in lines if line))
    tail = None
    if options:
        blocks.append(i18n.t("wechat.options_hint", language))
        tail = "\n".join(option_lines) + "\n\n" + blocks[-1]
    text = "\n\n".join(block for block in blocks if block)
    return Turn(split(text, limit, tail=tail) if text else [], options)


def split(text: str, limit: int = LIMIT_BYTES, max_parts: int = MAX_MESSAGES, tail: str | None = None) -> list[str]:
    """Cut a text into parts of at most `limit` UTF-8 bytes at the best boundaries available.

    Beyond `max_parts` the text is shortened (ending with "…"); `tail` (the numbered options) is
    then kept as the last part, so the user can still answer with a number.
    """
    parts = _pack(text, limit, 0)
    if len(parts) <= max_parts:
        return parts
    ending = _pack(tail, limit, 0) if tail else []
    parts = parts[:max(1, max_parts - len(ending))]
    parts[-1] = _cut_bytes(parts[-1], limit - len("…".encode()))[0].rstrip() + "…"
    return parts + ending


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _pack(text: str, limit: int, level: int) -> list[str]:
    text = text.strip()
    if _size(text) <= limit:
        return [text] if text else []
    if level >= len(_LEVELS):
        return _hard_split(text, limit)
    pieces = _pieces(text, _LEVELS[level])
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if _size(current + piece) <= limit:
            current += piece
            continue
        if current.strip():
            parts.append(current.strip())
        if _size(piece) <= limit:
            current = piece
        else:
            parts.extend(_pack(piece, limit, level + 1))
            current = ""
    if current.strip():
        parts.append(current.strip())
    return parts


def _pieces(text: str, boundary: re.Pattern[str]) -> list[str]:
    """The text cut after each boundary, each piece keeping its separator."""
    pieces, start = [], 0
    for match in boundary.finditer(text):
        if match.end() > start:
            pieces.append(text[start:match.end()])
            start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _hard_split(text: str, limit: int) -> list[str]:
    parts = []
    while text:
        head, text = _cut_bytes(text, limit)
        parts.append(head)
    return parts


def _cut_bytes(text: str, limit: int) -> tuple[str, str]:
    """The longest prefix within `limit` bytes that ends on a character boundary, and the rest."""
    head = text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
    return head, text[len(head):]
