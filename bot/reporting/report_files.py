"""The pipeline report as files: its figures as a CSV (one figure a row, ready for a pivot
table; every cell spreadsheet-safe, bot/reporting/safe_csv.py), and its funnel and sources as a PNG
chart. The chart is drawn from a small JSON-able summary, so the Monday chart queued in the
outbox (handlers/reporting/weekly_chart.py) and `/lead report … chart` draw the same picture."""

import io
from collections.abc import Iterator
from typing import Any

from bot.reporting.safe_csv import write_csv
from domain.reporting.report import PipelineReport
from handlers.reporting.weekly_chart import chart_summary

CSV_HEADER = ("section", "name", "figure", "value")
SOURCES_CHARTED = 8  # bars beyond these are unreadable in a chat preview


def report_csv(report: PipelineReport) -> str:
    out = io.StringIO()
    write_csv(out, CSV_HEADER, _figures(report))
    return out.getvalue()


def _figures(report: PipelineReport) -> Iterator[tuple[object, ...]]:
    yield ("period", report.scope, "from", report.since.isoformat())
    yield ("period", report.scope, "until", report.until.isoformat())
    yield ("summary", "captured", "leads", report.captured)
    yield ("summary", "won", "leads", report.won)
    yield ("summary", "won", "value", report.won_value)
    yield ("summary", "lost", "leads", report.lost)
    yield ("summary", "open now", "leads", report.open_now)
    yield ("summary", "open now", "unassigned", report.unassigned_now)
    for stage in report.funnel:
        yield ("funnel", stage.name, "reached", stage.reached)
        yield ("funnel", stage.name, "rate from previous", _round(stage.rate))
        yield ("funnel", stage.name, "median days in stage", _round(stage.median_days))
    for line in report.sources:
        yield ("source", line.source, "leads", line.leads)
        yield ("source", line.source, "converted", line.converted)
        yield ("source", line.source, "median days to convert", _round(line.median_days))
        yield ("source", line.source, "value won", line.value_won)
        yield ("source", line.source, "cost", line.cost)
        yield ("source", line.source, "cost per lead", line.cost_per_lead)
        yield ("source", line.source, "cost per customer", line.cost_per_customer)
    for kind, lines in (("speed by team", report.speed_by_team), ("speed by rep", report.speed_by_rep)):
        for speed in lines:
            yield (kind, speed.who, "contacted", speed.contacted)
            yield (kind, speed.who, "p50 minutes", _round(speed.p50))
            yield (kind, speed.who, "p90 minutes", _round(speed.p90))
    for source, reasons in report.lost_by_source:
        for reason in reasons:
            yield ("lost by source", source, reason.label, reason.count)
    for rep in report.by_rep:
        yield ("rep", rep.rep, "open", rep.open)
        yield ("rep", rep.rep, "won", rep.won)
        yield ("rep", rep.rep, "lost", rep.lost)
        yield ("rep", rep.rep, "follow-ups overdue", rep.overdue)


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def report_chart(report: PipelineReport) -> bytes:
    return chart_png(chart_summary(report))


def chart_png(summary: dict[str, Any]) -> bytes:
    """The funnel (left) and the sources (right) as one PNG. The object API with the Agg
    canvas, not pyplot: no global figure state shared between threads, no display needed.
    matplotlib is imported here, on first use: it takes most of a second to import, and most
    processes never draw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    funnel_axes, sources_axes = figure.subplots(1, 2)
    figure.suptitle(summary["title"])
    _funnel(funnel_axes, summary["funnel"])
    _sources(sources_axes, summary["sources"][:SOURCES_CHARTED])
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _funnel(axes: Any, stages: list[list[Any]]) -> None:
    names = [str(name) for name, _, _ in stages]
    reached = [int(count) for _, count, _ in stages]
    bars = axes.barh(names[::-1], reached[::-1], color="#2e86de")
    labels = [f"{count}" + (f" ({rate:.0%})" if rate is not None else "") for _, count, rate in stages][::-1]
    axes.bar_label(bars, labels=labels, padding=3)
    axes.set_title("Funnel (furthest stage reached)")
    axes.set_xlim(0, max(reached, default=0) * 1.3 + 1)


def _sources(axes: Any, sources: list[list[Any]]) -> None:
    axes.set_title("Sources: leads and converted")
    if not sources:
        axes.text(0.5, 0.5, "No leads captured", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    names = [str(name)[:24] for name, _, _ in sources][::-1]
    positions = range(len(names))
    axes.barh([p + 0.2 for p in positions], [int(n) for _, n, _ in sources][::-1], 0.4, label="leads")
    axes.barh([p - 0.2 for p in positions], [int(c) for _, _, c in sources][::-1], 0.4, label="converted")
    axes.set_yticks(list(positions), names)
    axes.legend(loc="lower right")
