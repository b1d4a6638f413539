"""action_answer_question: answers from the knowledge base in the user's language."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from haina import i18n
from haina.answering import choose_answer
from haina.knowledge.render import article_button, render_article
from haina.knowledge.search import knowledge_search
from haina.languages import DEFAULT_LANGUAGE, normalise

WECHAT_CHANNELS = {"wechat"}


def conversation_language(tracker: Tracker) -> str:
    return normalise(tracker.get_slot("language")) or DEFAULT_LANGUAGE


class ActionAnswerQuestion(Action):
    """Finds the article (haina.answering) and renders it for the user's language and channel."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        search = knowledge_search()
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
        language = conversation_language(tracker)
        choice = choose_answer(
            message.get("text") or "", intent, confidence, search,
            article_id=tracker.get_slot("article_id"), ranking=message.get("intent_ranking") or [],
        )
        if choice.mode == "article" and choice.article_id:
            article = search.articles[choice.article_id]
            channel = "wechat" if tracker.get_latest_input_channel() in WECHAT_CHANNELS else "web"
            rendered = render_article(article, language, search.articles, channel=channel)
            dispatcher.utter_message(text=rendered.text, buttons=rendered.buttons or None)
        elif choice.mode == "suggest":
            buttons = [article_button(search.articles[c], language) for c in choice.candidates]
            buttons.append({"title": i18n.t("talk_to_person", language), "payload": "/request_human"})
            dispatcher.utter_message(response="utter_not_sure", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet("article_id", None)]
