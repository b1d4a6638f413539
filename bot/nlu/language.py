"""LanguageDetector: decides each message's answer language and hands it to the `language` slot.

It reads what the conversation knows (the `language` and `language_pinned` slots, the channel's
hint in the message metadata or the session-start metadata) from the tracker, applies the rules of
haina.langid.resolver, and adds the result as the entity `language` (and `language_pinned` on an
explicit request), which the domain maps to slots. An explicit request also sets the intent
`choose_language`, so the switch never depends on the classifier.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from haina.langid.resolver import LanguageResolver, ResolverSettings
from haina.languages import normalise

LANGUAGE_SLOT = "language"
PINNED_SLOT = "language_pinned"
DECISION_KEY = "language_decision"


def channel_hint(message: Message, tracker: Optional[DialogueStateTracker]) -> Optional[str]:
    """The language the channel suggests: the message's metadata, else the session's metadata."""
    for metadata in (message.get("metadata"), _session_metadata(tracker)):
        if isinstance(metadata, dict):
            for key in ("language", "lang", "locale"):
                found = normalise(metadata.get(key))
                if found:
                    return found
    return None


def _session_metadata(tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    if tracker is None:
        return None
    value = tracker.get_slot("session_started_metadata")
    return value if isinstance(value, dict) else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds the answer language of each message as the `language` entity."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return dataclasses.asdict(ResolverSettings())

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        settings = ResolverSettings(**{k: config[k] for k in self.get_default_config()})
        self.resolver = LanguageResolver(settings)

    def process(self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        for message in messages:
            self._process(message, tracker)
        return messages

    def _process(self, message: Message, tracker: Optional[DialogueStateTracker]) -> None:
        text = message.get(TEXT) or ""
        current = normalise(tracker.get_slot(LANGUAGE_SLOT)) if tracker else None
        pinned = normalise(tracker.get_slot(PINNED_SLOT)) if tracker else None
        intent = message.get(INTENT) or {}
        classified_as_request = intent.get("name") == "choose_language" and float(intent.get("confidence") or 0) >= 0.5
        decision = self.resolver.resolve(
            text, current=current, pinned=pinned, hint=channel_hint(message, tracker),
            classified_as_request=classified_as_request,
        )
        entities = [e for e in message.get(ENTITIES, []) if e.get("entity") not in (LANGUAGE_SLOT, PINNED_SLOT)]
        entities.append(self._entity(LANGUAGE_SLOT, decision.language, len(text)))
        if decision.reason == "request":
            entities.append(self._entity(PINNED_SLOT, decision.language, len(text)))
            intent = {"name": "choose_language", "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != "choose_language"]
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        message.set(ENTITIES, entities, add_to_output=True)
        message.set(
            DECISION_KEY,
            {"language": decision.language, "reason": decision.reason, "detected": decision.detected},
            add_to_output=True,
        )

    def _entity(self, name: str, value: str, length: int) -> Dict[str, Any]:
        return {
            "entity": name, "value": value, "start": 0, "end": length,
            "confidence_entity": 1.0, "extractor": self.__class__.__name__,
        }
