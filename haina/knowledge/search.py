"""Ranks knowledge articles for a question: BM25 on our tokens fused with e5 dense retrieval.

BM25 (rank-bm25) runs per language over the articles' text in that language, tokenized exactly as
the NLU tokenizes. The dense side compares the question's e5 embedding with the embeddings of every
article's title, keywords and summary in all eight languages, so it also matches across languages.
Article embeddings are computed once at build time (`haina train`) and stored beside the model.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from haina import paths
from haina.knowledge.store import Article, load_articles
from haina.languages import LANGUAGES
from haina.text.embeddings import embed_passages, embed_queries
from haina.text.tokenize import tokenize, tokenizer_language

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    article_id: str
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class SearchSettings:
    """Fusion weights and decision thresholds, chosen on the NLU held-out questions (bench/search.py).

    Measured there (2,373 questions of knowledge intents, 84 articles): e5 alone 60 % top-1, BM25
    alone 45 %, e5 + 0.16 x BM25 (normalised by the question's ceiling, see `_lexical_scores`)
    65 % (top-3 84 %); normalising BM25 by the top score instead, with weight 0.25, gave 52 %.
    Weights from 0.1 to 0.2 differ by less than a point.
    """

    dense_weight: float = 1.0
    lexical_weight: float = 0.16
    # Answer directly when the best hit's e5 similarity is at least this and its fused score this
    # far ahead of the second: about 43 % of held-out questions qualify and 84 % of those get the
    # intent's own article (94 % its topic), while under 1 % of out-of-scope questions do
    # (unrelated text scores 0.78-0.84 against every article).
    answer_min_dense: float = 0.85
    answer_min_margin: float = 0.02
    # Listed on the FAQ search page: e5 similarity at least this, or a strong word match.
    list_min_dense: float = 0.845
    list_min_lexical: float = 0.35


def _fingerprint(articles: dict[str, Article]) -> str:
    digest = hashlib.sha256()
    for article in articles.values():
        for language in LANGUAGES:
            digest.update(_passage(article, language).encode("utf-8"))
    return digest.hexdigest()[:16]


def _passage(article: Article, language: str) -> str:
    words = ", ".join(article.keywords.get(language, ()))
    return f"{article.text('title', language)}. {words}. {article.text('summary', language)}"


def index_path(articles: dict[str, Article]) -> Path:
    return paths.MODELS / f"knowledge-{_fingerprint(articles)}.npz"


def build_dense_index(articles: dict[str, Article] | None = None) -> Path:
    """Compute and store the embeddings of every article in every language (build time)."""
    articles = articles if articles is not None else load_articles()
    target = index_path(articles)
    if target.exists():
        return target
    ids, texts = [], []
    for article in articles.values():
        for language in LANGUAGES:
            ids.append(article.id)
            texts.append(_passage(article, language))
    vectors = embed_passages(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, ids=np.array(ids), vectors=vectors)
    tmp.replace(target)
    return target


class KnowledgeSearch:
    """Hybrid search over the knowledge base; one instance per process (see `knowledge_search`)."""

    def __init__(self, articles: dict[str, Article], settings: SearchSettings | None = None) -> None:
        self.articles = articles
        self.settings = settings or SearchSettings()
        self._ids = list(articles)
        self._position = {article_id: i for i, article_id in enumerate(self._ids)}
        self._bm25 = {
            language: BM25Okapi([self._terms(a.search_text(language), language) for a in articles.values()])
            for language in LANGUAGES
        } if articles else {}
        self._dense_ids, self._dense = self._load_dense()

    def _load_dense(self) -> tuple[np.ndarray, np.ndarray]:
        path = index_path(self.articles)
        if not path.exists():
            logger.info("knowledge index missing, building it now (run `haina train` to do it ahead)")
            build_dense_index(self.articles)
        data = np.load(path)
        return np.array([self._position[i] for i in data["ids"]], dtype=np.int64), data["vectors"]

    @staticmethod
    def _terms(text: str, language: str) -> list[str]:
        return [t.text.lower() for t in tokenize(text, language) if any(ch.isalnum() for ch in t.text)]

    def search(self, question: str, topic: str | None = None, limit: int = 3,
               query_vector: np.ndarray | None = None) -> list[Hit]:
        """The best articles for a question, optionally within one topic, best first.

        `query_vector`: the question's e5 embedding when the caller has it already (a batch).
        """
        if not self._ids or not question.strip():
            return []
        dense = self._dense_scores(question, query_vector)
        lexical = self._lexical_scores(question)
        combined = self.settings.dense_weight * dense + self.settings.lexical_weight * lexical
        order = np.argsort(-combined)
        hits = []
        for i in order:
            article_id = self._ids[i]
            if topic and self.articles[article_id].topic != topic:
                continue
            hits.append(Hit(article_id, float(combined[i]), float(dense[i]), float(lexical[i])))
            if len(hits) == limit:
                break
        return hits

    def relevant(self, question: str, limit: int = 10) -> list[Hit]:
        """Hits good enough to list on the FAQ search page (none for a question we cannot answer)."""
        hits = self.search(question, limit=limit)
        return [hit for hit in hits if hit.dense >= self.settings.list_min_dense or hit.lexical >= self.settings.list_min_lexical]

    def is_clear(self, hits: list[Hit], needed_dense: float | None = None) -> bool:
        """Whether the best hit is good enough and far enough ahead to answer without asking."""
        if not hits:
            return False
        margin = hits[0].score - hits[1].score if len(hits) > 1 else 1.0
        needed = self.settings.answer_min_dense if needed_dense is None else needed_dense
        return hits[0].dense >= needed and margin >= self.settings.answer_min_margin

    def _dense_scores(self, question: str, query_vector: np.ndarray | None = None) -> np.ndarray:
        query = embed_queries([question])[0] if query_vector is None else query_vector
        similarities = self._dense @ query
        best = np.full(len(self._ids), -1.0, dtype=np.float32)
        np.maximum.at(best, self._dense_ids, similarities)
        return best

    def _lexical_scores(self, question: str) -> np.ndarray:
        """BM25 scores as a share of the best score the question's words could reach.

        Dividing by the top score of the ranking (the usual normalisation) would give 1.0 to
        whatever matched "on" or "the" in an unrelated question; dividing by the question's own
        ceiling (each word's IDF, at least the average, times k1 + 1; unknown words at the highest
        IDF) keeps a match on common words small and a match on rare, telling words large.
        """
        language = tokenizer_language(question)
        terms = self._terms(question, language)
        if not terms or language not in self._bm25:
            return np.zeros(len(self._ids), dtype=np.float32)
        bm25 = self._bm25[language]
        scores = np.asarray(bm25.get_scores(terms), dtype=np.float32)
        unknown = math.log((bm25.corpus_size + 0.5) / 0.5)
        # A common word counts at least the average IDF in the ceiling, so that a question made
        # only of "the", "and", "on" cannot reach a high share by matching them.
        ceiling = sum(max(bm25.idf.get(term, unknown), bm25.average_idf) for term in terms) * (bm25.k1 + 1)
        return np.clip(scores / ceiling, 0.0, 1.0) if ceiling > 0 else scores * 0


@lru_cache(maxsize=1)
def knowledge_search() -> KnowledgeSearch:
    return KnowledgeSearch(load_articles())
