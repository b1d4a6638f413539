"""Pluggable language detectors, restricted to our eight languages.

The backend is named in config.yml (`backend: lingua` or `backend: langdetect`); `make bench-nlu`
compares them on ../shared/langid. Both are loaded once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from haina.languages import LANGUAGES


@dataclass(frozen=True)
class Detection:
    """A language and the detector's confidence in it, in [0, 1]."""

    language: str
    confidence: float


class LanguageBackend:
    """A detector: `ranking` is what each backend implements, `detect` its first entry."""

    name = "base"

    def ranking(self, text: str) -> list[Detection]:
        """Our languages the text may be in, most likely first; empty when it has no language signal."""
        raise NotImplementedError

    def detect(self, text: str) -> Detection | None:
        """The most likely of our languages, or None."""
        ranked = self.ranking(text)
        return ranked[0] if ranked else None


class LinguaBackend(LanguageBackend):
    """lingua-language-detector with models for our eight languages only, preloaded."""

    name = "lingua"

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
        self._detector = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()

    def ranking(self, text: str) -> list[Detection]:
        values = self._detector.compute_language_confidence_values(text)
        return [Detection(v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values if v.value > 0.0]


class LangdetectBackend(LanguageBackend):
    """langdetect (a port of Google's language-detection), seeded so results are repeatable."""

    name = "langdetect"

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        from langdetect import DetectorFactory

        DetectorFactory.seed = 0
        self._factory = DetectorFactory()
        self._factory.load_profile(_langdetect_profiles())
        self._languages = set(languages)

    def ranking(self, text: str) -> list[Detection]:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            return []
        found: dict[str, float] = {}
        for candidate in ranked:  # zh-cn and zh-tw both count for zh
            code = "zh" if candidate.lang.startswith("zh") else candidate.lang
            if code in self._languages:
                found[code] = found.get(code, 0.0) + float(candidate.prob)
        return [Detection(code, p) for code, p in sorted(found.items(), key=lambda kv: kv[1], reverse=True)]


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
