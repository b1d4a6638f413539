"""The staff console in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): sign-in,
assist in two languages, and a full handoff: a user asks for a person in the web chat, an agent takes
the conversation and replies in the console, the user sees the reply, writes again (the console shows
it), the agent hands back, and the bot answers the next message. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from haina import db, i18n
from haina.db.models import Handoff
from tests.conftest import ARTIFACTS
from tests.e2e.test_browser import browser  # noqa: F401  (headless Debian chromium, the same launch flags)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "browser test password 1"


@pytest.fixture(scope="module")
def agent(stack) -> str:
    from haina.staff.accounts import create_account

    name = f"browser-agent-{uuid.uuid4().hex[:6]}"
    create_account(name, "agent", PASSWORD, url=stack.environment()["HAINA_DATABASE_URL"])
    return name


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"staff-{name}.png"), full_page=True)


def sign_in(browser, stack, username: str, language: str = "en"):
    page = browser.new_page(locale="en-GB" if language == "en" else "zh-CN", viewport={"width": 1280, "height": 900})
    base = f"http://localhost:{stack.ports.web}"
    page.goto(f"{base}/staff/assist?lang={language}")
    page.wait_for_url("**/staff/login**")
    assert page.locator("input[name=csrf_token]").get_attribute("type") == "hidden"
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.staff-form button[type=submit]")
    page.wait_for_url("**/staff/assist**", timeout=30_000)
    return page, base


def test_sign_in_and_assist_in_two_languages(stack, browser, agent):
    login = browser.new_page(locale="en-GB")
    login.goto(f"http://localhost:{stack.ports.web}/staff/login?lang=en")
    shot(login, "login")
    login.fill("#username", agent)
    login.fill("#password", "not the password")
    login.click("form.staff-form button[type=submit]")
    login.wait_for_selector("#login-problem")
    assert "not right" in login.inner_text("#login-problem")
    login.close()

    page, _ = sign_in(browser, stack, agent)
    page.fill("#caller-text", "How long does it take to get a work permit?")
    page.press("#caller-text", "Enter")
    page.wait_for_selector("#assist-result", timeout=60_000)
    assert page.get_attribute("#detected-language", "data-code") == "en"
    assert page.get_attribute("#detected-topic", "data-code") == "work_permit"
    assert page.locator("#best-article article.answer").count() == 2  # English and Chinese side by side
    assert page.locator("#best-article article[lang=zh]").count() == 1
    shot(page, "assist-english")

    page.goto(page.url.split("?")[0] + "?lang=zh")
    page.fill("#caller-text", "浦东有没有周日开门的国际医院")
    page.press("#caller-text", "Enter")
    page.wait_for_selector("#assist-result", timeout=60_000)
    assert page.get_attribute("#detected-language", "data-code") == "zh"
    assert "辅助答复" in page.inner_text("h1")  # the console in Chinese
    assert page.locator(".directory-results li").count() >= 1
    shot(page, "assist-chinese")
    page.close()


def newest_waiting(stack) -> Handoff:
    with db.session_scope(stack.environment()["HAINA_DATABASE_URL"]) as session:
        return session.execute(sa.select(Handoff).where(Handoff.state == "waiting", Handoff.channel == "socketio")
                               .order_by(Handoff.id.desc())).scalars().first()


def chat_text(page) -> str:
    return page.inner_text(".rw-messages-container")


def wait_for_chat(page, text: str, timeout: int = 60_000) -> None:
    page.wait_for_function("t => (document.querySelector('.rw-messages-container') || {innerText: ''})"
                           ".innerText.includes(t)", arg=text, timeout=timeout)


def test_a_full_handoff_between_the_web_chat_and_the_console(stack, browser, agent):
    user = browser.new_page(locale="en-GB")
    user.goto(f"http://localhost:{stack.ports.web}/?lang=en")
    user.wait_for_selector(".rw-new-message", timeout=60_000)
    user.fill(".rw-new-message", "I would like to talk to a human, please")
    user.keyboard.press("Enter")
    queued = i18n.t("handoff.queued", "en")
    wait_for_chat(user, queued[:40])
    shot(user, "handoff-1-user-queued")
    user.fill(".rw-new-message", "My question is about my child's school registration")
    user.keyboard.press("Enter")
    user.wait_for_timeout(2000)
    assert chat_text(user).count("I have asked a member of our staff") == 1  # the bot stays silent

    handoff = newest_waiting(stack)
    console, base = sign_in(browser, stack, agent)
    console.goto(f"{base}/staff/queue")
    console.wait_for_selector(f"tr[data-handoff='{handoff.id}']")
    shot(console, "handoff-2-queue")
    console.goto(f"{base}/staff/queue/{handoff.id}")
    console.wait_for_selector("#transcript")
    transcript = console.inner_text("#transcript")
    assert "I would like to talk to a human" in transcript and "child's school registration" in transcript
    console.click("#take")
    console.wait_for_selector("#reply-text")
    wait_for_chat(user, i18n.t("handoff.joined", "en"))

    console.fill("#reply-text", "Hello, this is the hotline. Which district do you live in?")
    console.click("#send-reply")
    console.wait_for_selector("#queue-notice")
    reply = i18n.t("handoff.staff_reply", "en", text="Hello, this is the hotline. Which district do you live in?")
    wait_for_chat(user, reply)
    shot(user, "handoff-3-user-sees-reply")

    user.fill(".rw-new-message", "We live in Minhang")
    user.keyboard.press("Enter")
    console.wait_for_function("() => document.getElementById('transcript').innerText.includes('We live in Minhang')",
                              timeout=30_000)  # the console polls for new messages
    shot(console, "handoff-4-console-transcript")

    console.click("#hand-back")
    console.wait_for_url("**/staff/queue?notice=closed")
    wait_for_chat(user, i18n.t("handoff.handed_back", "en")[:40])
    user.fill(".rw-new-message", "Hello")
    user.keyboard.press("Enter")
    wait_for_chat(user, "Hello! I'm Haina")  # the bot answers again
    shot(user, "handoff-5-bot-answers-again")
    user.close()
    console.close()
