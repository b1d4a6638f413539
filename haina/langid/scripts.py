"""What the writing system alone tells about a text's language."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class ScriptCounts:
    han: int = 0
    kana: int = 0
    hangul: int = 0
    cyrillic: int = 0
    latin: int = 0

    @property
    def letters(self) -> int:
        return self.han + self.kana + self.hangul + self.cyrillic + self.latin


def count_scripts(text: str) -> ScriptCounts:
    """Count letters per script; digits, punctuation and emoji count for none."""
    han = kana = hangul = cyrillic = latin = 0
    for ch in text:
        cp = ord(ch)
        if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9D:
            if ch not in "・ー":  # the middle dot and long-vowel mark also appear in Chinese text
                kana += 1
        elif 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
            hangul += 1
        elif 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF:
            han += 1
        elif 0x0400 <= cp <= 0x04FF:
            cyrillic += 1
        elif ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
            latin += 1
    return ScriptCounts(han, kana, hangul, cyrillic, latin)


def script_language(counts: ScriptCounts) -> str | None:
    """The language a script settles for certain among ours: kana → ja, Hangul → ko, Cyrillic → ru.

    Japanese text may hold Latin words and kanji, Chinese text Latin words: any kana makes it
    Japanese, any Hangul Korean. Cyrillic decides only when it outweighs the Latin letters.
    """
    if counts.kana:
        return "ja"
    if counts.hangul:
        return "ko"
    if counts.cyrillic and counts.cyrillic >= counts.latin and not counts.han:
        return "ru"
    return None
