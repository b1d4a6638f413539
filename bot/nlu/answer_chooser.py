"""AnswerChooser: decides in the NLU which knowledge article answers a message.

The choice (haina.answering.choose_answer) needs the question's e5 embedding, which the
E5Featurizer has just computed in this process: making it here costs well under a millisecond,
where the action server would have to load e5 again and embed the text a second time (about
30 ms per message and 600 MB of memory). The choice goes into the parse as `answer_choice`;
action_answer_question renders it, and `haina classify` and the staff console read the same key.
It runs last, after the FallbackClassifier, so it sees the intent the dialogue will see.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from haina.answering import PARSE_KEY, choose_answer
from haina.knowledge.search import knowledge_search


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class AnswerChooser(GraphComponent):
    """Adds `answer_choice` (mode, article id, candidates, topic, how it was chosen) to each parse."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "AnswerChooser":
        knowledge_search()  # load the articles and their index now, not on the first question
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            choice = self.choose(message)
            if choice is not None:
                message.set(PARSE_KEY, choice, add_to_output=True)
        return messages

    @staticmethod
    def choose(message: Message) -> Optional[Dict[str, Any]]:
        text = message.get(TEXT)
        if not text:
            return None
        intent = message.get(INTENT) or {}
        choice = choose_answer(text, intent.get("name"), float(intent.get("confidence") or 0.0),
                               knowledge_search(), ranking=message.get(INTENT_RANKING_KEY) or [])
        return choice.as_dict()
