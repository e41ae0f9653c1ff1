"""The pipeline report, for the one who asked (ephemeral): a few sections of counts, never a
lead list, so it stays small whatever the period."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from bot.blocks.digest import more, tallies
from bot.blocks.text import SlackMessage, safe, section, truncate, user, when
from domain.reporting.digest import Tally
from domain.reporting.funnel import FunnelStage, SourceEffect, SpeedLine
from domain.reporting.report import PipelineReport, RepLine, SourceLine

LINES_LIMIT = 10  # sources and reps listed; the rest are counted
STATUS_ORDER = ("new", "contacted", "nurturing", "qualified", "converted", "lost")


def report_message(report: PipelineReport) -> SlackMessage:
    title = f"📈 Pipeline · {report.scope} · last {report.days} days"
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(title, 150)}},
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"From {when(report.since)} to {when(report.until)}."}],
        },
        section(_captured(report)),
        section(funnel_text(report.funnel)),
        section(sources_text(report) if report.sources else _sources(report.by_source)),
        section(_closed(report)),
        section(lost_by_source_text(report.lost_by_source)),
        section(_speed(report)),
        section(speed_text("*Speed to lead by team* (p50 / p90)", report.speed_by_team, "teams", _team)),
        section(speed_text("*Speed to lead by rep* (p50 / p90)", report.speed_by_rep, "reps", user)),
        section(_reps(report.by_rep)),
        section(f"*Open now*: {report.open_now}, of which {report.unassigned_now} unassigned"),
    ]
    # The header is plain text; the notification text is mrkdwn, so the scope is escaped there.
    summary = f"{report.captured} captured, {report.won} won, {report.lost} lost"
    text = f"📈 Pipeline · {safe(report.scope, 200)} · last {report.days} days: {summary}"
    return SlackMessage(text=text, blocks=blocks)


def funnel_text(stages: tuple[FunnelStage, ...]) -> str:
    """captured 120 → contacted 80 (67%) → ...; then the median days spent in each stage."""
    if not stages or not stages[0].reached:
        return "*Funnel*: nothing captured in this period"
    steps = " → ".join(
        f"{s.name} {s.reached}" + (f" ({s.rate:.0%})" if s.rate is not None else "") for s in stages
    )
    days = [f"{s.name} {s.median_days:.1f} d" for s in stages if s.median_days is not None]
    spent = f"\nMedian time in stage: {' · '.join(days)}" if days else ""
    return f"*Funnel* (captured in the period, furthest stage reached): {steps}{spent}"


def sources_text(report: PipelineReport) -> str:
    shown = [_source_line(line) for line in report.sources]
    return _listing("*Sources* (captured in the period)", shown, "sources", "nothing captured")


def _source_line(line: SourceEffect) -> str:
    leads = "1 lead" if line.leads == 1 else f"{line.leads} leads"
    parts = [f"{leads}, {line.converted} converted ({line.conversion:.0%})"]
    if line.median_days is not None:
        parts.append(f"median {line.median_days:.1f} days to convert")
    if line.value_won:
        parts.append(f"won {_money(line.value_won)}")
    if line.cost is not None:
        per_lead, per_customer = line.cost_per_lead, line.cost_per_customer
        parts.append(f"cost {_money(line.cost)}")
        parts += [f"{_money(per_lead)} a lead"] if per_lead is not None else []
        parts += [f"{_money(per_customer)} a customer"] if per_customer is not None else []
    return f"{safe(line.source, 100)}: {', '.join(parts)}"


def lost_by_source_text(lines: tuple[tuple[str, tuple[Tally, ...]], ...]) -> str:
    shown = [
        f"{safe(source, 100)}: {tallies([{'label': t.label, 'count': t.count} for t in reasons])}"
        for source, reasons in lines
    ]
    return _listing("*Lost reasons by source* (lost in the period)", shown, "sources", "none lost")


def speed_text(title: str, lines: tuple[SpeedLine, ...], noun: str, name: Callable[[str], str]) -> str:
    shown = [
        f"{name(line.who)}: {_duration(timedelta(minutes=line.p50))} / "
        f"{_duration(timedelta(minutes=line.p90))} ({line.contacted} contacted)"
        for line in lines
    ]
    return _listing(title, shown, noun, "no handed-over lead contacted yet")


def _team(key: str) -> str:
    return f"`{safe(key, 64)}`"


def _captured(report: PipelineReport) -> str:
    if not report.captured:
        return "*Captured*: none in this period"
    counts = {t.label: t.count for t in report.captured_by_status}
    stages = " · ".join(f"{status} {counts[status]}" for status in STATUS_ORDER if counts.get(status))
    converted = _percent(report.converted, report.captured)
    return f"*Captured*: {report.captured} ({stages}); {converted} converted so far"


def _sources(lines: tuple[SourceLine, ...]) -> str:
    shown = [
        f"{safe(line.source, 100)}: {line.captured} captured, {line.converted} converted "
        f"({_percent(line.converted, line.captured)})"
        for line in lines
    ]
    return _listing("*By source* (captured in the period)", shown, "sources", "nothing captured")


def _closed(report: PipelineReport) -> str:
    rate = f", win rate {report.win_rate:.0%}" if report.win_rate is not None else ""
    value = f" worth {_money(report.won_value)}" if report.won_value else ""
    reasons = [{"label": t.label, "count": t.count} for t in report.lost_by_reason]
    lost = f" ({tallies(reasons)})" if report.lost else ""
    line = f"*Closed in the period*: {report.won} won{value}, {report.lost} lost{lost}{rate}"
    deal, cycle = report.average_deal, report.median_sales_cycle
    details = [f"average deal {_money(deal)}"] if deal is not None else []
    details += [f"median sales cycle {_duration(cycle)} from capture to win"] if cycle is not None else []
    return line + (f"\n{'; '.join(details)}" if details else "")


def _speed(report: PipelineReport) -> str:
    """Speed to lead counts leads handed to a rep: a rep's own capture needs no handing over."""
    title = "*Speed to first contact* (leads handed to a rep)"
    if not report.handed_over:
        return f"{title}: none handed over in this period"
    contacted = f"{len(report.first_contact_minutes)} of {report.handed_over} contacted"
    middle = report.median_first_contact
    return (
        f"{title}: median {_duration(middle)} ({contacted})"
        if middle is not None
        else f"{title}: {contacted}"
    )


def _reps(lines: tuple[RepLine, ...]) -> str:
    shown = [
        f"{user(line.rep)}: {line.open} open, {line.won} won, {line.lost} lost"
        + (f", {line.overdue} follow-ups overdue" if line.overdue else "")
        for line in lines
    ]
    return _listing("*By rep*", shown, "reps", "no owned leads")


def _listing(title: str, lines: list[str], noun: str, empty: str) -> str:
    """A titled bullet list of at most LINES_LIMIT lines, the rest counted."""
    if not lines:
        return f"{title}: {empty}"
    hidden = len(lines) - LINES_LIMIT
    tail = [more(hidden, f"more {noun}")] if hidden > 0 else []
    return "\n".join([title, *(f"• {line}" for line in lines[:LINES_LIMIT]), *tail])


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".removesuffix(".00")


def _duration(span: timedelta) -> str:
    minutes = span.total_seconds() / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"
