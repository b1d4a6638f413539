"""/staff/: what the signed-in person can do, and how many conversations wait for a person."""

from __future__ import annotations

from aiohttp import web

from connectors.web.staff import blocking, console
from connectors.web.staff.render import render
from haina.handoff import queue
from haina.staff.permissions import can


async def home(request: web.Request) -> web.Response:
    signed = request["staff"]
    counts = await blocking(queue.counts, console(request).database_url) if can(signed.staff.role, "queue") else None
    return render(request, "home.html", counts=counts)


async def to_home(request: web.Request) -> web.Response:
    raise web.HTTPFound("/staff/")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/staff", to_home)
    router.add_get("/staff/", home)
