"""The chat page in headless Chromium: chat in two languages, reload, find the history."""

import shutil

import pytest

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (make test installs it: scripts/ensure-chromium.sh)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield launched
        launched.close()


def send(page, text: str, expect_replies: int) -> None:
    page.fill(".rw-new-message", text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.rw-response').length >= n", arg=expect_replies, timeout=60_000
    )


def wait_for_text(page, text: str) -> None:
    page.wait_for_function(
        "t => document.querySelector('.rw-messages-container').innerText.includes(t)", arg=text, timeout=60_000
    )


def replies(page) -> int:
    return page.evaluate("() => document.querySelectorAll('.rw-response').length")


def test_chat_in_two_languages_and_reload(stack, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(locale="en-GB")
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("http://localhost", "ws://localhost", "data:"))
            else outside.append(r.url))
    page.goto(f"http://localhost:{stack.ports.web}/?lang=en")
    page.wait_for_selector(".rw-new-message", timeout=60_000)
    wait_for_text(page, "I'm Haina")  # a new conversation opens with the greeting in the page's language
    send(page, "What is the foreigner's work permit?", replies(page) + 1)
    wait_for_text(page, "Source:")
    send(page, "你好", replies(page) + 1)
    wait_for_text(page, "海纳")
    page.screenshot(path=str(ARTIFACTS / "chat-two-languages.png"), full_page=True)

    page.reload()
    page.wait_for_selector(".rw-response", timeout=60_000)
    wait_for_text(page, "海纳")
    history = page.inner_text(".rw-messages-container")
    assert "What is the foreigner's work permit?" in history and "你好" in history and "Source:" in history
    assert history.count("I'm Haina") == 1, "a reload must not start a new conversation"
    page.screenshot(path=str(ARTIFACTS / "chat-after-reload.png"), full_page=True)
    assert outside == [], f"the chat page must not load anything from outside: {outside}"


def test_language_picker_switches_page_and_answers(stack, browser):
    page = browser.new_page(locale="en-GB")
    page.goto(f"http://localhost:{stack.ports.web}/")
    page.wait_for_selector(".rw-new-message", timeout=60_000)
    wait_for_text(page, "I'm Haina")
    page.select_option("#lang-picker", "de")
    page.wait_for_url("**lang=de**", timeout=30_000)
    page.wait_for_selector(".rw-new-message", timeout=60_000)
    assert page.inner_text("h1") == "Fragen Sie Haina"
    send(page, "ok", replies(page) + 1)  # too short to tell a language: the picked one answers
    wait_for_text(page, "Gut.")
    page.screenshot(path=str(ARTIFACTS / "chat-picker-german.png"), full_page=True)
