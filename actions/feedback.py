"""action_record_feedback: stores the answer to "Did this help?" and thanks the user.

The buttons that action_answer_question adds after an article send
`/give_feedback{"helpful": "yes"|"no", "article_id": "<id>"}`; the row keeps the article id, the
conversation's language and the channel (haina.feedback). A "no" offers the article's related
questions and a person to talk to.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import conversation_language, input_channel
from haina import i18n
from haina.knowledge.render import related_buttons
from haina.knowledge.search import knowledge_search

logger = logging.getLogger(__name__)
HELPFUL = {"yes": True, "no": False}


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


class ActionRecordFeedback(Action):
    """One feedback row per button press; an unknown article or answer is ignored politely."""

    def name(self) -> Text:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = conversation_language(tracker)
        articles = knowledge_search().articles
        article_id = _entity(tracker, "article_id")
        helpful = HELPFUL.get((_entity(tracker, "helpful") or "").lower())
        if article_id not in articles or helpful is None:
            dispatcher.utter_message(response="utter_feedback_unclear")
            return []
        from haina.feedback import record_feedback

        try:
            record_feedback(article_id, helpful, language=language, channel=input_channel(tracker),
                            sender_id=tracker.sender_id)
        except Exception as failure:  # saying thanks matters more than the row; staff see the log
            logger.warning("feedback not stored: %s", type(failure).__name__)
        if helpful:
            dispatcher.utter_message(response="utter_feedback_thanks")
        else:
            buttons = related_buttons(articles[article_id], language, articles)[:3]
            buttons.append({"title": i18n.t("talk_to_person", language), "payload": "/request_human"})
            dispatcher.utter_message(response="utter_feedback_sorry", buttons=buttons)
        return []
