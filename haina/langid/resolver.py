"""Which language to answer in: detection, script rules, explicit requests, stickiness and hints.

The rules, in order:
1. An explicit request ("in Japanese please", "请说中文", "auf Deutsch bitte", "по-русски") switches
   the language and pins it for the rest of the conversation.
2. A pinned language stays until another explicit request.
3. A message whose language is certain switches: kana → ja, Hangul → ko, Cyrillic → ru, Han text
   decided between zh and ja (by the characters' national forms, else the detector), a long enough
   text the detector is confident about (for a few Latin words, helped by their frequencies in
   each language: haina.langid.lexicon), or (first message only) a short word from
   bot/language_words.yml such as "Bonjour". Short Han text ("你好", "谢谢") also switches a
   conversation held in a language of another script, since its writer has changed script,
   unless it is nothing but names of places or services ("浦东", "徐汇区"), which anyone may type.
4. Otherwise (short or ambiguous: "ok", "thanks", a number, a passport number, an emoji, a district
   name) the conversation's current language stays; without one, the channel's hint; without one,
   the detector's guess; without one, English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from haina import paths
from haina.languages import DEFAULT_LANGUAGE
from haina.langid import lexicon
from haina.langid.backends import Detection, LanguageBackend, make_backend
from haina.langid.scripts import count_scripts, han_language, mostly_han, script_language

_FILLERS = re.compile(
    r"^(?:please|pls|plz|bitte|svp|s'il vous pla[iî]t|por favor|пожалуйста|请|麻烦你|麻烦|"
    r"すみません|お願いします|제발)\s*|\s*(?:please|pls|plz|bitte|svp|s'il vous pla[iî]t|por favor|"
    r"пожалуйста|谢谢|吧|呀|啊|お願いします|おねがいします|ください|주세요|요)$",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[\s!?.,;:¡¿!?。、,~～…'\"“”«»()（）]+")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class LanguageDecision:
    """The answer language, how it was decided, and the language the user pinned if any."""

    language: str
    reason: str  # request | pinned | script | detected | word | current | hint | guess | default
    pinned: str | None = None
    detected: str | None = None


@dataclass(frozen=True)
class ResolverSettings:
    backend: str = "lingua"
    min_letters: int = 12  # Latin/Cyrillic letters a message needs before the detector may switch
    min_words: int = 3
    min_confidence: float = 0.6
    min_han: int = 4  # Han characters a message needs before it may switch between zh and ja
    word_frequencies: bool = True  # re-rank a few Latin words by their frequency in each language


class LanguageResolver:
    """Decides the answer language of one message given what the conversation already knows."""

    def __init__(self, settings: ResolverSettings | None = None, backend: LanguageBackend | None = None) -> None:
        self.settings = settings or ResolverSettings()
        self.backend = backend or make_backend(self.settings.backend)
        self._requests = _request_patterns()
        self._words = _certain_words()
        if self.settings.word_frequencies:
            lexicon.warm_up()

    # -- the pieces -----------------------------------------------------------------------------
    def explicit_request(self, text: str, classified_as_request: bool = False) -> str | None:
        """The language a message asks for explicitly, or None.

        A message is a request when it matches a pattern of bot/language_requests.yml as a whole,
        or when the classifier took it for `choose_language` and it names one target language.
        """
        cleaned = _strip(text)
        if not cleaned or len(cleaned) > 120:
            return None
        if len(cleaned) <= 60:
            for language, pattern in self._requests.patterns:
                if pattern.fullmatch(cleaned):
                    return language
        if classified_as_request:
            return self._requests.named_target(text)
        return None

    def detect(self, text: str) -> tuple[str | None, bool]:
        """The text's language and whether that is certain enough to switch a conversation."""
        counts = count_scripts(text)
        if counts.letters == 0:
            return None, False
        by_script = script_language(counts)
        if by_script:
            return by_script, True
        if mostly_han(counts):
            return self._han_language(text), counts.han >= self.settings.min_han and not _names_only(text)
        ranking = self.backend.ranking(text)
        if self.settings.word_frequencies:
            ranking = lexicon.rescore(text, ranking)
        found = _latin_clues(text, ranking[0] if ranking else None)
        if found is None:
            return None, False
        words = len(_WORD.findall(text))
        certain = (
            counts.latin + counts.cyrillic >= self.settings.min_letters
            and words >= self.settings.min_words
            and found.confidence >= self.settings.min_confidence
        )
        return found.language, certain

    def _han_language(self, text: str) -> str:
        """Han text without kana: Japanese or Chinese character forms decide, else the detector, else zh."""
        by_form = han_language(text)
        if by_form:
            return by_form
        found = self.backend.detect(text)
        return found.language if found and found.language in ("zh", "ja") else "zh"

    def certain_word(self, text: str) -> str | None:
        return self._words.get(_strip(text).lower())

    # -- the decision ---------------------------------------------------------------------------
    def resolve(
        self,
        text: str,
        current: str | None = None,
        pinned: str | None = None,
        hint: str | None = None,
        classified_as_request: bool = False,
    ) -> LanguageDecision:
        """Apply the rules of this module's docstring to one message."""
        requested = self.explicit_request(text, classified_as_request)
        if requested:
            return LanguageDecision(requested, "request", pinned=requested, detected=requested)
        detected, certain = self.detect(text)
        if pinned:
            return LanguageDecision(pinned, "pinned", pinned=pinned, detected=detected)
        if detected and certain:
            return LanguageDecision(detected, "script" if _by_script(text) else "detected", detected=detected)
        if detected in HAN_LANGUAGES and current and current not in HAN_LANGUAGES and not _names_only(text):
            return LanguageDecision(detected, "script", detected=detected)
        if current is None:
            word = self.certain_word(text)
            if word:
                return LanguageDecision(word, "word", detected=word)
        if current:
            return LanguageDecision(current, "current", detected=detected)
        if hint:
            return LanguageDecision(hint, "hint", detected=detected)
        if detected:
            return LanguageDecision(detected, "guess", detected=detected)
        return LanguageDecision(DEFAULT_LANGUAGE, "default", detected=None)


HAN_LANGUAGES = ("zh", "ja")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def _names_only(text: str) -> bool:
    """Whether a text is nothing but districts, kinds of service and the like (the gazetteer's names)."""
    from haina.directory.gazetteer import gazetteer

    rest = text
    for match in sorted(gazetteer().find(text), key=lambda m: m.start, reverse=True):
        rest = rest[: match.start] + " " + rest[match.end :]
    return rest != text and not _NOT_LETTERS.sub("", rest).strip("区區")


def _latin_clues(text: str, found: Detection | None) -> Detection | None:
    """Correct an unsure detector on Latin text with letters and function words (bot/language_markers.yml)."""
    if found is not None and found.confidence >= 0.6:
        return found
    markers = _markers()
    lowered = text.lower()
    for language, letters in markers["letters"].items():
        if any(ch in lowered for ch in letters):
            return Detection(language, max(found.confidence if found else 0.0, 0.6))
    words = _WORD.findall(lowered)
    votes = sorted(((sum(w in markers["function_words"][l] for w in words), l) for l in markers["function_words"]), reverse=True)
    if votes[0][0] >= 2 and votes[0][0] >= votes[1][0] + 2:
        return Detection(votes[0][1], max(found.confidence if found else 0.0, 0.6))
    return found


@lru_cache(maxsize=1)
def _markers() -> dict:
    data = yaml.safe_load(Path(paths.BOT / "language_markers.yml").read_text(encoding="utf-8"))
    data["function_words"] = {k: frozenset(v) for k, v in data["function_words"].items()}
    return data


def _by_script(text: str) -> bool:
    return script_language(count_scripts(text)) is not None


def _strip(text: str) -> str:
    cleaned = _PUNCT.sub(" ", text).strip()
    for _ in range(2):
        cleaned = _FILLERS.sub("", cleaned).strip()
    return cleaned


@dataclass(frozen=True)
class RequestRules:
    """bot/language_requests.yml, compiled."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    names: tuple[tuple[str, re.Pattern[str]], ...]
    negation: re.Pattern[str]

    def named_target(self, text: str) -> str | None:
        """The one language a message names, ignoring those a negation points away from."""
        found: list[str] = []
        for clause in re.split(r"[,.;!?、，。；！？]|\bbut\b|\baber\b|\bmais\b|\bpero\b|\bно\b", text, flags=re.I):
            negated = bool(self.negation.search(clause))
            for language, pattern in self.names:
                if pattern.search(clause) and not negated and language not in found:
                    found.append(language)
        return found[0] if len(found) == 1 else None


def _name_pattern(names: list[str]) -> str:
    alternatives = sorted(names, key=len, reverse=True)
    return "(?:" + "|".join(alternatives) + ")"


def _bounded(word: str) -> str:
    """A name or negation as a whole word; CJK words have no spaces around them, so no bounds."""
    if word[0].isascii() or "\u0400" <= word[0] <= "\u04ff":
        return rf"(?<!\w){word}(?!\w)"
    return word


@lru_cache(maxsize=1)
def _request_patterns() -> RequestRules:
    data = yaml.safe_load(Path(paths.BOT / "language_requests.yml").read_text(encoding="utf-8"))
    patterns, names = [], []
    for language, words in data["names"].items():
        group = _name_pattern(words)
        names.append((language, re.compile("|".join(_bounded(w) for w in words), re.I)))
        for pattern in data["patterns"]:
            patterns.append((language, re.compile(pattern.replace("{name}", group), re.IGNORECASE)))
    negation = re.compile("|".join(_bounded(w) for w in data["negations"]), re.I)
    return RequestRules(tuple(patterns), tuple(names), negation)


@lru_cache(maxsize=1)
def _certain_words() -> dict[str, str]:
    data = yaml.safe_load(Path(paths.BOT / "language_words.yml").read_text(encoding="utf-8"))
    return {word.lower(): language for language, words in data.items() for word in words}
