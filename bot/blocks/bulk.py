"""Bulk actions: the question (how many leads, which filter, Confirm / Cancel), the progress
line, the summary with its Undo button, and the DM to a rep whose leads changed hands."""

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject

from bot.blocks.lead_pages import described_filter
from bot.blocks.text import SlackMessage, safe, section, user
from bot.ids import BlockId, BulkActionId
from domain.book.bulk import UNDO_WINDOW, BulkAction, BulkKind, BulkState
from domain.book.filters import parse_filter
from domain.delivery.messages import BulkOwnersDm
from handlers.book.bulk_kinds import BULK_KINDS
from handlers.results import BulkDone, BulkToConfirm

SHOWN_SKIPS = 20  # skipped leads named in a summary; the rest are counted
PAST = {
    BulkKind.REASSIGN: "reassigned",
    BulkKind.ROUTE: "re-routed",
    BulkKind.LOSE: "closed as lost",
    BulkKind.NURTURE: "enrolled",
    BulkKind.TAG: "tagged",
}


def what(action: BulkAction) -> str:
    """The action in words: "Reassign to @ben", "Close as lost (price)"."""
    params = action.params
    verb = BULK_KINDS[action.kind].verb
    if action.kind is BulkKind.REASSIGN:
        return f"{verb} to {user(params['rep'])}"
    if action.kind is BulkKind.LOSE:
        note = f": {safe(params.get('note'), 200)}" if params.get("note") else ""
        return f"{verb} ({safe(params['reason'], 60)}{note})"
    if action.kind is BulkKind.NURTURE:
        return f"{verb}: {safe(params['cadence'], 60)}"
    if action.kind is BulkKind.TAG:
        change = [f"`{t}`" for t in params["add"].split(",") if t]
        change += [f"`-{t}`" for t in params["remove"].split(",") if t]
        return f"{verb} {' '.join(change)}"
    return f"{verb} through routing"


def _leads(count: int) -> str:
    return f"*{count}* open lead" + ("" if count == 1 else "s")


def _filter(action: BulkAction) -> str:
    return described_filter(parse_filter([(k, v) for k, v in action.params["filter"]]))


def confirm_message(result: BulkToConfirm) -> SlackMessage:
    action = result.action
    text = (
        f"{what(action)}: {_leads(action.total)} match {_filter(action)}. "
        f"Each gets an audit entry and a timeline line; you can undo it all within a day."
    )
    if action.state is not BulkState.PENDING:
        return SlackMessage(text=f"Bulk action #{action.id} is {action.state} already.", blocks=[])
    value = str(action.id)
    sure = ConfirmObject(
        title="Change them all?",
        text=f"{BULK_KINDS[action.kind].verb}: {action.total} leads.",
        confirm="Yes, go",
        deny="Not yet",
    )
    buttons = ActionsBlock(
        block_id=BlockId.BULK_ACTIONS,
        elements=[
            ButtonElement(
                text=f"{BULK_KINDS[action.kind].verb} {action.total}"[:75],
                action_id=BulkActionId.CONFIRM,
                value=value,
                style="primary",
                confirm=sure if action.total >= 100 else None,
            ),
            ButtonElement(text="Cancel", action_id=BulkActionId.CANCEL, value=value),
        ],
    )
    return SlackMessage(text=text, blocks=[section(text), buttons.to_dict()])


def working_message(action: BulkAction, done: int, total: int, undoing: bool = False) -> SlackMessage:
    doing = "Undoing" if undoing else "Working on"
    text = f"⏳ {doing} bulk action #{action.id} ({what(action)}): {done} of {total} leads so far…"
    return SlackMessage(text=text, blocks=[section(text)])


def done_message(result: BulkDone) -> SlackMessage:
    action = result.action
    if action.state is BulkState.CANCELLED:
        text = f"Cancelled: nothing was changed ({what(action)}, {_filter(action)})."
        return SlackMessage(text=text, blocks=[section(text)])
    if action.state in (BulkState.UNDONE, BulkState.UNDOING):
        return _undone(result)
    if action.state in (BulkState.PENDING, BulkState.RUNNING):
        text = f"⏳ Bulk action #{action.id} ({what(action)}) is being applied: {action.done} leads so far."
        return SlackMessage(text=text, blocks=[section(text)])
    again = " (already done: this is its result)" if result.repeated else ""
    text = (
        f"✅ Bulk action #{action.id}{again}: {result.changed} of {action.total} leads "
        f"{PAST[action.kind]} ({what(action)}), filter {_filter(action)}."
    )
    blocks = [section(text), *_skips(result)]
    if result.changed:
        blocks.append(_undo_button(action))
    return SlackMessage(text=text, blocks=blocks)


def _undone(result: BulkDone) -> SlackMessage:
    action = result.action
    if action.state is BulkState.UNDOING:
        text = f"⏳ Bulk action #{action.id} ({what(action)}) is being undone."
        return SlackMessage(text=text, blocks=[section(text)])
    again = " already" if result.repeated else ""
    text = (
        f"↩️ Bulk action #{action.id} ({what(action)}) was{again} undone: "
        f"{result.changed} leads are back as they were."
    )
    return SlackMessage(text=text, blocks=[section(text), *_skips(result, undo=True)])


def _skips(result: BulkDone, undo: bool = False) -> list[dict[str, Any]]:
    if not result.skipped:
        return []
    lines = [f"• {ref}: {why}" for ref, why in result.skipped[:SHOWN_SKIPS]]
    more = len(result.skipped) - SHOWN_SKIPS
    if more > 0:
        lines.append(f"…and {more} more.")
    head = "Left as they were (changed since by someone else):" if undo else "Skipped:"
    return [section(f"{head} {len(result.skipped)}\n" + "\n".join(lines))]


def _undo_button(action: BulkAction) -> dict[str, Any]:
    hours = int(UNDO_WINDOW.total_seconds() // 3600)
    button = ButtonElement(text=f"Undo (within {hours} h)", action_id=BulkActionId.UNDO, value=str(action.id))
    return dict(ActionsBlock(block_id=BlockId.BULK_ACTIONS, elements=[button]).to_dict())


def owners_dm(moved: BulkOwnersDm) -> SlackMessage:
    """To a rep whose leads changed hands: how many, who did it, and the filter they matched."""
    count, by, action = moved.count, user(moved.by), moved.action
    leads = f"{count} lead" + ("" if count == 1 else "s")
    if moved.undone:
        verb = "came back to you" if moved.gained else "went back to their earlier owner"
        text = f"↩️ {by} undid bulk action #{action}: {leads} {verb}."
    elif moved.gained:
        text = f"📥 {by} gave you {leads} (bulk action #{action}). `/lead list owner:me` shows them."
    else:
        to = user(moved.to) if moved.to else "another rep"
        text = f"↪️ {by} moved {leads} of yours to {to} (bulk action #{action})."
    filter_text = safe(moved.filter, 400)
    return SlackMessage(text=text, blocks=[section(f"{text}\nFilter: `{filter_text}`")])
