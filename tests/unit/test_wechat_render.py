"""Bot messages as WeChat texts: 2,048-byte parts, numbered options, plain text and URLs."""

from __future__ import annotations

import pytest

from connectors.wechat.render import LIMIT_BYTES, plain, render_turn, split
from haina import i18n
from haina.languages import LANGUAGES


def size(text: str) -> int:
    return len(text.encode("utf-8"))


@pytest.mark.parametrize("sentence", [
    "工作许可的办理时限一般为十个工作日。",          # 3-byte characters
    "Der Antrag wird in der Regel innerhalb von zehn Arbeitstagen bearbeitet. ",
    "Заявление обычно рассматривается в течение десяти рабочих дней. ",  # 2-byte characters
    "申請は通常10営業日以内に処理されます😀。",      # a 4-byte emoji
])
def test_long_texts_split_at_sentences_within_the_limit(sentence):
    text = sentence * 200
    parts = split(text, max_parts=100)
    assert len(parts) > 1
    for part in parts:
        assert size(part) <= LIMIT_BYTES
        part.encode("utf-8").decode("utf-8")  # whole characters only
        assert part.rstrip().endswith(sentence.strip()[-1])  # every part ends where a sentence ends
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")  # nothing lost or repeated


def test_paragraphs_are_preferred_to_sentences():
    paragraph = ("Sentence one is here. " * 30).strip()
    text = "\n\n".join([paragraph] * 6)
    parts = split(text)
    assert all(part == paragraph or "\n\n" in part for part in parts)
    assert all(size(p) <= LIMIT_BYTES for p in parts)
    assert sum(p.count(paragraph) for p in parts) == 6


def test_a_text_without_any_boundary_is_cut_between_characters():
    text = "长" * 2000  # 6,000 bytes, no spaces or punctuation
    parts = split(text)
    assert [size(p) for p in parts] == [2046, 2046, 1908]  # 682 characters of 3 bytes fit in 2,048
    assert "".join(parts) == text


def test_a_short_text_stays_whole_and_too_many_parts_are_capped():
    assert split("Hello") == ["Hello"]
    parts = split("Word. " * 5000, max_parts=5)
    assert len(parts) == 5 and parts[-1].endswith("…") and size(parts[-1]) <= LIMIT_BYTES


def test_markdown_is_stripped_and_links_become_plain_urls():
    text = "## Fees\n**Important**: see [the FAQ](https://example.org/faq/1) or <a href=\"https://x.org\">this page</a>.\n* one\n* two `code`"
    assert plain(text) == "Fees\nImportant: see the FAQ https://example.org/faq/1 or this page https://x.org.\n- one\n- two code"
    assert plain("[https://a.org](https://a.org)") == "https://a.org"
    assert plain("2 * 3 * 4 and snake_case_name") == "2 * 3 * 4 and snake_case_name"


@pytest.mark.parametrize("language", LANGUAGES)
def test_buttons_become_numbered_options_across_the_turn(language):
    messages = [
        {"text": "**Work permit**\n\nIt takes 10 working days.",
         "buttons": [{"title": "Documents", "payload": '/show_article{"article_id": "a"}'},
                     {"title": "Fees", "payload": '/show_article{"article_id": "b"}'}]},
        {"text": "Did this help?", "buttons": [{"title": "👍 Yes", "payload": "/affirm"}, {"title": "👎 No", "payload": "/deny"}]},
        {"text": "Official page", "buttons": [{"title": "Open", "type": "web_url", "url": "https://fwzx.sh.gov.cn"}]},
    ]
    turn = render_turn(messages, language)
    assert turn.options == ['/show_article{"article_id": "a"}', '/show_article{"article_id": "b"}', "/affirm", "/deny"]
    text = "\n\n".join(turn.texts)
    for line in ("1. Documents", "2. Fees", "3. 👍 Yes", "4. 👎 No", "Open https://fwzx.sh.gov.cn"):
        assert line in text
    assert "**" not in text and text.startswith("Work permit")
    assert text.endswith(i18n.t("wechat.options_hint", language))
    assert len(turn.texts) == 1  # one passive message when it fits


def test_a_turn_without_buttons_has_no_options_and_no_hint():
    turn = render_turn([{"text": "Hello!"}, {"text": "How can I help?"}], "en")
    assert turn.texts == ["Hello!\n\nHow can I help?"] and turn.options == []
    assert render_turn([], "en").texts == []
    assert render_turn([{"image": "https://x.org/a.png"}], "en").texts == ["https://x.org/a.png"]


def test_a_long_turn_is_split_and_keeps_its_options():
    long_text = "这是一段很长的说明。" * 300
    turn = render_turn([{"text": long_text, "buttons": [{"title": "继续", "payload": "/affirm"}]}], "zh")
    assert 1 < len(turn.texts) <= 5 and all(size(t) <= LIMIT_BYTES for t in turn.texts)
    # Shortened to five messages, the options still come last so that "1" keeps working.
    assert turn.options == ["/affirm"] and turn.texts[-1].startswith("1. 继续") and turn.texts[-2].endswith("…")
