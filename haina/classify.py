"""`haina classify`: the batch contract of ../shared/eval/CONTRACT.md.

Reads JSONL questions on stdin and writes one JSONL prediction per line, in order, using the same
NLU model and answer selection as the live assistant, without starting a server.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator

from haina.answering import CONFIDENT, choose_answer
from haina.directory.topics import topic_for
from haina.intents import topic_of
from haina.knowledge.search import KnowledgeSearch, knowledge_search
from haina.languages import DEFAULT_LANGUAGE, LANGUAGES

MAX_TEXT = 2000


@dataclass
class Parser:
    """Wraps a loaded Rasa agent: text in, Rasa parse data out."""

    agent: Any

    @classmethod
    def load(cls, model: str) -> "Parser":
        from rasa.core.agent import Agent

        return cls(Agent.load(model))

    async def parse(self, text: str) -> dict[str, Any]:
        return await self.agent.parse_message(text)


def predict(parse: dict[str, Any], text: str, search: KnowledgeSearch) -> dict[str, Any]:
    """The contract's fields for one parsed question."""
    intent = parse.get("intent") or {}
    name = intent.get("name")
    confidence = float(intent.get("confidence") or 0.0)
    language = (parse.get("language_decision") or {}).get("language")
    choice = choose_answer(text, name, confidence, search, ranking=parse.get("intent_ranking") or [])
    if choice.mode == "article" and choice.article_id:
        topic = search.articles[choice.article_id].topic
    elif choice.topic:
        topic = choice.topic
    else:
        topic = topic_of(name) if name and name != "nlu_fallback" else "other"
    directory = name == "search_directory" and confidence >= CONFIDENT
    if directory:  # answered by the directory: the topic follows the kind of place asked for
        topic = topic_for(parse.get("entities") or [], default=topic)
    if name == "nlu_fallback":
        ranking = parse.get("intent_ranking") or []
        name = next((r.get("name") for r in ranking if r.get("name") != "nlu_fallback"), name)
    return {
        "language": language if language in LANGUAGES else DEFAULT_LANGUAGE,
        "topic": topic,
        "intent": name,
        "confidence": round(min(max(confidence, 0.0), 1.0), 4),
        "answer_id": choice.article_id if choice.mode == "article" and not directory else None,
    }


def read_questions(lines: Iterable[str]) -> Iterator[tuple[Any, str | None, str | None]]:
    """(id, text, error) for each non-empty input line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield None, None, f"line {number}: not valid JSON ({error.msg})"
            continue
        if not isinstance(record, dict):
            yield None, None, f"line {number}: expected a JSON object"
            continue
        qid, text = record.get("id"), record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield qid, None, "no text"
        elif len(text) > MAX_TEXT:
            yield qid, None, f"text longer than {MAX_TEXT} characters"
        else:
            yield qid, text, None


async def classify_stream(parser: Parser, source: IO[str], sink: IO[str], search: KnowledgeSearch | None = None) -> int:
    """Classify every line of `source` into `sink`; returns how many lines were written."""
    search = search or knowledge_search()
    written = 0
    for qid, text, error in read_questions(source):
        if error:
            out: dict[str, Any] = {"id": qid, "error": error}
        else:
            try:
                out = {"id": qid, **predict(await parser.parse(text), text, search)}
            except Exception as failure:  # one bad question must not stop the batch
                out = {"id": qid, "error": f"could not classify: {type(failure).__name__}"}
        sink.write(json.dumps(out, ensure_ascii=False) + "\n")
        sink.flush()
        written += 1
    return written


def run(model: str, source: IO[str], sink: IO[str]) -> int:
    parser = Parser.load(model)
    return asyncio.run(classify_stream(parser, source, sink))
