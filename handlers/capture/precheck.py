"""Checks before a capture, for forms that can still ask the person: valid input, likely duplicate."""

from domain.permissions import Action, require
from handlers.capture.cycles import is_returning
from handlers.capture.pipeline import build_lead
from handlers.commands import AddLead
from handlers.context import Context
from handlers.matching.duplicates import likely_duplicate_of, same_person
from handlers.results import DuplicateView, LeadView
from store.unit_of_work import SqlUnitOfWork


def check_duplicate(cmd: AddLead, uow: SqlUnitOfWork, ctx: Context) -> DuplicateView | None:
    """What add_lead would flag as a likely duplicate, without storing anything. Validates the
    input the way add_lead does (InvalidInput names the field), so a form can show the problem
    next to it. A known person is updated rather than duplicated, a returning customer starts
    a new cycle, and a request already saved is answered with its lead, so none of them is a
    duplicate to warn of."""
    require(ctx.actor, Action.CAPTURE)
    incoming = build_lead(cmd, ctx)
    with uow:
        if cmd.request_key and uow.requests.result_of(ctx.actor.team_id, cmd.request_key):
            return None
        if same_person(uow, incoming) is not None or is_returning(uow, incoming):
            return None
        duplicate = likely_duplicate_of(uow, incoming)
        original = uow.leads.by_id(ctx.actor.team_id, duplicate.id) if duplicate else None
        return DuplicateView(LeadView.of(original), duplicate.reasons) if original and duplicate else None
