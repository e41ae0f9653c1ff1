"""The forecast a manager's Home tab shows is computed once per scope every few minutes
(bot/reporting/forecasts.py); whoever shares the scope shares it, another scope gets its own."""

from datetime import date, timedelta
from decimal import Decimal

from routing_support import NOA, routing_config
from support import ADA, MIA, NOW, context_of

from bot.reporting.forecasts import MEMO_TTL, ForecastMemo
from domain.reporting.forecast import Forecast, LastMonth, MonthForecast


def counting() -> tuple[ForecastMemo, list[str]]:
    asked: list[str] = []

    def compute(ctx):
        asked.append(ctx.actor.user_id)
        month = date(NOW.year, NOW.month, 1)
        return Forecast(
            ctx.actor.user_id,
            "quarter",
            (MonthForecast(month),),
            MonthForecast(month),
            LastMonth(month, None, 0, Decimal(0)),
        )

    return ForecastMemo(compute), asked


def test_a_forecast_is_kept_for_its_scope_until_it_is_stale():
    config = routing_config()
    memo, asked = counting()
    first, at = memo.lookup(context_of(config, MIA))
    again, again_at = memo.lookup(context_of(config, MIA, NOW + MEMO_TTL - timedelta(seconds=1)))
    assert (again, again_at) == (first, at) and at == NOW and asked == [MIA]
    memo.lookup(context_of(config, NOA))  # another team's manager: another scope
    memo.lookup(context_of(config, ADA))  # every team
    assert asked == [MIA, NOA, ADA]
    later, later_at = memo.lookup(context_of(config, MIA, NOW + MEMO_TTL))
    assert later_at == NOW + MEMO_TTL and asked == [MIA, NOA, ADA, MIA]
