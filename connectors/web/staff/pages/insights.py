"""/staff/insights: "Did this help?" answers and the questions the assistant could not answer, for editors
and supervisors (haina.staff.insights), with charts (Chart.js, served from static/vendor) and CSV.
"""

from __future__ import annotations

import datetime as dt
import json

from aiohttp import web

from connectors.web.staff import blocking, console, requires
from connectors.web.staff.render import console_language, render
from haina import i18n
from haina.intents import taxonomy_topics
from haina.languages import LANGUAGES
from haina.staff import insights

PERIODS = (7, 30, 90, 365)
GROUPS_SHOWN = 50


def _choices(request: web.Request) -> tuple[insights.Period, str | None, str | None, str | None, int]:
    try:
        days = int(request.query.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    language = request.query.get("language") if request.query.get("language") in LANGUAGES else None
    topic = request.query.get("topic") if request.query.get("topic") in taxonomy_topics() else None
    outcome = request.query.get("outcome") if request.query.get("outcome") in insights.REVIEWED else None
    return insights.Period.last_days(days), language, topic, outcome, days


def _chart_data(series: insights.Daily, language: str) -> str:
    labels = [i18n.date(day, language, form="short") for day in series.days]
    data = {
        "labels": labels,
        "feedback": [{"label": i18n.t("staff.insights.helpful", language), "data": series.helpful},
                     {"label": i18n.t("staff.insights.not_helpful", language), "data": series.not_helpful}],
        "questions": [{"label": i18n.t(f"staff.insights.outcome.{o}", language), "data": series.questions[o]}
                      for o in insights.REVIEWED],
        "titles": {"feedback": i18n.t("staff.insights.chart_feedback", language),
                   "questions": i18n.t("staff.insights.chart_questions", language)},
    }
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


@requires("insights")
async def insights_page(request: web.Request) -> web.Response:
    period, language, topic, outcome, days = _choices(request)
    state = console(request)
    articles = state.knowledge().articles
    report = await blocking(insights.feedback_report, period, articles, language, topic, state.database_url)
    series = await blocking(insights.daily, period, language, state.database_url)
    groups = await blocking(insights.question_groups, period, language, outcome, True, state.database_url)
    shown_language, _ = console_language(request)
    return render(request, "insights.html", report=report, groups=groups[:GROUPS_SHOWN], group_total=len(groups),
                  articles=articles, chart=_chart_data(series, shown_language), days=days, periods=PERIODS,
                  language=language, topic=topic, outcome=outcome, languages=LANGUAGES, topics=taxonomy_topics(),
                  outcomes=insights.REVIEWED, snippet=insights.training_snippet, query=dict(request.query))


def _csv_response(text: str, name: str) -> web.Response:
    stamp = dt.date.today().isoformat()
    return web.Response(text=text, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="haina-{name}-{stamp}.csv"'})


@requires("insights")
async def feedback_csv(request: web.Request) -> web.Response:
    period, language, topic, _, _ = _choices(request)
    state = console(request)
    report = await blocking(insights.feedback_report, period, state.knowledge().articles, language, topic,
                            state.database_url)
    return _csv_response(insights.feedback_csv(report), "feedback")


@requires("insights")
async def questions_csv(request: web.Request) -> web.Response:
    period, language, _, outcome, _ = _choices(request)
    groups = await blocking(insights.question_groups, period, language, outcome, True, console(request).database_url)
    return _csv_response(insights.questions_csv(groups), "questions")


@requires("insights")
async def daily_csv(request: web.Request) -> web.Response:
    period, language, _, _, _ = _choices(request)
    series = await blocking(insights.daily, period, language, console(request).database_url)
    return _csv_response(insights.daily_csv(series), "daily")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/staff/insights", insights_page)
    router.add_get("/staff/insights/feedback.csv", feedback_csv)
    router.add_get("/staff/insights/questions.csv", questions_csv)
    router.add_get("/staff/insights/daily.csv", daily_csv)
