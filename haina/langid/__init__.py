"""Language identification: which language a message is in and which one to answer in."""

from haina.langid.backends import Detection, LanguageBackend, make_backend
from haina.langid.resolver import LanguageDecision, LanguageResolver

__all__ = ["Detection", "LanguageBackend", "make_backend", "LanguageDecision", "LanguageResolver"]
