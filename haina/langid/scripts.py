"""What the writing system alone tells about a text's language."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


HAN_WEIGHT = 3  # letters one Han character is worth when scripts are mixed


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
        elif _is_han(cp):
            han += 1
        elif 0x0400 <= cp <= 0x04FF:
            cyrillic += 1
        elif ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
            latin += 1
    return ScriptCounts(han, kana, hangul, cyrillic, latin)


def script_language(counts: ScriptCounts) -> str | None:
    """The language a script settles for certain among ours: kana → ja, Hangul → ko, Cyrillic → ru.

    Japanese text may hold Latin words and kanji, Chinese text Latin words: any kana makes it
    Japanese, any Hangul Korean. Cyrillic decides when it outweighs the Latin letters and the Han
    characters (a Han character counts as three letters: a Russian sentence that quotes a Chinese
    term, "разрешение на работу (外国人工作许可证)", is Russian).
    """
    if counts.kana:
        return "ja"
    if counts.hangul:
        return "ko"
    if counts.cyrillic and counts.cyrillic >= counts.latin and counts.cyrillic > HAN_WEIGHT * counts.han:
        return "ru"
    return None


def mostly_han(counts: ScriptCounts) -> bool:
    """Whether Han characters carry the text (each weighs as much as three Latin or Cyrillic letters)."""
    return bool(counts.han) and HAN_WEIGHT * counts.han >= counts.latin + counts.cyrillic


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


@lru_cache(maxsize=16384)
def han_form(ch: str) -> str | None:
    """Which language a Han character's form belongs to alone, judged by the national character sets.

    A character of Japanese JIS X 0208 that neither Simplified (GB 2312) nor Traditional (Big5)
    Chinese has is a Japanese form (変, 労, 険, 証, 続); one GB 2312 has and JIS does not is a
    Simplified Chinese form (这, 证, 签, 积, 们). Shared characters (上海, 医院) and Traditional
    forms tell nothing.
    """
    japanese, simplified = _encodes(ch, "euc_jp"), _encodes(ch, "gb2312")
    if japanese and not simplified and not _encodes(ch, "big5"):
        return "ja"
    if simplified and not japanese:
        return "zh"
    return None


def han_language(text: str) -> str | None:
    """zh or ja when the text's Han characters lean to one side's forms, else None."""
    forms = [han_form(ch) for ch in text if _is_han(ord(ch))]
    japanese, chinese = forms.count("ja"), forms.count("zh")
    if japanese == chinese:
        return None
    return "ja" if japanese > chinese else "zh"


def _is_han(cp: int) -> bool:
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
