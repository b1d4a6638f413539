"""/staff/audit: the permit-lookup audit log, for supervisors only; read and export, never change.

There is deliberately no route that edits or deletes an entry.
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from connectors.web.staff import blocking, console, requires
from connectors.web.staff.render import render
from haina.db.models import AUDIT_OUTCOMES
from haina.permits.identifiers import application_number
from haina.staff.audit import AuditFilter, csv_text, entries, iter_entries

PAGE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def audit_filter(request: web.Request) -> AuditFilter:
    query = request.query
    outcome = query.get("outcome") if query.get("outcome") in AUDIT_OUTCOMES else None
    number = application_number(query.get("number", "")) if query.get("number") else None
    return AuditFilter(_date(query.get("since")), _date(query.get("until")), query.get("user", "").strip()[:64] or None,
                       number, outcome)


@requires("audit")
async def audit_page(request: web.Request) -> web.Response:
    where = audit_filter(request)
    try:
        offset = max(0, int(request.query.get("offset", "0")))
    except ValueError:
        offset = 0
    rows, total = await blocking(entries, where, PAGE, offset, console(request).database_url)
    return render(request, "audit.html", rows=rows, total=total, offset=offset, page_size=PAGE, where=where,
                  outcomes=AUDIT_OUTCOMES, query=dict(request.query))


@requires("audit")
async def audit_csv(request: web.Request) -> web.Response:
    where = audit_filter(request)
    text = await blocking(lambda: csv_text(iter_entries(where, console(request).database_url)))
    stamp = dt.date.today().isoformat()
    return web.Response(text=text, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="haina-audit-{stamp}.csv"'})


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/staff/audit", audit_page)
    router.add_get("/staff/audit.csv", audit_csv)
