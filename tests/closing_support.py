"""Tiny builders for the qualify and close handler tests."""

from typing import Any

from domain.config import CONSOLE_WORKSPACE
from domain.followups.activity import ActivityKind
from domain.lead import Lead
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, LogActivity
from handlers.context import Context
from handlers.followups.activity import log_activity
from store.unit_of_work import UowFactory


def contacted_lead(uow_factory: UowFactory, ctx: Context, name: str = "Dana Scully", **kw: Any) -> int:
    """A lead its rep has talked to: the usual state before a close."""
    number = add_lead(AddLead(name=name, **kw), uow_factory(), ctx).lead.number
    log_activity(LogActivity(number=number, kind=ActivityKind.CALL), uow_factory(), ctx)
    return number


def stored(uow_factory: UowFactory, number: int) -> Lead:
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, number)
    assert lead is not None
    return lead


def timeline(uow_factory: UowFactory, number: int) -> list[str]:
    with uow_factory() as uow:
        return [a.body for a in uow.activities.latest(stored(uow_factory, number), 50)]


def audit_actions(uow_factory: UowFactory, ref: str) -> list[tuple[str, Any, Any]]:
    with uow_factory() as uow:
        return [(e.action, e.before, e.after) for e in uow.audit.entries(CONSOLE_WORKSPACE, ref)]
