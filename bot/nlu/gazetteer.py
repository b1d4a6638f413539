"""GazetteerEntityExtractor: districts, kinds of service, languages spoken, times and "near me"
from free text in eight languages (data: bot/gazetteer/, matching: haina.directory.gazetteer).

It also reads a location shared in the chat: a channel that receives one (the WeChat connector
for a location message, a web page) passes it as message metadata `location: {lat, lon}`; the
component adds it as the `shared_location` entity ("lat,lon") and, unless the message was
understood as a directory request or "show more", makes it a directory request (the search then
uses the criteria the conversation already has, or asks for the kind of place).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from haina.directory.gazetteer import gazetteer
from haina.directory.location import parse_location

LOCATION_ENTITY = "shared_location"
LOCATION_INTENT = "search_directory"
KEEPS_LOCATION = {"search_directory", "show_more_results"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds district, service_category, service_language, service_time and service_nearby entities."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "GazetteerEntityExtractor":
        return cls()

    def __init__(self) -> None:
        self.gazetteer = gazetteer()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        found = [
            {"entity": m.entity, "value": m.value, "start": m.start, "end": m.end,
             "confidence_entity": 1.0, "extractor": self.__class__.__name__}
            for m in self.gazetteer.find(text)
        ]
        metadata = message.get("metadata")
        location = parse_location(metadata.get("location")) if isinstance(metadata, dict) else None
        if location is not None:
            found.append({"entity": LOCATION_ENTITY, "value": f"{location[0]:.6f},{location[1]:.6f}",
                          "start": 0, "end": len(text), "confidence_entity": 1.0,
                          "extractor": self.__class__.__name__})
            intent = message.get(INTENT) or {}
            if intent.get("name") not in KEEPS_LOCATION:
                chosen = {"name": LOCATION_INTENT, "confidence": 1.0}
                message.set(INTENT, chosen, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != LOCATION_INTENT]
                message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        if found:
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
