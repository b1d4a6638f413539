"""The eight languages Haina speaks, with the names people use for them and their Babel locales."""

from __future__ import annotations

from typing import Final

LANGUAGES: Final[tuple[str, ...]] = ("en", "zh", "ja", "ko", "fr", "de", "es", "ru")
DEFAULT_LANGUAGE: Final[str] = "en"

# Babel locale per language: Simplified Chinese as used in Shanghai.
LOCALES: Final[dict[str, str]] = {
    "en": "en_GB", "zh": "zh_Hans_CN", "ja": "ja_JP", "ko": "ko_KR",
    "fr": "fr_FR", "de": "de_DE", "es": "es_ES", "ru": "ru_RU",
}

# Each language's name in its own language (for the language picker and buttons).
AUTONYMS: Final[dict[str, str]] = {
    "en": "English", "zh": "中文", "ja": "日本語", "ko": "한국어",
    "fr": "Français", "de": "Deutsch", "es": "Español", "ru": "Русский",
}


def normalise(code: object) -> str | None:
    """Map a hint such as 'zh_CN', 'zh-Hans', 'EN-us' or 'ja' to one of our codes, else None."""
    if not isinstance(code, str) or not code.strip():
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None
