"""`/lead forecast [month|quarter] [team]`: the open pipeline by expected close month, weighted
by each deal's chance, and last month's recorded forecast beside what it won. The scope is the
pipeline report's (domain/reporting/report.report_scope): reps their own leads, managers their teams,
admins every team.

A deal's chance, in this order: one a person set by hand (`/lead probability`, which the card
shows instead of the model's, so the forecast agrees with the card); else the predictive
score's (domain/scoring/logistic.py, once the workspace has history enough); else the scope's win
rate over the workspace's closed leads, the plainest estimate there is."""

from collections.abc import Callable
from datetime import date, datetime

from domain.reporting.forecast import (
    Deal,
    Forecast,
    LastMonth,
    OpenDeal,
    Snapshot,
    add_months,
    forecast_months,
    horizon_months,
    month_forecast,
    month_of,
)
from domain.reporting.report import ReportScope, report_scope
from domain.scoring.logistic import LogisticModel, Weights
from domain.scoring.predictive import Engagement, email_kind, features
from handlers.commands import ShowForecast
from handlers.context import Context
from store.unit_of_work import ForecastReads, SqlUnitOfWork

Chance = tuple[float, str]  # 0-1, and where it came from
_NOTHING_LOGGED = Engagement()


def show_forecast(cmd: ShowForecast, uow: SqlUnitOfWork, ctx: Context) -> Forecast:
    scope, label = report_scope(ctx.actor, ctx.config, cmd.team)
    first, count = month_of(ctx.now), horizon_months(cmd.horizon)
    with uow:
        reads = uow.forecast_reads(scope)
        # The workspace's rate, not the scope's: the month's record (below) is summed per
        # team and rep, and must agree with any scope's forecast.
        win_rate = uow.forecast_reads(ReportScope(scope.team_id)).win_rate()
        before = add_months(first, count)
        deals = chances(uow, reads, reads.open_deals(before), before, win_rate, ctx.now)
        months, overdue = forecast_months(deals, first, count)
        last = add_months(first, -1)
        won, won_value = reads.won_in(last)
        sources: dict[str, int] = {}
        for deal in (deal for deal in deals if deal.month >= first):  # the weighted ones
            sources[deal.chance_from] = sources.get(deal.chance_from, 0) + 1
        return Forecast(
            scope=label,
            horizon=cmd.horizon,
            months=tuple(months),
            overdue=overdue,
            last=LastMonth(last, reads.recorded(last), won, won_value),
            chance_sources=sources,
            win_rate=win_rate if "rate" in sources else None,
        )


def chances(
    uow: SqlUnitOfWork,
    reads: ForecastReads,
    found: list[OpenDeal],
    before: date,
    win_rate: float | None,
    now: datetime,
) -> list[Deal]:
    """Each open deal of reads.open_deals(before) with its chance (the module's order: by hand,
    the model, the win rate)."""
    predict = _predictor(uow, reads, before, now) if any(d.hand_percent is None for d in found) else None
    deals = []
    for deal in found:
        chance = (deal.hand_percent / 100, "hand") if deal.hand_percent is not None else None
        if chance is None and predict is not None:
            chance = predict(deal)
        if chance is None:
            chance = (win_rate, "rate") if win_rate is not None else (0.0, "none")
        deals.append(Deal(deal.value, deal.close, deal.qualified, chance[0], chance[1]))
    return deals


def _predictor(
    uow: SqlUnitOfWork, reads: ForecastReads, before: date, now: datetime
) -> Callable[[OpenDeal], Chance | None]:
    """The predictive score of many deals: the weights of each sales team loaded once, what reps
    logged read in one query, and deals that look alike to the model predicted once."""
    models: dict[str | None, LogisticModel | None] = {}
    logged = reads.engagement(before, now)
    looks: dict[tuple[object, ...], tuple[tuple[str, str], ...]] = {}
    seen: dict[tuple[str | None, tuple[tuple[str, str], ...]], Chance] = {}

    def model(sales_team: str | None) -> LogisticModel | None:
        if sales_team not in models:
            stored = uow.predictive.model_for(reads.team_id, sales_team)
            models[sales_team] = (
                LogisticModel({stored.sales_team: Weights.from_json(stored.params)})
                if stored is not None and stored.params is not None
                else None
            )
        return models[sales_team]

    def predict(deal: OpenDeal) -> Chance | None:
        found = model(deal.sales_team)
        if found is None:
            return None
        logs = logged.get(deal.lead_id, _NOTHING_LOGGED)
        # Deals alike in every value the features read have the same features (most were never
        # touched): worked out once for them, not once a deal; and deals with the same
        # features, the same chance: predicted once.
        alike = (deal.source, deal.campaign, deal.country, deal.product, deal.title,
                 email_kind(deal.email), deal.phone is not None, logs)  # fmt: skip
        if alike not in looks:
            looks[alike] = tuple(features(deal, logs, now).items())
        key = (deal.sales_team, looks[alike])
        if key not in seen:
            seen[key] = (found.predict(dict(looks[alike]), deal.sales_team).probability, "model")
        return seen[key]

    return predict


# --- the monthly record ----------------------------------------------------------------


def record_month_forecasts(uow: SqlUnitOfWork, now: datetime) -> int:
    """The forecast of this month, per workspace, sales team and owner, as it stands when the
    month begins (the first run in a month records it; later runs, and other replicas, leave
    it be): next month, `/lead forecast` compares it with what the month won. Returns how
    many workspaces it recorded."""
    month = month_of(now)
    with uow:
        workspaces = uow.daily_runs.workspaces()
    recorded = 0
    for team_id in workspaces:
        with uow:
            if not uow.forecast_months.claim(team_id, month, now):
                continue  # recorded already, or another process is recording it
            uow.forecast_months.record(team_id, month, _month_parts(uow, team_id, month, now), now)
            uow.commit()
            recorded += 1
    return recorded


def _month_parts(uow: SqlUnitOfWork, team_id: str, month: date, now: datetime) -> list[Snapshot]:
    reads = uow.forecast_reads(ReportScope(team_id))
    before = add_months(month, 1)
    found = [deal for deal in reads.open_deals(before) if deal.close == month]
    deals = chances(uow, reads, found, before, reads.win_rate(), now)
    groups: dict[tuple[str | None, str | None], list[Deal]] = {}
    for opened, deal in zip(found, deals, strict=True):
        groups.setdefault((opened.sales_team, opened.owner_id), []).append(deal)
    return [Snapshot(team, owner, month_forecast(month, part)) for (team, owner), part in groups.items()]
