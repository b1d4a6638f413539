"""Word frequencies as evidence for short Latin-script texts, where detectors guess.

Two or three words carry too few letters for a character model to tell English from French,
German or Spanish ("insurance agent", "service public", "wellness mountain"), but how common each
word is in each language (wordfreq's lists, built from many corpora) says a lot. The detector's
confidences are combined with the words' frequencies; a word a language has never seen counts
as rare in it, not impossible.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from haina.langid.backends import Detection

LATIN_LANGUAGES = ("en", "fr", "de", "es")
MAX_WORDS = 4  # beyond this the detector's own evidence is better than a bag of word frequencies
FLOOR = 1e-7  # frequency of a word a language's list does not have
WORD_WEIGHT = 0.5  # weight of the words' log-frequencies against the detector's log-confidence
PRIOR_FLOOR = 1e-3  # a language the detector ruled out can still win on its words
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


@lru_cache(maxsize=8192)
def _frequency(word: str, language: str) -> float:
    from wordfreq import word_frequency

    return max(word_frequency(word, language, wordlist="small"), FLOOR)


def words(text: str) -> list[str]:
    """The words of a text, lowercased; digits and identifiers do not count."""
    return _WORD.findall(text.lower())


def rescore(text: str, ranking: list[Detection]) -> list[Detection]:
    """The detector's ranking, re-ranked by word frequencies when the text is a few Latin words.

    Only the Latin-script languages are re-ranked, and only when the detector's best guess is one
    of them; confidences stay a distribution over those languages.
    """
    found = words(text)
    if not ranking or not found or len(found) > MAX_WORDS or ranking[0].language not in LATIN_LANGUAGES:
        return ranking
    prior = {d.language: d.confidence for d in ranking}
    latin_mass = sum(prior.get(language, 0.0) for language in LATIN_LANGUAGES)
    scores = {
        language: math.log(prior.get(language, 0.0) + PRIOR_FLOOR)
        + WORD_WEIGHT * sum(math.log(_frequency(word, language)) for word in found)
        for language in LATIN_LANGUAGES
    }
    top = max(scores.values())
    total = sum(math.exp(s - top) for s in scores.values())
    rescored = [Detection(language, latin_mass * math.exp(s - top) / total) for language, s in scores.items()]
    others = [d for d in ranking if d.language not in LATIN_LANGUAGES]
    return sorted(rescored + others, key=lambda d: d.confidence, reverse=True)


def warm_up() -> None:
    """Load the word lists now rather than on the first short message."""
    for language in LATIN_LANGUAGES:
        _frequency("the", language)
