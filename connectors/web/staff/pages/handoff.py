"""/staff/queue: conversations waiting for a person; take one, read its transcript, reply, hand it back.

The transcript is the conversation's own Rasa tracker (GET /conversations/<id>/tracker), read again
while the page is open so that new user messages appear (the page polls events.json every few seconds).
A reply is stored first (haina.handoff.queue) and then delivered by running action_deliver_staff_reply
in the conversation with output_channel=latest, so it reaches the user's channel; a reply that could not
be delivered stays marked and can be sent again. Handing back runs action_hand_back (ConversationResumed)
before the handoff is closed, so a failed hand-back never leaves the bot silent behind a closed entry.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from connectors.web.staff import blocking, console, requires
from connectors.web.staff.render import fragment, render
from haina.handoff import queue, transcript
from haina.staff.rasa_api import RasaUnavailable

logger = logging.getLogger(__name__)
NOTICES = {
    "taken": "staff.queue.notice.taken", "sent": "staff.queue.notice.sent", "closed": "staff.queue.notice.closed",
    "undelivered": "staff.queue.notice.undelivered", "joined_failed": "staff.queue.notice.joined_failed",
}
PROBLEMS = {
    "already_taken": "staff.queue.already_taken", "not_yours": "staff.queue.not_yours",
    "not_allowed": "staff.queue.not_allowed", "reply_empty": "staff.queue.reply_empty",
    "reply_long": "staff.queue.reply_long", "cannot_push": "staff.queue.cannot_push",
    "unavailable": "staff.queue.unavailable",
}


def _handoff_id(request: web.Request) -> int:
    try:
        return int(request.match_info["handoff_id"])
    except ValueError:
        raise web.HTTPNotFound()


async def _handoff(request: web.Request) -> queue.HandoffView:
    found = await blocking(queue.get, _handoff_id(request), console(request).database_url)
    if found is None:
        raise web.HTTPNotFound()
    return found


async def _events(request: web.Request, handoff: queue.HandoffView) -> list[dict[str, Any]] | None:
    try:
        tracker = await console(request).rasa.tracker(handoff.sender_id)  # type: ignore[union-attr]
    except (RasaUnavailable, AttributeError):
        return None
    return list(tracker.get("events") or [])


def _back(handoff_id: int, notice: str | None = None, problem: str | None = None) -> web.HTTPSeeOther:
    query = f"?notice={notice}" if notice else (f"?problem={problem}" if problem else "")
    return web.HTTPSeeOther(f"/staff/queue/{handoff_id}{query}")


@requires("queue")
async def queue_page(request: web.Request) -> web.Response:
    handoffs = await blocking(queue.listing, ("waiting", "taken"), 200, console(request).database_url)
    return render(request, "queue.html", handoffs=handoffs, notice=NOTICES.get(request.query.get("notice", "")))


@requires("queue")
async def queue_json(request: web.Request) -> web.Response:
    handoffs = await blocking(queue.listing, ("waiting", "taken"), 200, console(request).database_url)
    html = fragment(request, "_queue_list.html", handoffs=handoffs)
    return web.json_response({"html": html, "waiting": sum(1 for h in handoffs if h.state == "waiting")})


@requires("queue")
async def conversation_page(request: web.Request) -> web.Response:
    handoff = await _handoff(request)
    events = await _events(request, handoff)
    state = console(request)
    items = await blocking(transcript.build, events, state.knowledge()) if events is not None else []
    replies = await blocking(queue.replies, handoff.id, state.database_url)
    return render(request, "conversation.html", handoff=handoff, items=items, unavailable=events is None,
                  last=len(events) - 1 if events else -1, pending=[r for r in replies if r.delivered_at is None],
                  notice=NOTICES.get(request.query.get("notice", "")),
                  problem=PROBLEMS.get(request.query.get("problem", "")))


@requires("queue")
async def conversation_events(request: web.Request) -> web.Response:
    handoff = await _handoff(request)
    try:
        after = int(request.query.get("after", "-1"))
    except ValueError:
        after = -1
    events = await _events(request, handoff)
    if events is None:
        return web.json_response({"error": "unavailable", "state": handoff.state}, status=503)
    items = await blocking(transcript.build, events, console(request).knowledge(), after)
    html = fragment(request, "_transcript.html", items=items, handoff=handoff) if items else ""
    return web.json_response({"html": html, "last": len(events) - 1, "state": handoff.state,
                              "taken_by": handoff.taken_by})


async def _execute(request: web.Request, sender_id: str, action: str) -> bool:
    try:
        await console(request).rasa.execute(sender_id, action)  # type: ignore[union-attr]
        return True
    except (RasaUnavailable, AttributeError) as failure:
        logger.warning("%s not run: %s", action, failure)
        return False


@requires("queue")
async def take(request: web.Request) -> web.Response:
    handoff = await _handoff(request)
    try:
        taken = await blocking(queue.take, handoff.id, request["staff"].staff, console(request).database_url)
    except queue.QueueError:
        raise _back(handoff.id, problem="already_taken")
    joined = await _execute(request, taken.sender_id, "action_staff_joined")
    raise _back(handoff.id, notice="taken" if joined else "joined_failed")


@requires("queue")
async def reply(request: web.Request) -> web.Response:
    handoff = await _handoff(request)
    form = await request.post()
    try:
        await blocking(queue.add_reply, handoff.id, request["staff"].staff, str(form.get("text") or ""),
                       console(request).database_url)
    except queue.QueueError as problem:
        raise _back(handoff.id, problem=problem.key.rsplit(".", 1)[-1])
    await _deliver(request, handoff)


@requires("queue")
async def deliver(request: web.Request) -> web.Response:
    """Send again what could not be delivered (Rasa was down)."""
    handoff = await _handoff(request)
    if handoff.state != "taken" or handoff.taken_by_id != request["staff"].staff.id:
        raise _back(handoff.id, problem="not_yours")
    await _deliver(request, handoff)


async def _deliver(request: web.Request, handoff: queue.HandoffView) -> None:
    delivered = await _execute(request, handoff.sender_id, "action_deliver_staff_reply")
    raise _back(handoff.id, notice="sent" if delivered else "undelivered")


@requires("queue")
async def close(request: web.Request) -> web.Response:
    handoff = await _handoff(request)
    staff = request["staff"].staff
    try:
        queue.check_can_close(handoff, staff)
    except queue.QueueError as problem:
        raise _back(handoff.id, problem=problem.key.rsplit(".", 1)[-1])
    if not await _execute(request, handoff.sender_id, "action_hand_back"):
        raise _back(handoff.id, problem="unavailable")
    try:
        await blocking(queue.close, handoff.id, staff, console(request).database_url)
    except queue.QueueError as problem:
        raise _back(handoff.id, problem=problem.key.rsplit(".", 1)[-1])
    raise web.HTTPSeeOther("/staff/queue?notice=closed")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/staff/queue", queue_page)
    router.add_get("/staff/queue.json", queue_json)
    router.add_get("/staff/queue/{handoff_id}", conversation_page)
    router.add_get("/staff/queue/{handoff_id}/events.json", conversation_events)
    router.add_post("/staff/queue/{handoff_id}/take", take)
    router.add_post("/staff/queue/{handoff_id}/reply", reply)
    router.add_post("/staff/queue/{handoff_id}/deliver", deliver)
    router.add_post("/staff/queue/{handoff_id}/close", close)
