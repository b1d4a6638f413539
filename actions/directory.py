"""action_search_directory: finds service points for the criteria of the conversation and shows
a page of them in the user's language (haina.directory does the search and the rendering).

The criteria come from this message's entities (bot/nlu/gazetteer.py) and, for what it does not
say, from the directory_* slots of earlier turns; a new kind of place starts a new search that
keeps only the place (district or shared location). "Show more" moves the offset on. A request
without a kind of place gets a question with buttons; "near me" without a location asks for one.
When nothing matches, one filter is dropped (time, then language, then district) and the reply says
which.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from haina import i18n
from haina.directory.topics import choose_category
from haina.languages import DEFAULT_LANGUAGE, normalise

logger = logging.getLogger(__name__)

RELAX_ORDER = ("when", "language", "district")
RELAXED_SLOT = {"when": "times", "language": "language", "district": "district"}
BAD_FIELD_SLOT = {"category": "category", "district": "district", "language": "language", "page": "times"}
PAGE_SIZE = 3
SLOTS = ("directory_category", "directory_district", "directory_language", "directory_times",
         "directory_location", "directory_offset", "directory_pending")


def _language(tracker: Tracker) -> str:
    return normalise(tracker.get_slot("language")) or DEFAULT_LANGUAGE


def _entities(tracker: Tracker) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for entity in (tracker.latest_message or {}).get("entities") or []:
        value = entity.get("value")
        if value is not None:
            found.setdefault(str(entity.get("entity")), []).append(str(value))
    return found


def criteria(tracker: Tracker) -> Dict[str, Any]:
    """This turn's search criteria: the message's entities over the remembered slots."""
    said = _entities(tracker)
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    remembered = {name: tracker.get_slot(name) for name in SLOTS}
    category = choose_category(said.get("service_category") or [])
    fresh = category is not None and category != remembered["directory_category"]
    keep = not fresh
    chosen: Dict[str, Any] = {
        "category": category or remembered["directory_category"],
        "district": (said.get("district") or [None])[0] or remembered["directory_district"],
        "language": (said.get("service_language") or [None])[0] or (remembered["directory_language"] if keep else None),
        "times": said.get("service_time") or (list(remembered["directory_times"] or []) if keep else []),
        "location": (said.get("shared_location") or [None])[0] or remembered["directory_location"],
        "nearby": bool(said.get("service_nearby")),
        "offset": int(remembered["directory_offset"] or 0) if intent == "show_more_results" else 0,
        "more": intent == "show_more_results",
    }
    if said.get("district") and not said.get("shared_location"):
        chosen["location"] = None  # a district named now outranks an older location
    return chosen


def _slot_events(chosen: Dict[str, Any], offset: int, pending: bool) -> List[EventType]:
    return [
        SlotSet("directory_category", chosen["category"]),
        SlotSet("directory_district", chosen["district"]),
        SlotSet("directory_language", chosen["language"]),
        SlotSet("directory_times", chosen["times"] or None),
        SlotSet("directory_location", chosen["location"]),
        SlotSet("directory_offset", float(offset)),
        SlotSet("directory_pending", pending),
    ]


def category_buttons(language: str) -> List[Dict[str, str]]:
    from haina.db.models import SERVICE_CATEGORIES

    return [{"title": i18n.t(f"directory.category.{c}", language),
             "payload": f'/search_directory{{"service_category": "{c}"}}'} for c in SERVICE_CATEGORIES]


class ActionSearchDirectory(Action):
    """Searches the directory for the conversation's criteria and shows one page of results."""

    def name(self) -> Text:
        return "action_search_directory"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = _language(tracker)
        chosen = criteria(tracker)
        if chosen["more"] and not chosen["category"]:
            dispatcher.utter_message(text=i18n.t("directory.nothing_to_continue", language))
            return []
        if not chosen["category"]:
            dispatcher.utter_message(text=i18n.t("directory.ask_category", language),
                                     buttons=category_buttons(language))
            return _slot_events(chosen, 0, pending=True)
        if chosen["nearby"] and not chosen["location"] and not chosen["district"]:
            dispatcher.utter_message(text=i18n.t("directory.ask_location", language))
            return _slot_events(chosen, 0, pending=True)
        try:
            query = self._query(chosen)
        except ValueError as problem:
            if getattr(problem, "field", None) == "near":
                dispatcher.utter_message(text=i18n.t("directory.bad_location", language))
                return _slot_events({**chosen, "location": None}, 0, pending=True)
            dispatcher.utter_message(text=i18n.t("directory.error", language))
            bad = BAD_FIELD_SLOT.get(getattr(problem, "field", ""), "times")
            return _slot_events({**chosen, bad: [] if bad == "times" else None}, 0, pending=False)
        try:
            loaded, dropped = self._search(query, relax=not chosen["more"], language=language)
        except Exception:  # the database is down or broken: say so, never a stack trace
            logger.exception("directory search failed")
            dispatcher.utter_message(text=i18n.t("directory.unavailable", language))
            return []
        self._show(dispatcher, loaded, query, dropped, language, chosen["more"])
        if dropped:  # "show more" goes on with the relaxed search that was shown
            chosen = {**chosen, RELAXED_SLOT[dropped]: [] if dropped == "when" else None}
        return _slot_events(chosen, loaded.page.next_offset, pending=False)

    @staticmethod
    def _query(chosen: Dict[str, Any]):  # type: ignore[no-untyped-def]
        from haina.directory.location import parse_location
        from haina.directory.query import DirectoryQuery, QueryError
        from haina.directory.when import now_in_shanghai, resolve

        near: Optional[tuple] = parse_location(chosen["location"]) if chosen["location"] else None
        if chosen["location"] and near is None:
            raise QueryError("near", "the shared location is not a place on Earth")
        return DirectoryQuery(
            category=chosen["category"], district=None if near else chosen["district"],
            language=chosen["language"], when=resolve(chosen["times"], now_in_shanghai()),
            near=near, offset=chosen["offset"], limit=PAGE_SIZE,
        ).validated()

    @staticmethod
    def _search(query, relax: bool, language: str):  # type: ignore[no-untyped-def]
        from haina.db import ensure_ready, session_scope
        from haina.directory.query import search

        ensure_ready()
        with session_scope() as session:
            page = search(session, query)
            dropped = None
            if not page.results and query.offset == 0 and relax:
                for name in RELAX_ORDER:
                    if getattr(query, name) is None:
                        continue
                    relaxed = search(session, query.without(name))
                    if relaxed.results:
                        page, dropped = relaxed, name
                        break
            # render inside the session: the points' texts and hours are loaded with them
            return _Loaded(page, language), dropped

    @staticmethod
    def _show(dispatcher: CollectingDispatcher, loaded: "_Loaded", query, dropped: Optional[str],  # type: ignore[no-untyped-def]
              language: str, more: bool) -> None:
        from haina.directory.render import describe, describe_filter

        page = loaded.page
        said = describe(query, language)
        if not page.results:
            key = "directory.no_more" if more else "directory.none"
            dispatcher.utter_message(text=i18n.t(key, language, criteria=said))
            return
        if dropped:
            dispatcher.utter_message(text=i18n.t("directory.relaxed", language,
                                                 dropped=describe_filter(query, dropped, language)))
            said = describe(page.query, language)
        header = "directory.results_more" if more else "directory.results"
        dispatcher.utter_message(text=i18n.t(header, language, criteria=said))
        for number, text in enumerate(loaded.texts(language)):
            last = number == len(page.results) - 1
            buttons = [{"title": i18n.t("directory.more_button", language), "payload": "/show_more_results"}] \
                if last and page.has_more else None
            dispatcher.utter_message(text=text, buttons=buttons)


class _Loaded:
    """A page whose results were rendered while their session was open (no lazy loads later)."""

    def __init__(self, page, language: str) -> None:  # type: ignore[no-untyped-def]
        from haina.directory.render import render_result

        self.page = page
        self.language = language
        self._texts = [render_result(r, language) for r in page.results]

    def texts(self, language: str) -> List[str]:
        return self._texts
