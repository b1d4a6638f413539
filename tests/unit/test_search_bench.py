"""bench/search.py's pieces: the held-out questions it reads, the whitespace-BM25 peer, the report."""

from bench.search import WhitespaceBM25, held_out_questions, report
from haina.intents import intent_table
from haina.knowledge.store import load_articles
from haina.languages import LANGUAGES


def test_held_out_questions_map_knowledge_intents_to_their_default_articles():
    questions = held_out_questions()
    articles = load_articles()
    defaults = {info.article for info in intent_table().values() if info.kind == "knowledge"}
    assert {q.language for q in questions} == set(LANGUAGES)
    assert all(q.article in defaults and q.article in articles for q in questions)
    assert not any("](" in q.text or "]{" in q.text for q in questions), "entity annotations are removed"


def test_peer_matches_whitespace_words_only():
    peer = WhitespaceBM25(load_articles())
    assert peer.rank("gongjijin provident fund", "en")[0] == "housing.provident_fund"
    assert peer.rank("公积金怎么提取", "zh") == [], "an unspaced Chinese question is one unknown token to the peer"


def test_report_marks_the_target():
    languages = {lang: {"n": 10, "right": 9} for lang in LANGUAGES}
    search = {"x": {"languages": {lang: {"n": 2, "top1": 1, "top3": 2, "topic": 2} for lang in LANGUAGES},
                    "ms_per_question": 1.0}}
    info = {"date": "2026-12-02", "cores": 2, "os": "Linux", "python": "3.10"}
    text = report(search, {"haina classify": {"languages": languages, "misses": []}}, info, None, 85)
    assert "**met**" in text and "90.0 %" in text
    languages["zh"]["right"] = 8
    text = report(search, {"haina classify": {"languages": languages, "misses": []}}, info, None, 85)
    assert "**not met**" in text and "80.0 % (zh)" in text
