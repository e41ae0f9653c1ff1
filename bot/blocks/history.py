"""`/lead history L-42`: the audit trail, a page of entries with Previous / Next. Times are
Slack date tokens, so each viewer reads them in their own time zone."""

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.blocks.fit import Room, rows_that_fit
from bot.blocks.text import SlackMessage, safe, section, user, when
from bot.ids import BlockId, HistoryAction, HistoryPageValue
from handlers.results import AuditEntry, AuditPage

ACTION_WORDS = {
    "lead.created": "created",
    "lead.assigned": "assigned",
    "lead.bulk_undone": "bulk action undone",
}
OWNER_FIELDS = ("owner_id", "rep", "owner")
FIELD_WORDS = {"owner_id": "owner", "sales_team": "team", "bulk_action": "bulk action"}


def history_message(result: AuditPage) -> SlackMessage:
    lead = result.lead
    if not result.total:
        text = f"{lead.ref} has no audit entries yet."
        return SlackMessage(text=text, blocks=[section(text)])
    first = (result.page - 1) * result.page_size
    where = f", page {result.page} of {result.pages}" if result.pages > 1 else ""
    entries = "entry" if result.total == 1 else "entries"
    head = (
        f"*Audit trail of {lead.ref}* {safe(lead.name, 200)}: {result.total} {entries}, newest first "
        f"({first + 1}–{first + len(result.entries)}{where})"
    )
    pager = _pager(result)
    rows = [[section(_entry(entry))] for entry in result.entries]
    shown = rows_that_fit(rows, Room().less([section(head), *pager, section("…")]))
    blocks = [section(head), *(row[0] for row in rows[:shown])]
    if shown < len(rows):
        blocks.append(
            section(
                f"…{len(rows) - shown} more entries on this page do not fit: "
                "`leadbot audit export` writes them all."
            )
        )
    return SlackMessage(text=f"Audit trail of {lead.ref}", blocks=blocks + pager)


def _entry(entry: AuditEntry) -> str:
    action = ACTION_WORDS.get(entry.action, entry.action.removeprefix("lead.").replace("_", " "))
    lines = [f"{when(entry.at)} · {user(entry.actor_id)} · *{safe(action, 64)}*"]
    lines += [
        f"   {_field(field)}: {_value(field, before)} → {_value(field, after)}"
        for field, before, after in entry.changes[:12]
    ]
    if len(entry.changes) > 12:
        lines.append(f"   …and {len(entry.changes) - 12} more fields")
    return "\n".join(lines)


def _field(field: str) -> str:
    return safe(FIELD_WORDS.get(field, field.replace("_", " ")), 64)


def _value(field: str, value: str) -> str:
    if field in OWNER_FIELDS and value != "—":
        return user(value)
    return safe(value, 120)


def _pager(result: AuditPage) -> list[dict[str, Any]]:
    buttons = []
    number = result.lead.number
    if result.page > 1:
        value = HistoryPageValue(number, result.page - 1).encode()
        buttons.append(ButtonElement(text="Previous", action_id=HistoryAction.PREVIOUS, value=value))
    if result.page < result.pages:
        value = HistoryPageValue(number, result.page + 1).encode()
        buttons.append(ButtonElement(text="Next", action_id=HistoryAction.NEXT, value=value))
    return [dict(ActionsBlock(block_id=BlockId.HISTORY_PAGES, elements=buttons).to_dict())] if buttons else []
