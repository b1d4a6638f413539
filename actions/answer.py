"""action_answer_question: answers from the knowledge base in the user's language.

After an article it asks "Did this help?" (buttons whose payload names the article, answered by
actions/feedback.py). Questions that were answered with low confidence, only suggested, or not
answered are written to the question log (redacted) for the staff console.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from haina import i18n
from haina.answering import PARSE_KEY, AnswerChoice, choose_answer
from haina.knowledge.render import article_button, feedback_buttons, render_article
from haina.knowledge.search import KnowledgeSearch, knowledge_search
from haina.languages import DEFAULT_LANGUAGE, normalise

logger = logging.getLogger(__name__)
WECHAT_CHANNELS = {"wechat"}


def conversation_language(tracker: Tracker) -> str:
    return normalise(tracker.get_slot("language")) or DEFAULT_LANGUAGE


def input_channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


def chosen_answer(message: Dict[Text, Any], article_id: str | None, search: KnowledgeSearch) -> AnswerChoice:
    """The NLU's choice (bot/nlu/answer_chooser.py) when the parse carries one for a known article;
    otherwise (a button naming an article, a parse from an older model) the same decision made here."""
    carried = None if article_id else AnswerChoice.from_dict(message.get(PARSE_KEY))
    known = carried and all(a in search.articles for a in (carried.article_id, *carried.candidates) if a)
    if carried and known:
        return carried
    intent = message.get("intent") or {}
    return choose_answer(message.get("text") or "", intent.get("name"), float(intent.get("confidence") or 0.0),
                         search, article_id=article_id, ranking=message.get("intent_ranking") or [])


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
        channel = input_channel(tracker)
        text = message.get("text") or ""
        choice = chosen_answer(message, tracker.get_slot("article_id"), search)
        if choice.mode == "article" and choice.article_id:
            article = search.articles[choice.article_id]
            shown_channel = "wechat" if channel in WECHAT_CHANNELS else "web"
            rendered = render_article(article, language, search.articles, channel=shown_channel)
            dispatcher.utter_message(text=rendered.text, buttons=rendered.buttons or None)
            dispatcher.utter_message(text=i18n.t("did_it_help", language), buttons=feedback_buttons(article.id, language))
        elif choice.mode == "suggest":
            buttons = [article_button(search.articles[c], language) for c in choice.candidates]
            buttons.append({"title": i18n.t("talk_to_person", language), "payload": "/request_human"})
            dispatcher.utter_message(response="utter_not_sure", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_default")
        _log_for_review(choice, text, intent, confidence, language, channel, tracker.sender_id)
        return [SlotSet("article_id", None)]


def _log_for_review(choice: AnswerChoice, text: str, intent: str | None, confidence: float,
                    language: str, channel: str, sender_id: str | None) -> None:
    """Keep the question for staff when it was not answered well; never fails the answer."""
    reason = choice.review_reason
    if reason is None:
        return
    from haina.feedback import log_question

    try:
        log_question(text, reason=reason, language=language, channel=channel, intent=intent, confidence=confidence,
                     topic=choice.topic, article_id=choice.article_id, candidates=choice.candidates,
                     sender_id=sender_id)
    except Exception as failure:  # the database is an add-on here: the user still gets an answer
        logger.warning("question log not written: %s", type(failure).__name__)
