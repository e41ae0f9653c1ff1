"""`/lead history L-42`: the lead's audit trail (who, when, which field from what to what),
newest first, a page at a time; managers of the lead's team and admins
(domain/permissions: Action.AUDIT)."""

from typing import Any

from domain.permissions import Action
from handlers.commands import ShowHistory
from handlers.context import Context, load_lead
from handlers.results import AuditEntry, AuditPage, LeadView
from store.unit_of_work import SqlUnitOfWork

PAGE_SIZE = 10
VALUE_LIMIT = 120  # a value longer than this is cut: the trail shows what changed, not a document


def show_history(cmd: ShowHistory, uow: SqlUnitOfWork, ctx: Context) -> AuditPage:
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.AUDIT, merged_away=True)
        total, rows = uow.audit.page(lead.team_id, lead.ref, (cmd.page - 1) * PAGE_SIZE, PAGE_SIZE)
        entries = tuple(
            AuditEntry(row.at, row.actor_id, row.action, changes(row.before, row.after)) for row in rows
        )
    return AuditPage(LeadView.of(lead), entries, cmd.page, PAGE_SIZE, total)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[tuple[str, str, str], ...]:
    """Each field whose value differs, as text; an entry with only an `after` (a cadence
    event, a creation) lists what it says."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return tuple(
        (key, _text(before.get(key)), _text(after.get(key)))
        for key in keys
        if before.get(key) != after.get(key) and key in after
    )


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"
