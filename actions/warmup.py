"""Loads what the actions need before the action server accepts requests.

rasa-sdk imports every module of this package when the server starts (and only then: unit tests
import the action modules they test, not this one), so the first user of a fresh server does not
wait for the articles and their index to load. The NLU chooses the article (answer_choice in the
parse), so the e5 model is not loaded here: it loads only if an old model's parse lacks a choice.
"""

from __future__ import annotations

import logging

from haina.knowledge.search import knowledge_search

logger = logging.getLogger(__name__)


def warm() -> None:
    """Load the articles, their BM25 index and their embeddings."""
    knowledge_search()


warm()
logger.info("knowledge search loaded")
