"""`/lead value L-42 12000 close:2027-03`: what an open lead is expected to bring and when, the
forecast's input (domain/reporting/forecast.py). Whoever may work the lead may set it (its owner, a
manager of its team, an admin: domain.permissions, Action.WORK)."""

from datetime import date
from decimal import Decimal

from domain.closing.outcomes import require_open
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead
from domain.permissions import Action
from domain.reporting.forecast import month_label
from handlers.commands import SetLeadValue
from handlers.context import Context, audit, load_lead
from handlers.results import LeadView, ValueSet
from store.unit_of_work import SqlUnitOfWork


def set_lead_value(cmd: SetLeadValue, uow: SqlUnitOfWork, ctx: Context) -> ValueSet:
    """Only an open lead is forecast: a closed one has its deal value (or none) already."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.WORK)
        before = (lead.expected_value, lead.expected_close)
        if uow.requests.seen_before(lead.team_id, cmd.request_key, ctx.now):
            return ValueSet(LeadView.of(lead), *before, repeated=True)
        require_open(lead)
        if cmd.value is not None:
            lead.expected_value = cmd.value
        if cmd.close is not None:
            lead.expected_close = cmd.close
        lead.updated_at = ctx.now
        uow.leads.save(lead)
        uow.activities.add(lead, Activity(ActivityKind.SYSTEM, value_note(lead), ctx.actor.user_id, ctx.now))
        audit(
            uow,
            ctx,
            "lead.value",
            lead,
            _audited(*before),
            _audited(lead.expected_value, lead.expected_close),
        )
        uow.requests.settle(lead.team_id, cmd.request_key, "value")
        result = ValueSet(LeadView.of(lead), *before)
        uow.commit()
    return result


def value_note(lead: Lead) -> str:
    value = (
        f"{lead.expected_value:,.2f}".removesuffix(".00")
        if lead.expected_value is not None
        else "no value yet"
    )
    close = f", closing in {month_label(lead.expected_close)}" if lead.expected_close else ""
    return f"Expected deal: {value}{close}"


def _audited(value: Decimal | None, close: date | None) -> dict[str, str | None]:
    return {
        "expected_value": str(value) if value is not None else None,
        "expected_close": f"{close:%Y-%m}" if close else None,
    }
