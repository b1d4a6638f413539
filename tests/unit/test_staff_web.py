"""The console over HTTP: signed-out visitors go to the login, roles decide what is allowed, every
state-changing request needs the session's CSRF token, the cookie is HttpOnly and SameSite, sessions
expire (injected clock), sign-ins are throttled, and nothing here needs Rasa except assist and the
handoff, which fail politely when it is down."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from haina import db
from haina.db.models import StaffAuditEntry, StaffSession
from haina.handoff import queue
from haina.staff import sessions
from tests.unit.test_staff_helpers import (  # noqa: F401  (fixtures)
    DEMO, DEMO_PASSPORT, PASSWORD, aiohttp_client_factory, cheap_hashing, console_client, csrf_of, make_staff,
    page_csrf, postgres_url, seeded_template, sign_in, staff_db,
)

PAGES = ["/staff/", "/staff/assist", "/staff/permits", "/staff/queue", "/staff/queue/1", "/staff/audit",
         "/staff/audit.csv", "/staff/insights", "/staff/insights/feedback.csv", "/staff/no-such-page"]


def audit_rows(url: str) -> list[StaffAuditEntry]:
    with db.session_scope(url) as session:
        return session.execute(sa.select(StaffAuditEntry)).scalars().all()


@pytest.mark.parametrize("path", PAGES)
async def test_a_signed_out_visitor_is_sent_to_the_login(console_client, path):
    response = await console_client.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


async def test_the_login_page_is_a_form_with_a_hidden_csrf_token(console_client):
    response = await console_client.get("/staff/login")
    html = await response.text()
    assert response.status == 200
    assert 'name="username"' in html and 'name="password"' in html and 'type="password"' in html
    assert 'type="hidden" name="csrf_token"' in html and csrf_of(html)
    assert response.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in response.headers[
        "Content-Security-Policy"]


async def test_sign_in_sets_an_httponly_samesite_session_cookie(console_client, staff_db):
    make_staff(staff_db, "alice", "agent")
    response = await sign_in(console_client, "alice")
    assert response.status == 303 and response.headers["Location"] == "/staff/"
    cookie = response.cookies["haina_staff"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff"
    home = await console_client.get("/staff/")
    assert home.status == 200 and "alice" in await home.text()
    with db.session_scope(staff_db) as session:  # only the hash of the token is stored
        keys = session.execute(sa.select(StaffSession.id)).scalars().all()
    assert cookie.value not in keys and len(keys) == 1


@pytest.mark.parametrize("token", [None, "wrong-token"])
async def test_a_login_post_without_the_right_form_token_is_refused(console_client, staff_db, token):
    make_staff(staff_db, "alice", "agent")
    await console_client.get("/staff/login")
    data = {"username": "alice", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = await console_client.post("/staff/login", data=data, allow_redirects=False)
    assert response.status == 403 and "haina_staff" not in response.cookies


async def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(console_client, staff_db):
    make_staff(staff_db, "alice", "agent")
    wrong = await sign_in(console_client, "alice", "not the password at all")
    unknown = await sign_in(console_client, "mallory", PASSWORD)
    assert wrong.status == unknown.status == 401
    assert "The user name or the password is not right" in await wrong.text()
    assert "The user name or the password is not right" in await unknown.text()


async def test_sign_in_is_throttled_after_five_failures(console_client, staff_db):
    make_staff(staff_db, "alice", "agent")
    for _ in range(5):
        assert (await sign_in(console_client, "alice", "wrong password!!")).status == 401
    blocked = await sign_in(console_client, "alice")  # even the right password now
    assert blocked.status == 429 and "haina_staff" not in blocked.cookies
    assert "15 minutes" in await blocked.text()
    with db.session_scope(staff_db) as session:  # what was typed is kept only as keyed hashes
        rows = session.execute(sa.text("SELECT * FROM staff_login_attempts")).all()
    cells = " ".join(str(c) for row in rows for c in row)
    assert len(rows) == 5 and "alice" not in cells and "127.0.0.1" not in cells


@pytest.mark.parametrize("path", ["/staff/permits"])
@pytest.mark.parametrize("token", [None, "forged"])
async def test_a_form_post_without_or_with_a_wrong_csrf_token_is_refused(console_client, staff_db, path, token):
    make_staff(staff_db, "alice", "agent")
    await sign_in(console_client, "alice")
    data = {"application_number": DEMO, "verification": DEMO_PASSPORT, "reason": "caller asked on the phone"}
    if token:
        data["csrf_token"] = token
    response = await console_client.post(path, data=data)
    assert response.status == 403
    assert "This form has expired or did not come from the console" in await response.text()
    assert audit_rows(staff_db) == []  # refused before any lookup


async def test_a_json_request_needs_the_csrf_header_and_the_same_origin(console_client, staff_db):
    make_staff(staff_db, "sue", "supervisor")
    await sign_in(console_client, "sue")
    token = await page_csrf(console_client, "/staff/permits")
    form = {"application_number": DEMO, "verification": DEMO_PASSPORT, "reason": "caller asked on the phone",
            "csrf_token": token}
    other_site = await console_client.post("/staff/permits", data=form, headers={"Origin": "https://evil.example"})
    assert other_site.status == 403
    ok = await console_client.post("/staff/permits", data=form)
    assert ok.status == 200 and 'data-outcome="found"' in await ok.text()


async def test_an_agent_cannot_read_the_audit_log(console_client, staff_db):
    make_staff(staff_db, "alice", "agent")
    await sign_in(console_client, "alice")
    for path in ("/staff/audit", "/staff/audit.csv"):
        response = await console_client.get(path)
        assert response.status == 403, path
    assert "/staff/audit" not in await (await console_client.get("/staff/")).text()


async def test_an_editor_cannot_look_up_a_permit(console_client, staff_db):
    make_staff(staff_db, "ed", "editor")
    make_staff(staff_db, "sue", "supervisor")
    await sign_in(console_client, "ed")
    assert (await console_client.get("/staff/permits")).status == 403
    token = await page_csrf(console_client, "/staff/assist")
    response = await console_client.post("/staff/permits", data={
        "csrf_token": token, "application_number": DEMO, "verification": DEMO_PASSPORT, "reason": "just curious"})
    assert response.status == 403
    assert audit_rows(staff_db) == []
    assert (await console_client.get("/staff/queue")).status == 403
    assert (await console_client.get("/staff/insights")).status == 200


async def test_a_supervisor_reads_and_exports_the_audit_log(console_client, staff_db):
    make_staff(staff_db, "sue", "supervisor")
    await sign_in(console_client, "sue")
    token = await page_csrf(console_client, "/staff/permits")
    await console_client.post("/staff/permits", data={
        "csrf_token": token, "application_number": DEMO.lower(), "verification": DEMO_PASSPORT,
        "reason": "caller E98765432 asked"})
    page = await console_client.get("/staff/audit")
    html = await page.text()
    assert page.status == 200 and DEMO in html and "caller [passport] asked" in html
    export = await console_client.get("/staff/audit.csv")
    text = await export.text()
    assert export.status == 200 and export.content_type == "text/csv"
    assert text.splitlines()[0] == "id,time_utc,username,application_number,method,outcome,reason"
    assert f",sue,{DEMO},passport_number,found,caller [passport] asked" in text
    assert DEMO_PASSPORT not in text and "E98765432" not in text


async def test_nothing_in_the_app_changes_or_deletes_audit_entries(console_client, staff_db):
    from connectors.web.staff import setup  # noqa: F401  (routes come from here)

    routes = {(r.method, r.resource.canonical) for r in console_client.app.router.routes() if r.resource}
    audit_routes = {(m, p) for m, p in routes if "audit" in p}
    assert audit_routes == {("GET", "/staff/audit"), ("GET", "/staff/audit.csv"), ("HEAD", "/staff/audit"),
                            ("HEAD", "/staff/audit.csv")}


async def test_the_session_ends_after_idle_time_and_after_the_absolute_limit(console_client, staff_db, monkeypatch):
    make_staff(staff_db, "alice", "agent")
    start = dt.datetime(2026, 12, 1, 9, 0)
    now = {"t": start}
    monkeypatch.setattr(sessions, "clock", lambda: now["t"])
    await sign_in(console_client, "alice")
    for minutes in (10, 35, 60):  # active every 25 minutes: the idle limit (30) never runs out
        now["t"] = start + dt.timedelta(minutes=minutes)
        assert (await console_client.get("/staff/", allow_redirects=False)).status == 200
    now["t"] = start + dt.timedelta(minutes=91)  # 31 minutes after the last request
    response = await console_client.get("/staff/", allow_redirects=False)
    assert response.status == 302 and "ended=1" in response.headers["Location"]

    await sign_in(console_client, "alice")
    signed_at = now["t"]
    for hours in range(1, 10):  # a request every 20 minutes for 10 hours
        for third in range(3):
            now["t"] = signed_at + dt.timedelta(hours=hours - 1, minutes=20 * third + 20)
            status = (await console_client.get("/staff/", allow_redirects=False)).status
            assert status == 200, now["t"]
    now["t"] = signed_at + sessions.ABSOLUTE
    assert (await console_client.get("/staff/", allow_redirects=False)).status == 302


async def test_sign_out_ends_the_session_on_the_server(console_client, staff_db):
    make_staff(staff_db, "alice", "agent")
    response = await sign_in(console_client, "alice")
    stolen = response.cookies["haina_staff"].value
    token = await page_csrf(console_client)
    bye = await console_client.post("/staff/logout", data={"csrf_token": token}, allow_redirects=False)
    assert bye.status == 303 and bye.headers["Location"].startswith("/staff/login")
    console_client.session.cookie_jar.update_cookies({"haina_staff": stolen})
    assert (await console_client.get("/staff/", allow_redirects=False)).status == 302


async def test_a_disabled_account_loses_its_session_at_once(console_client, staff_db):
    from haina.staff.accounts import disable_account

    make_staff(staff_db, "alice", "agent")
    await sign_in(console_client, "alice")
    assert (await console_client.get("/staff/", allow_redirects=False)).status == 200
    disable_account("alice", url=staff_db)
    assert (await console_client.get("/staff/", allow_redirects=False)).status == 302
    assert (await sign_in(console_client, "alice")).status == 401


async def test_the_next_page_after_sign_in_is_never_another_site(console_client, staff_db):
    make_staff(staff_db, "alice", "agent")
    response = await sign_in(console_client, "alice", next_page="//evil.example/staff/")
    assert response.headers["Location"] == "/staff/"
    console_client.session.cookie_jar.clear()
    again = await sign_in(console_client, "alice", next_page="/staff/queue")
    assert again.headers["Location"] == "/staff/queue"


async def test_pages_are_in_chinese_and_english(console_client, staff_db):
    make_staff(staff_db, "alice", "agent")
    login_zh = await console_client.get("/staff/login?lang=zh")
    assert "登录" in await login_zh.text() and login_zh.headers["Content-Language"] == "zh"
    await sign_in(console_client, "alice")
    assert "许可办理状态" in await (await console_client.get("/staff/permits")).text()  # the cookie keeps zh
    english = await console_client.get("/staff/permits?lang=en")
    assert "Permit status" in await english.text()


async def test_the_queue_works_in_the_database_when_rasa_is_down(console_client, staff_db):
    agent = make_staff(staff_db, "alice", "agent")
    handoff, _ = queue.request("web-user-1", "socketio", "fr", "asked", url=staff_db)
    await sign_in(console_client, "alice")
    token = await page_csrf(console_client, "/staff/queue")
    assert str(handoff.id) in await (await console_client.get("/staff/queue")).text()
    taken = await console_client.post(f"/staff/queue/{handoff.id}/take", data={"csrf_token": token},
                                      allow_redirects=False)
    assert taken.status == 303 and "notice=joined_failed" in taken.headers["Location"]
    assert queue.get(handoff.id, staff_db).taken_by == agent.username
    sent = await console_client.post(f"/staff/queue/{handoff.id}/reply", data={"csrf_token": token, "text": "Bonjour"},
                                     allow_redirects=False)
    assert "notice=undelivered" in sent.headers["Location"]
    assert queue.pending_replies("web-user-1", staff_db)[0][1] == "Bonjour"  # kept for the next delivery
    page = await console_client.get(f"/staff/queue/{handoff.id}?notice=undelivered")
    html = await page.text()
    assert page.status == 200 and "Bonjour" in html and "could not be delivered yet" in html
    back = await console_client.post(f"/staff/queue/{handoff.id}/close", data={"csrf_token": token},
                                     allow_redirects=False)
    assert "problem=unavailable" in back.headers["Location"]
    assert queue.get(handoff.id, staff_db).state == "taken"  # never closed while the bot is still paused
    polled = await console_client.get(f"/staff/queue/{handoff.id}/events.json", headers={"Accept": "application/json"})
    assert polled.status == 503 and (await polled.json())["state"] == "taken"


async def test_assist_says_politely_when_the_understanding_is_down(console_client, staff_db):
    make_staff(staff_db, "ed", "editor")
    await sign_in(console_client, "ed")
    token = await page_csrf(console_client, "/staff/assist")
    empty = await console_client.post("/staff/assist", data={"csrf_token": token, "text": "  "})
    assert empty.status == 400 and "Please type what the caller says" in await empty.text()
    down = await console_client.post("/staff/assist", data={"csrf_token": token, "text": "How long does it take?"})
    assert down.status == 503 and "not reachable right now" in await down.text()
