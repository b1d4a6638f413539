"""Loads what the actions need before the action server accepts requests.

rasa-sdk imports every module of this package when the server starts (and only then: unit tests
import the action modules they test, not this one), so the first user of a fresh server does not
wait seconds for the tokenizers, the e5 model and the knowledge index to load.
"""

from __future__ import annotations

import logging

from haina.knowledge.search import knowledge_search
from haina.text.tokenize import warm_up

logger = logging.getLogger(__name__)


def warm() -> None:
    """Load the tokenizers and the knowledge search, and run one search through them."""
    warm_up()
    knowledge_search().search("work permit")


warm()
logger.info("knowledge search loaded")
