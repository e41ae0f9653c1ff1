"""Every Monday at the team's digest time, each team channel gets last week's funnel and sources
as a PNG chart: queued once per team per week however many processes run (the week's run row
and the outbox message commit together, as the daily digest's do), and drawn when delivered."""

from datetime import date, datetime, time, timedelta
from typing import Any

from domain.config import LeadbotConfig, SalesTeam
from domain.delivery.messages import OutboxMessage, WeeklyChart
from domain.permissions import system_actor
from domain.reporting.digest import digest_date
from domain.reporting.report import PipelineReport
from domain.working_hours import parse_clock
from handlers.commands import ShowReport
from handlers.context import Context
from handlers.reporting.report import pipeline_report
from store.unit_of_work import UowFactory

CHART_JOB = "weekly_chart"
SENDER = "weekly chart"  # the system actor that asks for the report
MONDAY = 0


def post_weekly_charts(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> int:
    """Queue every team's chart due at `now` (Mondays, from the digest time); the number queued."""
    with uow_factory() as uow:
        workspaces = uow.daily_runs.workspaces()
    queued = 0
    for team in config.teams:
        day = digest_date(now, team.hours_in(), parse_clock(team.digest_time))
        if team.channel is None or day is None or day.weekday() != MONDAY:
            continue
        for workspace in workspaces:
            queued += _post_one(uow_factory, workspace, team, day, now, config)
    return queued


def _post_one(
    uow_factory: UowFactory, workspace: str, team: SalesTeam, day: date, now: datetime, config: LeadbotConfig
) -> int:
    week_start = _week_start(team, day)
    with uow_factory() as uow:  # cheap, before the report: a process may have sent it already
        last = uow.daily_runs.last_ran_at(workspace, CHART_JOB, team.key)
    if last is not None and last >= week_start:
        return 0
    ctx = Context(system_actor(workspace, SENDER), week_start, config)
    report = pipeline_report(ShowReport(days=7, team=team.key), uow_factory(), ctx)
    with uow_factory() as uow:
        runs = uow.daily_runs
        if not runs.claim(workspace, CHART_JOB, team.key, day, now, week_start - timedelta(days=7)):
            return 0  # this week's chart is out already, or another process is sending it
        # `<job>:<workspace>:…:<date>`, as a tick ahead of the clock finds a day's messages
        # to withdraw them (handlers/operations/ahead_of_clock.py)
        key = f"{CHART_JOB}:{workspace}:{team.key}:{day.isoformat()}"
        body = WeeklyChart(
            channel=team.channel, chart=chart_summary(report), filename=f"{team.key}-{day}.png"
        )
        uow.outbox.add(OutboxMessage(workspace, key, body), now)
        uow.commit()
    return 1


def _week_start(team: SalesTeam, monday: date) -> datetime:
    """Monday 00:00 on the team's clock: last week ends there."""
    return datetime.combine(monday, time(0), tzinfo=team.hours_in().tz)


def chart_summary(report: PipelineReport) -> dict[str, Any]:
    """What the chart shows, JSON-able (it waits in the outbox): the title, the funnel's stages
    with their rates, and each source's leads and conversions."""
    return {
        "title": f"{report.scope} · {report.since:%d %b} to {report.until - timedelta(seconds=1):%d %b %Y}",
        "funnel": [[stage.name, stage.reached, stage.rate] for stage in report.funnel],
        "sources": [[line.source, line.leads, line.converted] for line in report.sources if line.leads],
    }
