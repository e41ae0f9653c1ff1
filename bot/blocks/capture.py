"""Replies to a capture and to duplicate decisions (merge, keep both, undo)."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from bot.blocks.lead_card import card_blocks, headline
from bot.blocks.text import SlackMessage, escape, safe, section, sentence, user
from bot.ids import ActionId, BlockId, LeadValue, MergePair
from handlers.results import (
    AddQueued,
    DuplicateDismissed,
    DuplicateView,
    LeadCaptured,
    LeadsMerged,
    LeadView,
    MergeUndone,
    ReturningLinked,
)


def captured_message(result: LeadCaptured) -> SlackMessage:
    lead = result.lead
    if not result.visible:
        text = (
            f"{escape(lead.name)} is already {lead.ref}, worked by {user(lead.owner_id)}. "
            "Your details were added to it."
        )
        return SlackMessage(text=text, blocks=[section(text)])
    text = _capture_headline(result)
    blocks = [section(text), *card_blocks(lead, contact=result.returning)]
    if result.duplicate is not None:
        blocks += duplicate_blocks(lead, result.duplicate)
    return SlackMessage(text=text, blocks=blocks)


def queued_message(result: AddQueued) -> SlackMessage:
    # Text alone (Slack shows it as mrkdwn): the ack of a busy moment carries no more than it needs.
    return SlackMessage(text=f"⏳ Adding {escape(result.name)}… the card follows here in a moment.")


def _capture_headline(result: LeadCaptured) -> str:
    lead = result.lead
    if result.outcome == "replayed":
        return f"{escape(lead.name)} is already {lead.ref}: nothing new was created."
    if result.outcome == "updated":
        matched = (result.matched_on or "details").replace("_", " ")
        changes = f"updated {', '.join(result.changed)}" if result.changed else "nothing new to add"
        return f"{escape(lead.name)} is already {lead.ref} (same {matched}): {changes}."
    if result.returning is not None:
        return (
            f"✅ Added {lead.ref} {escape(lead.name)}: returning customer: contact of "
            f"{result.returning.first_lead} (cycle {lead.cycle})."
        )
    return sentence(f"✅ Added {lead.ref} {escape(lead.name)}")


def duplicate_blocks(lead: LeadView, duplicate: DuplicateView) -> list[dict[str, Any]]:
    """The likely duplicate, why we think so, and the rep's choices. Alike a customer's lead
    (one with a contact), the first choice is to take it as that customer back: merging new
    interest into a won deal would bury it."""
    why = ", ".join(safe(reason, 200) for reason in duplicate.reasons)
    customer = duplicate.lead.contact_id is not None
    whose = ", a customer's lead" if customer else ""
    text = f"⚠️ Looks like {headline(duplicate.lead)}{whose}: {why}."
    merge = ButtonElement(
        text=f"Merge into {duplicate.lead.ref}",
        action_id=ActionId.MERGE,
        value=MergePair(lead.number, duplicate.lead.number).encode(),
        style=None if customer else "primary",
    )
    keep = ButtonElement(
        text="Keep both", action_id=ActionId.KEEP_BOTH, value=LeadValue(lead.number).encode()
    )
    elements = [merge, keep]
    if customer:
        returning = ButtonElement(
            text="Returning customer",
            action_id=ActionId.LINK_RETURNING,
            value=LeadValue(lead.number).encode(),
            style="primary",
        )
        elements = [returning, merge, keep]
    return [section(text), ActionsBlock(block_id=BlockId.DUPLICATE_ACTIONS, elements=elements).to_dict()]


def merged_message(result: LeadsMerged) -> SlackMessage:
    if result.already_done:
        text = f"{result.merged.ref} was already merged into {headline(result.kept)}."
        return SlackMessage(text=text, blocks=[section(text)])
    filled = f" It gained {', '.join(result.filled)}." if result.filled else ""
    text = f"🔗 Merged {result.merged.ref} into {headline(result.kept)}: one lead, both histories.{filled}"
    undo = ActionsBlock(
        block_id=BlockId.MERGE_ACTIONS,
        elements=[
            ButtonElement(
                text="Undo merge",
                action_id=ActionId.UNDO_MERGE,
                value=LeadValue(result.merged.number).encode(),
            ),
        ],
    )
    note = ContextBlock(elements=[MarkdownTextObject(text="You, a manager or an admin can undo this.")])
    return SlackMessage(text=text, blocks=[section(text), undo.to_dict(), note.to_dict()])


def linked_message(result: ReturningLinked) -> SlackMessage:
    contact = f"{escape(result.contact.name)} (contact of {result.contact.first_lead})"
    if result.already_done:
        text = f"{headline(result.lead)} is already linked to {contact}."
        return SlackMessage(text=text, blocks=[section(text)])
    text = f"🔁 {headline(result.lead)} is returning customer {contact}: cycle {result.lead.cycle}."
    return SlackMessage(text=text, blocks=[section(text)])


def dismissed_message(result: DuplicateDismissed) -> SlackMessage:
    if result.was_flagged_as is None:
        text = f"{headline(result.lead)} is not flagged as a duplicate."
    else:
        flagged = f"a duplicate of {result.was_flagged_as}"
        text = f"👍 Kept both: {headline(result.lead)} is no longer flagged as {flagged}."
    return SlackMessage(text=text, blocks=[section(text)])


def undone_message(result: MergeUndone) -> SlackMessage:
    text = f"↩️ Undid the merge: {headline(result.restored)} is back, separate from {result.kept.ref}."
    return SlackMessage(text=text, blocks=[section(text), *card_blocks(result.restored)])
