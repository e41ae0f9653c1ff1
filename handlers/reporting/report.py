"""`/lead report`: the pipeline of a period for the teams the asker may see."""

from datetime import timedelta
from decimal import Decimal

from domain.config import LeadbotConfig
from domain.reporting.funnel import funnel, source_effects, speeds
from domain.reporting.report import (
    PipelineReport,
    captured_by_source,
    captured_by_status,
    first_contact_minutes,
    report_scope,
)
from handlers.commands import ShowReport
from handlers.context import Context
from store.unit_of_work import SqlUnitOfWork


def pipeline_report(cmd: ShowReport, uow: SqlUnitOfWork, ctx: Context) -> PipelineReport:
    """Managers see their teams (or one of them), admins every team (or one), reps their own
    leads (domain.permissions.can_see_team_report)."""
    scope, label = report_scope(ctx.actor, ctx.config, cmd.team)
    since = ctx.now - timedelta(days=cmd.days)
    with uow:
        reads = uow.report_reads(scope, since, ctx.now)
        won, won_value, won_days = reads.won()
        open_now, unassigned_now = reads.open_now()
        cohort = reads.cohort()  # one read of the period's leads, every cohort figure made from it
        by_status = captured_by_status(cohort)
        handed_over, first_contacts = first_contact_minutes(cohort)
        return PipelineReport(
            scope=label,
            days=cmd.days,
            since=since,
            until=ctx.now,
            captured=sum(t.count for t in by_status),
            captured_by_status=tuple(by_status),
            by_source=tuple(captured_by_source(cohort)),
            won=won,
            won_value=won_value,
            won_days=tuple(won_days),
            lost_by_reason=tuple(reads.lost_by_reason()),
            by_rep=tuple(reads.by_rep(ctx.now)),
            open_now=open_now,
            unassigned_now=unassigned_now,
            handed_over=handed_over,
            first_contact_minutes=tuple(first_contacts),
            funnel=funnel(cohort),
            sources=source_effects(cohort, monthly_costs(ctx.config), cmd.days),
            speed_by_team=speeds(cohort.contacts, lambda lead: lead.sales_team or ctx.config.teams[0].key),
            speed_by_rep=speeds(cohort.contacts, lambda lead: lead.owner_id),
            lost_by_source=tuple(reads.lost_by_source()),
        )


def monthly_costs(config: LeadbotConfig) -> dict[str, Decimal]:
    """`[[campaigns]]` cost per source a month; two lines for one source add up."""
    costs: dict[str, Decimal] = {}
    for campaign in config.campaigns:
        costs[campaign.source] = costs.get(campaign.source, Decimal(0)) + campaign.monthly_cost
    return costs
