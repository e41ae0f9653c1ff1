"""The forecast, for the one who asked (ephemeral): a line per month, then last month's
forecast against what it won. A few sections whatever the pipeline's size."""

from decimal import Decimal

from bot.blocks.text import SlackMessage, safe, section, truncate
from domain.reporting.forecast import Forecast, LastMonth, MonthForecast, month_label

HORIZON_WORDS = {"month": "this month", "quarter": "this quarter"}
RECORDED_WHEN = "Leadbot records each month's forecast on its first day"
NO_DEALS = "no open deal has a value yet: `/lead value L-42 12000 close:2027-03`"
SOURCE_WORDS = {"hand": "set by hand", "model": "by the predictive score", "rate": "at the win rate"}


def forecast_message(forecast: Forecast) -> SlackMessage:
    title = f"🔮 Forecast · {forecast.scope} · {HORIZON_WORDS[forecast.horizon]}"
    lines = [month_line(m) for m in forecast.months]
    if len(forecast.months) > 1:
        lines.append(month_line(forecast.total, label="*Total*"))
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(title, 150)}},
        section("\n".join(lines)),
        section(_overdue(forecast.overdue)),
        section(_last(forecast.last)),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _chances(forecast)}]},
    ]
    total = forecast.total
    text = (
        f"🔮 Forecast · {safe(forecast.scope, 200)} · {HORIZON_WORDS[forecast.horizon]}: "
        f"weighted {money(total.weighted)}, best case {money(total.best_case)}"
    )
    return SlackMessage(text=text, blocks=blocks)


def month_line(month: MonthForecast, label: str = "") -> str:
    name = label or f"*{month_label(month.month)}*"
    if not month.deals:
        return f"{name}: no open deal expected to close"
    return (
        f"{name}: weighted *{money(month.weighted)}* · best case {money(month.best_case)} · "
        f"committed {money(month.committed)} ({month.deals} {deals_word(month.deals)})"
    )


def _overdue(overdue: MonthForecast) -> str:
    if not overdue.deals:
        return "*Past their close month*: none"
    return (
        f"*Past their close month*: {overdue.deals} open {deals_word(overdue.deals)} worth "
        f"{money(overdue.best_case)}, not counted above: give them a new month with "
        "`/lead value L-42 close:YYYY-MM`, or close them"
    )


def _last(last: LastMonth) -> str:
    name = month_label(last.month)
    won = f"won {money(last.won_value)} in {last.won} {deals_word(last.won)}"
    if last.recorded is None:
        return f"*{name}*: {won}; no forecast was recorded for it ({RECORDED_WHEN})"
    recorded = last.recorded
    share = f" ({last.accuracy:.0%} of the weighted forecast)" if last.accuracy is not None else ""
    return (
        f"*{name}*: forecast weighted {money(recorded.weighted)} (best case {money(recorded.best_case)}, "
        f"committed {money(recorded.committed)}); {won}{share}"
    )


def _chances(forecast: Forecast) -> str:
    parts = [
        f"{count} {SOURCE_WORDS.get(source, 'with no chance yet')}"
        + (f" ({forecast.win_rate:.0%})" if source == "rate" and forecast.win_rate is not None else "")
        for source, count in sorted(forecast.chance_sources.items())
    ]
    listed = (
        "; ".join(parts) if parts else "no open deal has a value yet: `/lead value L-42 12000 close:2027-03`"
    )
    return f"Weighted = Σ chance × expected value. Chances: {listed}."


def deals_word(count: int) -> str:
    return "deal" if count == 1 else "deals"


def money(value: Decimal) -> str:
    return f"{value:,.2f}".removesuffix(".00")
