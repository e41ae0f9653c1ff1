"""`/lead privacy`: what an admin is told, and the question an erasure asks first."""

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.blocks.text import SlackMessage, safe, section
from bot.ids import ActionId, BlockId
from handlers.operations.privacy import Held

KEPT = "status, source, owner, dates and deal values stay, so reports still add up"


def _said(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=[section(text)])


def _refs(held: Held) -> str:
    refs = [ref for refs in held.leads.values() for ref in refs]
    return ", ".join(refs) if refs else "a customer record"


def nothing_held(email: str) -> SlackMessage:
    return _said(f"Nothing is held about {safe(email, 320)} in this workspace.")


def exporting_message(email: str) -> SlackMessage:
    return _said(
        f"📦 Gathering everything held about {safe(email, 320)}: it comes as a file in a DM from me."
    )


def export_ready_message(held: Held) -> SlackMessage:
    return _said(f"📦 Everything held about {safe(held.email, 320)} ({_refs(held)}), as JSON.")


def erase_question(held: Held) -> SlackMessage:
    """Nothing erased yet: the button carries the email, so the answer needs no state."""
    if not held.found:
        return nothing_held(held.email)
    text = (
        f"⚠️ Erase the personal data of {safe(held.email, 320)} ({_refs(held)})? Their name, email, "
        "phone, company, title, website, notes and reminder texts go, and so does every mention of "
        f"them in messages and the audit log; {KEPT}. This cannot be undone."
    )
    buttons = [
        ButtonElement(text="Erase", action_id=ActionId.PRIVACY_ERASE, value=held.email, style="danger"),
        ButtonElement(text="Cancel", action_id=ActionId.PRIVACY_CANCEL, value="cancel"),
    ]
    actions = ActionsBlock(block_id=BlockId.PRIVACY_CONFIRM_ACTIONS, elements=buttons)
    return SlackMessage(text=text, blocks=[section(text), actions.to_dict()])


def erased_message(held: Held) -> SlackMessage:
    """Said in place of the question: the email is not repeated once the person is gone."""
    if not held.found:
        return _said("Nothing was left to erase: it was erased already.")
    return _said(f"🧹 Erased the personal data on {_refs(held)}; {KEPT}. The erasure is in the audit log.")


def erase_cancelled_message() -> SlackMessage:
    return _said("Nothing was erased.")
