"""The pipeline report, for the one who asked (ephemeral): a few sections of counts, never a
lead list, so it stays small whatever the period."""

from datetime import timedelta
from decimal import Decimal

from bot.blocks.digest import more, tallies
from bot.blocks.text import SlackMessage, safe, section, truncate, user, when
from domain.report import PipelineReport, RepLine, SourceLine

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
        section(_sources(report.by_source)),
        section(_closed(report)),
        section(_speed(report)),
        section(_reps(report.by_rep)),
        section(f"*Open now*: {report.open_now}, of which {report.unassigned_now} unassigned"),
    ]
    # The header is plain text; the notification text is mrkdwn, so the scope is escaped there.
    summary = f"{report.captured} captured, {report.won} won, {report.lost} lost"
    text = f"📈 Pipeline · {safe(report.scope, 200)} · last {report.days} days: {summary}"
    return SlackMessage(text=text, blocks=blocks)


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
