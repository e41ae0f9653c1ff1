"""The sales forecast (`/lead forecast`): what the open pipeline is expected to bring, month by
month, from the expected value and close month people give open leads (`/lead value L-42
12000 close:2027-03`), and how last month's forecast compared with what was won.

Three sums per month, as sales forecasts keep them (Salesforce's pipeline / best case /
commit categories): the *weighted* pipeline (each deal's value times its chance to convert),
the *best case* (every open deal's value, as if all were won) and the *committed* sum (the
deals already qualified, which sales has accepted)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.closing.outcomes import parse_amount
from domain.errors import InvalidInput

DEAL_FIELDS = ("value", "close")  # the `key:value` words of `add`, the webhook and the import
HORIZONS = {"month": 1, "quarter": 3}
DEFAULT_HORIZON = "quarter"
MAX_MONTHS_AHEAD = 120  # a close month beyond ten years is a typo, not a plan
_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T ].*)?")
_MONTH_FIRST = re.compile(r"(\d{1,2})[-/.](\d{4})")
_CENT = Decimal("0.01")


def parse_value(text: str) -> Decimal:
    """An expected deal value, as a deal's value is written (`12000`, `12,5k`, `$1.5m`)."""
    return parse_amount(text)


def parse_close_month(text: str, today: date | None = None) -> date:
    """`2027-03`, `2027-03-15` (a CRM's close date), `03/2027`: the first day of that month.
    A month more than MAX_MONTHS_AHEAD away, or not a month at all, is refused."""
    words = text.strip()
    found, first = _MONTH.fullmatch(words), _MONTH_FIRST.fullmatch(words)
    year, month = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if first is not None:
        year, month = int(first.group(2)), int(first.group(1))
    if not (1 <= month <= 12 and year >= 2000):
        raise InvalidInput("close", f"`{text}` is not a close month: write it as close:2027-03.")
    chosen = date(year, month, 1)
    if today is not None and months_between(month_of(today), chosen) > MAX_MONTHS_AHEAD:
        raise InvalidInput("close", f"close:{text} is more than ten years away: write it as close:2027-03.")
    return chosen


def month_of(moment: date | datetime) -> date:
    return date(moment.year, moment.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def month_label(month: date) -> str:
    return f"{month:%B %Y}"


def horizon_months(word: str) -> int:
    return HORIZONS[word]


@dataclass(frozen=True, slots=True)
class Deal:
    """An open lead with an expected value: when it should close, whether sales qualified it,
    and its chance to convert (0-1) with where that came from."""

    value: Decimal
    month: date  # the expected close month (its first day)
    qualified: bool
    chance: float
    chance_from: str  # "hand" (a person set it), "model" (the predictive score), "rate" (win rate)


@dataclass(frozen=True, slots=True)
class MonthForecast:
    month: date
    deals: int = 0
    weighted: Decimal = Decimal(0)
    best_case: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class LastMonth:
    """Last month's forecast, as recorded when the month began, beside what was won in it."""

    month: date
    recorded: MonthForecast | None  # None: no forecast was recorded for that month
    won: int
    won_value: Decimal

    @property
    def accuracy(self) -> float | None:
        """Won value over the weighted forecast; None when nothing was forecast."""
        if self.recorded is None or not self.recorded.weighted:
            return None
        return float(self.won_value / self.recorded.weighted)


@dataclass(frozen=True, slots=True)
class Forecast:
    scope: str  # as the pipeline report names it: "London", "all teams", "your leads"
    horizon: str  # "month" or "quarter"
    months: tuple[MonthForecast, ...]
    overdue: MonthForecast  # open deals whose close month has passed (month: this month)
    last: LastMonth
    chance_sources: dict[str, int] = field(default_factory=dict)  # "hand"/"model"/"rate" -> deals
    win_rate: float | None = None  # the fallback chance, when some deal needed it

    @property
    def total(self) -> MonthForecast:
        return sum_forecasts(self.months[0].month, self.months)


def sum_forecasts(month: date, parts: Iterable[MonthForecast]) -> MonthForecast:
    """The sums of several forecasts, under one month."""
    items = list(parts)
    return MonthForecast(
        month,
        sum(p.deals for p in items),
        _cents(sum((p.weighted for p in items), Decimal(0))),
        sum((p.best_case for p in items), Decimal(0)),
        sum((p.committed for p in items), Decimal(0)),
    )


def forecast_months(
    deals: Iterable[Deal], first: date, count: int
) -> tuple[list[MonthForecast], MonthForecast]:
    """Per month from `first` for `count` months: Σ chance × value, Σ value, Σ value of the
    qualified; and the same over deals whose close month is before `first` (overdue)."""
    months = [add_months(first, i) for i in range(count)]
    buckets: dict[date, list[Deal]] = {month: [] for month in months}
    overdue: list[Deal] = []
    for deal in deals:
        if deal.month < first:
            overdue.append(deal)
        elif deal.month in buckets:
            buckets[deal.month].append(deal)
    return [month_forecast(month, buckets[month]) for month in months], month_forecast(first, overdue)


def month_forecast(month: date, deals: list[Deal]) -> MonthForecast:
    weighted = sum((deal.value * Decimal(repr(deal.chance)) for deal in deals), Decimal(0))
    return MonthForecast(
        month,
        len(deals),
        _cents(weighted),
        sum((deal.value for deal in deals), Decimal(0)),
        sum((deal.value for deal in deals if deal.qualified), Decimal(0)),
    )


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


@dataclass(frozen=True, slots=True)
class OpenDeal:
    """An open lead with an expected value and close month: whose it is, its hand-set chance if
    any, and what the predictive score reads of it (domain/scoring/predictive.Profile). Not a
    whole Lead: a forecast reads thousands, and making each a Lead took a fifth of its time
    at 100,000 leads (bench/report_forecast.py)."""

    lead_id: int
    sales_team: str | None
    owner_id: str | None
    qualified: bool  # sales accepted it (status qualified): the committed sum
    value: Decimal
    close: date  # the first day of the expected close month
    hand_percent: int | None
    source: str | None = None
    campaign: str | None = None
    country: str | None = None
    product: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    sales_team: str | None
    owner_id: str | None
    forecast: MonthForecast
