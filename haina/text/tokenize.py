"""One tokenizer for eight languages, chosen by the script and language of each text.

Chinese is cut by jieba with the domain dictionary bot/nlu/jieba_userdict.txt, Japanese by
SudachiPy, the other languages by spaCy's blank rule-based tokenizers (no model downloads).
The NLU tokenizer component and the knowledge search's BM25 both call `tokenize`, so that a word
is split the same way where it is learnt and where it is searched.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from haina import paths
from haina.langid.backends import make_backend
from haina.langid.scripts import count_scripts, script_language

logger = logging.getLogger(__name__)
_LOCK = threading.Lock()
JIEBA_USERDICT = paths.BOT / "nlu" / "jieba_userdict.txt"


@dataclass(frozen=True)
class Token:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokenizer_language(text: str, detector: str = "lingua") -> str:
    """The language whose tokenizer suits a text: by script first, then by the detector."""
    counts = count_scripts(text)
    by_script = script_language(counts)
    if by_script:
        return by_script
    if counts.han:
        return "zh"
    if not counts.latin:
        return "en"
    found = make_backend(detector).detect(text)
    return found.language if found and found.language in ("en", "fr", "de", "es") else "en"


def tokenize(text: str, language: str | None = None) -> list[Token]:
    """Split a text into tokens with their character offsets; whitespace and lone spaces dropped."""
    if not text.strip():
        return []
    language = language or tokenizer_language(text)
    nlp = _pipeline(language)
    tokens = []
    for tok in nlp(text):
        stripped = tok.text.strip()
        if not stripped:
            continue
        # Sudachi may join words around a space ("work permit"): split them back.
        offset = tok.idx
        for part in tok.text.split():
            start = text.find(part, offset)
            tokens.append(Token(part, start if start >= 0 else offset))
            offset = (start if start >= 0 else offset) + len(part)
    return tokens


def warm_up() -> None:
    """Load every language's tokenizer now rather than on the first message in that language."""
    for language in ("en", "zh", "ja", "ko", "fr", "de", "es", "ru"):
        _pipeline(language)


@lru_cache(maxsize=None)
def _pipeline(language: str) -> Any:
    import spacy

    with _LOCK:
        if language == "zh":
            import jieba

            jieba.setLogLevel(logging.WARNING)
            if JIEBA_USERDICT.exists():
                jieba.load_userdict(str(JIEBA_USERDICT))
            return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        if language == "ko":
            # spaCy's default Korean tokenizer needs mecab-ko; the rule-based one works offline.
            return spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
        return spacy.blank(language)
