"""Article bodies (restricted Markdown, see docs/content-guide.md) as safe HTML for the FAQ pages.

Raw HTML in a body is shown as text, never interpreted: `<` and `>` are escaped before Markdown
runs. Plain https:// addresses become links. Python-Markdown needs a blank line before a list,
which our bodies (written for chat) do not have, so one is added.
"""

from __future__ import annotations

import re

import markdown
from markupsafe import Markup

_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TRAILING = ".,;:!?')]"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        tail = url[-1] + tail
        url = url[:-1]
    return f"<{url}>{tail}"


def _blank_line_before_lists(text: str) -> str:
    out: list[str] = []
    previous = ""
    for line in text.splitlines():
        if _LIST_ITEM.match(line) and previous.strip() and not _LIST_ITEM.match(previous):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


def body_html(text: str) -> Markup:
    """Markdown body → HTML; its headings become h3, below the page's own h1 and h2."""
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    safe = _URL.sub(_link, safe.replace("&amp;", "&"))
    html = markdown.markdown(_blank_line_before_lists(safe), extensions=["sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h[1-3]>", lambda m: f"<{m.group(1)}h3>", html)
    return Markup(html)
