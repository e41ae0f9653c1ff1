"""Merges that need a word first: the question when two leads differ, its cancel, and what
`show` says of a lead merged into another."""

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject

from bot.blocks.lead_card import headline
from bot.blocks.text import SlackMessage, safe, section, user, when
from bot.ids import ActionId, BlockId, LeadValue, MergePair
from domain.lead import lead_ref
from domain.matching.merging import Difference
from handlers.results import LeadMergedAway, LeadView, MergeToConfirm


def confirm_merge_message(result: MergeToConfirm) -> SlackMessage:
    """Nothing merged yet; the buttons carry both numbers, so the answer needs no state."""
    duplicate, keep = result.duplicate, result.keep
    differ = " and ".join(_difference(d, duplicate, keep) for d in result.differences)
    text = (
        f"⚠️ {headline(duplicate)} and {headline(keep)} may be two people: {differ}. "
        f"Merge {duplicate.ref} into {keep.ref} anyway? {keep.ref} keeps its own email and phone."
    )
    value = MergePair(duplicate.number, keep.number).encode()
    buttons = [
        ButtonElement(text="Merge anyway", action_id=ActionId.MERGE_ANYWAY, value=value, style="danger"),
        ButtonElement(text="Cancel", action_id=ActionId.MERGE_CANCEL, value=value),
    ]
    actions = ActionsBlock(block_id=BlockId.MERGE_CONFIRM_ACTIONS, elements=buttons)
    return SlackMessage(text=text, blocks=[section(text), actions.to_dict()])


def _difference(difference: Difference, duplicate: LeadView, keep: LeadView) -> str:
    return (
        f"their {difference.field}s differ ({safe(difference.duplicate, 320)} on {duplicate.ref}, "
        f"{safe(difference.keep, 320)} on {keep.ref})"
    )


def merge_cancelled_message(pair: MergePair) -> SlackMessage:
    text = f"Nothing merged: {lead_ref(pair.duplicate)} and {lead_ref(pair.keep)} stay two leads."
    return SlackMessage(text=text, blocks=[section(text)])


def merged_away_message(result: LeadMergedAway) -> SlackMessage:
    """Not the lead's old card: a status and an empty timeline would make it look live."""
    lead = result.lead
    into = f"*{lead_ref(result.kept)}*" if result.kept is not None else "another lead"
    by = f" by {user(result.merged_by)}" if result.merged_by else ""
    at = f" {when(result.merged_at)}" if result.merged_at else ""
    text = f"🔗 {headline(lead)} was merged into {into}{by}{at}: its timeline and reminders are there now."
    blocks = [section(text)]
    if result.kept is not None:
        show = ButtonElement(
            text=f"Show {lead_ref(result.kept)}",
            action_id=ActionId.SHOW,
            value=LeadValue(result.kept).encode(),
        )
        blocks.append(ActionsBlock(block_id=BlockId.MERGED_AWAY_ACTIONS, elements=[show]).to_dict())
    undo = f"`/lead unmerge {lead.ref}` takes it apart again (whoever merged it, a manager or an admin)."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=undo)]).to_dict())
    return SlackMessage(text=text, blocks=blocks)
