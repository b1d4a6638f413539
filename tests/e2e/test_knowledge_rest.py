"""Knowledge answers over REST with the real servers: a question per topic in several languages, the
"Did this help?" round trip into the database, and the question log for an unclear question."""

import json
import urllib.request
import uuid

import pytest

from haina.knowledge.store import load_articles

pytestmark = pytest.mark.e2e
ARTICLES = load_articles()

# (language, question, article) — one per topic, written for these tests (not from dev_questions).
QUESTIONS = [
    ("en", "How long does it take to get a work permit in Shanghai?", "work_permit.processing_time"),
    ("zh", "Z字签证入境后多少天内要办居留许可？", "residence_permit.z_visa_conversion"),
    ("de", "Muss ich mich nach dem Einzug in eine Wohnung bei der Polizei anmelden?", "registration.temporary_residence"),
    ("fr", "Mon propriétaire ne veut pas me rendre la caution, que faire ?", "housing.contract_deposit"),
    ("ja", "上海のインターナショナルスクールの学費はどのくらいですか？", "schooling.international_schools"),
    ("es", "¿Cuál es el número de ambulancia en China?", "healthcare.emergency"),
    ("ko", "중국을 떠날 때 사회보험 환급을 받을 수 있나요?", "social_insurance.refund"),
    ("ru", "Какие специальные вычеты по подоходному налогу есть в Китае?", "tax.deductions"),
    ("en", "Can a foreigner open a bank account in Shanghai?", "banking.bank_account"),
    ("de", "Wie kann ich meinen ausländischen Führerschein in einen chinesischen umschreiben?", "driving.licence_conversion"),
    ("zh", "在上海哪里可以学中文？", "integration.chinese_classes"),
    ("fr", "Que faire si mon employeur ne me paie pas mon salaire ?", "employment.labour_dispute"),
]


def say(stack, sender: str, text: str) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{stack.ports.rasa}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(), headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def database_rows(stack, table: str) -> list[dict]:
    import sqlalchemy as sa

    from haina import db

    with db.engine(stack.environment()["HAINA_DATABASE_URL"]).connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.text(f"SELECT * FROM {table}"))]


@pytest.mark.parametrize("language, question, article_id", QUESTIONS)
def test_question_gets_the_right_article(stack, language, question, article_id):
    article = ARTICLES[article_id]
    replies = say(stack, f"kb-{language}-{uuid.uuid4().hex[:8]}", question)
    texts = [r.get("text", "") for r in replies]
    assert any(article.text("title", language) in t and article.source_url in t for t in texts), texts[:1]
    feedback = replies[-1]
    assert [b["payload"] for b in feedback["buttons"]] == [
        f'/give_feedback{{"helpful": "yes", "article_id": "{article_id}"}}',
        f'/give_feedback{{"helpful": "no", "article_id": "{article_id}"}}']


def test_feedback_round_trip_is_stored(stack):
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    replies = say(stack, sender, "Wie lange dauert die Arbeitserlaubnis?")
    yes = replies[-1]["buttons"][0]["payload"]
    before = len(database_rows(stack, "feedback"))
    thanks = say(stack, sender, yes)
    assert "Danke" in " ".join(r.get("text", "") for r in thanks)
    rows = database_rows(stack, "feedback")
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["article_id"], bool(row["helpful"]), row["language"], row["channel"]) == (
        "work_permit.processing_time", True, "de", "rest")
    assert row["sender_hash"] and sender not in str(row["sender_hash"])


def test_no_feedback_offers_related_questions_and_a_person(stack):
    sender = f"fbn-{uuid.uuid4().hex[:8]}"
    replies = say(stack, sender, "¿Cuánto tarda el permiso de trabajo?")
    no = replies[-1]["buttons"][1]["payload"]
    answer = say(stack, sender, no)
    assert answer[-1]["buttons"][-1]["payload"] == "/request_human"
    assert database_rows(stack, "feedback")[-1]["helpful"] in (False, 0)


def parsed_message(stack, sender: str) -> dict:
    """The last user message as Rasa understood it (intent, confidence, ranking), from its HTTP API."""
    url = f"http://127.0.0.1:{stack.ports.rasa}/conversations/{sender}/tracker?token={stack.token}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())["latest_message"]


@pytest.mark.parametrize("text", ["hmm, and what about that paper with the red stamp {tag}?",
                                  "Mein Auto ist kaputt, was nun {tag}"])
def test_question_log_holds_exactly_the_questions_that_went_badly(stack, text):
    from haina.answering import choose_answer
    from haina.intents import intent_table

    sender = f"ql-{uuid.uuid4().hex[:8]}"
    text = text.format(tag=uuid.uuid4().hex[:6])
    say(stack, sender, text)
    message = parsed_message(stack, sender)
    intent = message["intent"]
    reason = choose_answer(text, intent.get("name"), float(intent.get("confidence") or 0.0),
                           ranking=message.get("intent_ranking") or []).review_reason
    rows = [r for r in database_rows(stack, "question_log") if r["text"] == text]
    info = intent_table().get(intent.get("name") or "")
    answered_from_knowledge = intent.get("name") == "nlu_fallback" or (info is not None and info.kind == "knowledge")
    if answered_from_knowledge and reason:
        assert len(rows) == 1 and rows[0]["outcome"] == reason
        assert rows[0]["channel"] == "rest" and rows[0]["sender_hash"] != sender
    else:
        assert rows == []
