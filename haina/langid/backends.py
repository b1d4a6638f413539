"""Pluggable language detectors, restricted to our eight languages.

The backend is named in config.yml (`backend: lingua` or `backend: langdetect`); `make bench-nlu`
compares them on ../shared/langid. Both are loaded once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from haina.languages import LANGUAGES


@dataclass(frozen=True)
class Detection:
    """The detector's best language and its confidence in [0, 1]."""

    language: str
    confidence: float


class LanguageBackend(Protocol):
    name: str

    def detect(self, text: str) -> Detection | None:
        """The most likely of our languages, or None when the text has no language signal."""


class LinguaBackend:
    """lingua-language-detector with models for our eight languages only, preloaded."""

    name = "lingua"

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
        self._detector = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()

    def detect(self, text: str) -> Detection | None:
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        if best.value <= 0.0:
            return None
        return Detection(best.language.iso_code_639_1.name.lower(), float(best.value))


class LangdetectBackend:
    """langdetect (a port of Google's language-detection), seeded so results are repeatable."""

    name = "langdetect"

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        from langdetect import DetectorFactory

        DetectorFactory.seed = 0
        self._factory = DetectorFactory()
        self._factory.load_profile(_langdetect_profiles())
        self._languages = set(languages)

    def detect(self, text: str) -> Detection | None:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            return None
        for candidate in ranked:
            code = "zh" if candidate.lang.startswith("zh") else candidate.lang
            if code in self._languages:
                return Detection(code, float(candidate.prob))
        return None


def _langdetect_profiles() -> str:
    import os

    import langdetect

    return os.path.join(os.path.dirname(langdetect.__file__), "profiles")


@lru_cache(maxsize=None)
def make_backend(name: str) -> LanguageBackend:
    """One shared detector per backend name and process."""
    if name == "lingua":
        return LinguaBackend()
    if name == "langdetect":
        return LangdetectBackend()
    raise ValueError(f"unknown language detector backend {name!r} (use 'lingua' or 'langdetect')")
