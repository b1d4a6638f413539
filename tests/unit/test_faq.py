"""The FAQ pages through aiohttp's test client: languages, topics, articles, search, errors, escaping."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from aiohttp.test_utils import TestClient, TestServer

from connectors.web.faq.language import accepted_languages
from connectors.web.server import make_app
from haina import i18n
from haina.knowledge.store import load_articles
from haina.languages import LANGUAGES

ARTICLES = load_articles()


@pytest.fixture
async def client():
    async with TestClient(TestServer(make_app("http://localhost:5005"))) as test_client:
        yield test_client


class Outline(HTMLParser):
    """The page's lang, landmarks, headings, labels and ids: what the accessibility checks look at."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "html":
            self.lang = attributes.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag):
        if self._heading is not None and tag == self._heading[0]:
            self.headings.append(self._heading[0] + ":" + "".join(self._heading[1:]).strip())
            self._heading = None

    def has(self, tag, **attrs):
        return any(t == tag and all(a.get(k) == v for k, v in attrs.items()) for t, a in self.tags)


def outline(html: str) -> Outline:
    parsed = Outline()
    parsed.feed(html)
    return parsed


def assert_accessible(page: Outline) -> None:
    assert page.has("main", id="main") and page.has("header") and page.has("footer")
    assert page.has("a", href="#main"), "skip link"
    assert [h for h in page.headings if h.startswith("h1:")].__len__() == 1, page.headings
    ids = {a["id"] for _, a in page.tags if "id" in a}
    for tag, attrs in page.tags:
        if tag in ("input", "select") and attrs.get("type") != "hidden":
            assert attrs.get("id") in ids and page.has("label", **{"for": attrs["id"]}), attrs
    options = [a for t, a in page.tags if t == "option"]
    assert sorted(o["lang"] for o in options) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_index_in_every_language(client, language):
    response = await client.get(f"/faq/?lang={language}")
    html = await response.text()
    assert response.status == 200 and response.headers["Content-Language"] == language
    page = outline(html)
    assert page.lang == language
    assert_accessible(page)
    assert f"h1:{i18n.t('faq.heading', language)}" in page.headings
    for topic in {a.topic for a in ARTICLES.values()}:
        assert i18n.t(f"topic.{topic}", language) in html, topic
    assert "haina_lang=" + language in response.headers.get("Set-Cookie", "")


async def test_language_from_accept_language_then_cookie(client):
    response = await client.get("/faq/", headers={"Accept-Language": "fr-CH, de;q=0.9, en;q=0.8"})
    assert outline(await response.text()).lang == "fr"
    response = await client.get("/faq/", headers={"Accept-Language": "xx, ko;q=0.5, ja;q=0.7"})
    assert outline(await response.text()).lang == "ja"
    await client.get("/faq/?lang=ru")
    response = await client.get("/faq/", headers={"Accept-Language": "de"})
    assert outline(await response.text()).lang == "ru", "an explicit choice is remembered"


def test_accept_language_parsing():
    assert accepted_languages("zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7") == ["zh", "en"]
    assert accepted_languages("es;q=0, de;q=0.3, pt, ru;q=0.9") == ["ru", "de"]
    assert accepted_languages("nonsense;;q=x,,") == []


async def test_switcher_keeps_the_page_and_query(client):
    html = await (await client.get("/faq/search?q=visa&lang=en")).text()
    assert 'action="/faq/search"' in html and 'name="q" value="visa"' in html
    assert 'hreflang="de" href="/faq/search?q=visa&amp;lang=de"' in html


@pytest.mark.parametrize("language", ["en", "zh", "de"])
async def test_topic_page_lists_its_articles(client, language):
    response = await client.get(f"/faq/topic/tax?lang={language}")
    html = await response.text()
    assert response.status == 200
    page = outline(html)
    assert_accessible(page)
    for article in ARTICLES.values():
        assert (f'href="/faq/{article.id}?lang={language}"' in html) == (article.topic == "tax"), article.id
    assert page.has("nav", **{"aria-label": i18n.t("faq.breadcrumb", language)})


@pytest.mark.parametrize("language", LANGUAGES)
async def test_article_page_has_everything(client, language):
    article = ARTICLES["residence_permit.z_visa_conversion"]
    response = await client.get(f"/faq/{article.id}?lang={language}")
    html = await response.text()
    assert response.status == 200
    page = outline(html)
    assert_accessible(page)
    assert f"h1:{article.text('title', language)}" in page.headings
    assert article.source_url in html and i18n.date(article.reviewed, language) in html
    assert f'<time datetime="{article.reviewed.isoformat()}">' in html
    assert i18n.t("fact.deadline", language) in html
    for other in article.related:
        assert f'href="/faq/{other}?lang={language}"' in html
    assert "<li>" in html, "the body's lists are rendered as lists"


async def test_every_article_page_renders(client):
    for article_id in ARTICLES:
        response = await client.get(f"/faq/{article_id}?lang=ja")
        assert response.status == 200, article_id


async def test_steps_are_an_ordered_list(client):
    html = unescape(await (await client.get("/faq/work_permit.notification_letter?lang=ko")).text())
    steps = ARTICLES["work_permit.notification_letter"].facts["steps"]["ko"]
    block = html[html.index("<ol>", html.index(i18n.t("fact.steps", "ko"))):]
    assert all(step in block for step in steps)


async def test_print_stylesheet_exists(client):
    response = await client.get("/faq/static/faq.css")
    assert response.status == 200 and "@media print" in await response.text()


@pytest.mark.parametrize("language, query, expected", [
    ("en", "how long does it take to get a work permit", "work_permit.processing_time"),
    ("zh", "租房押金不退怎么办", "housing.contract_deposit"),
    ("de", "Führerschein umschreiben", "driving.licence_conversion"),
    ("ja", "社会保険の脱退一時金", "social_insurance.refund"),
])
async def test_search_uses_the_knowledge_ranking(client, language, query, expected):
    response = await client.get("/faq/search", params={"q": query, "lang": language})
    html = await response.text()
    assert response.status == 200
    first = re.search(r'<ol class="article-list results">.*?href="/faq/([^"?]+)', html, re.S)
    assert first and first.group(1) == expected


@pytest.mark.parametrize("language", ["en", "fr", "ko"])
async def test_search_without_results_is_polite(client, language):
    response = await client.get("/faq/search", params={"q": "zzqx vvbnm", "lang": language})
    html = unescape(await response.text())
    assert response.status == 200
    assert i18n.t("faq.no_results", language, query="zzqx vvbnm") in html
    assert i18n.t("faq.no_results_hint", language) in html


async def test_empty_and_too_long_queries_get_a_message(client):
    response = await client.get("/faq/search?q=%20&lang=es")
    assert response.status == 400 and i18n.t("faq.query_empty", "es") in await response.text()
    response = await client.get("/faq/search", params={"q": "x" * 500, "lang": "ru"})
    assert response.status == 400 and i18n.t("faq.query_too_long", "ru", n=500, max=200) in await response.text()


async def test_query_is_escaped(client):
    attack = '<script>alert("x")</script>" onmouseover="y'
    html = await (await client.get("/faq/search", params={"q": attack, "lang": "en"})).text()
    assert "<script>alert" not in html and 'onmouseover="y' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("path", ["/faq/no.such_article", "/faq/topic/nothing", "/faq/a/b/c", "/faq/%3Cscript%3E"])
async def test_unknown_pages_are_a_polite_404(client, path):
    response = await client.get(path + "?lang=de")
    html = await response.text()
    assert response.status == 404
    assert i18n.t("faq.not_found_title", "de") in html and 'name="q"' in html
    assert "<script>" not in html


async def test_chat_page_links_to_the_faq(client):
    html = await (await client.get("/?lang=ja")).text()
    assert 'href="/faq/?lang=ja"' in html and "よくある質問" in html
