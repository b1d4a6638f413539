"""The FAQ pages in headless Chromium: switch language, search, open an article, keyboard only, print."""

import pytest

from haina import i18n
from haina.knowledge.store import load_articles
from tests.conftest import ARTIFACTS
from tests.e2e.test_browser import browser  # noqa: F401  (the same headless Chromium launch)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
ARTICLES = load_articles()


def test_browse_switch_language_search_and_open_an_article(stack, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(locale="de-DE")
    page.goto(f"http://localhost:{stack.ports.web}/faq/")
    assert page.get_attribute("html", "lang") == "de", "language negotiated from Accept-Language"
    assert page.inner_text("h1") == i18n.t("faq.heading", "de")
    page.screenshot(path=str(ARTIFACTS / "faq-index-de.png"), full_page=True)

    page.select_option("#faq-lang", "zh")
    page.click(".lang-apply")
    page.wait_for_url("**lang=zh**")
    assert page.get_attribute("html", "lang") == "zh" and page.inner_text("h1") == i18n.t("faq.heading", "zh")

    page.fill("#faq-q", "租房押金不退怎么办")
    page.press("#faq-q", "Enter")
    page.wait_for_url("**/faq/search**")
    first = page.locator("ol.results li h2 a").first
    assert ARTICLES["housing.contract_deposit"].text("title", "zh") in first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "faq-search-zh.png"), full_page=True)

    first.click()
    page.wait_for_url("**/faq/housing.contract_deposit**")
    article = ARTICLES["housing.contract_deposit"]
    assert page.inner_text("h1") == article.text("title", "zh")
    assert article.source_url in page.inner_text(".source")
    assert i18n.date(article.reviewed, "zh") in page.inner_text(".source")
    page.screenshot(path=str(ARTIFACTS / "faq-article-zh.png"), full_page=True)

    page.emulate_media(media="print")
    assert page.locator(".portal-bar").is_hidden() and page.locator(".faq-search").is_hidden()
    assert page.locator("h1").is_visible()
    page.screenshot(path=str(ARTIFACTS / "faq-article-zh-print.png"), full_page=True)


def test_remembered_language_and_polite_404(stack, browser):
    page = browser.new_page(locale="en-GB")
    page.goto(f"http://localhost:{stack.ports.web}/faq/?lang=ko")
    page.goto(f"http://localhost:{stack.ports.web}/faq/no.such_article")
    assert page.get_attribute("html", "lang") == "ko"
    assert page.inner_text("h1") == i18n.t("faq.not_found_title", "ko")
    page.screenshot(path=str(ARTIFACTS / "faq-404-ko.png"), full_page=True)


def test_keyboard_only_path(stack, browser):
    """Skip link, search box, result and article reached with Tab and Enter alone."""
    page = browser.new_page(locale="fr-FR")
    page.goto(f"http://localhost:{stack.ports.web}/faq/?lang=fr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0, "the skip link becomes visible on focus"
    page.keyboard.press("Enter")
    for _ in range(10):  # Tab from the skip target to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "faq-q":
            break
    assert page.evaluate("document.activeElement.id") == "faq-q"
    page.keyboard.type("combien de temps pour le permis de travail")
    page.keyboard.press("Enter")
    page.wait_for_url("**/faq/search**")
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/faq/work_permit."):
            break
    assert href.startswith("/faq/work_permit.")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.screenshot(path=str(ARTIFACTS / "faq-keyboard-focus.png"), full_page=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/faq/work_permit.**")
    assert page.get_attribute("html", "lang") == "fr"


def test_chat_page_header_links_to_the_faq(stack, browser):
    page = browser.new_page(locale="en-GB")
    page.goto(f"http://localhost:{stack.ports.web}/?lang=es")
    page.click("a.faq-link")
    page.wait_for_url("**/faq/**")
    assert page.inner_text("h1") == i18n.t("faq.heading", "es")
