"""The bulk action form, opened by "Act on all N" on a `/lead list` page: what to do with the
leads the list's filter matches (the filter rides in private_metadata). Submitting it shows the
same question as `/lead bulk ...`, in the modal."""

from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.text import safe, section, truncate
from bot.ids import BulkFormInput, CallbackId
from domain.book.bulk import BulkKind
from domain.config import LeadbotConfig

TITLE = "Act on the list"
ACTIONS = {
    BulkKind.REASSIGN: "Reassign to a rep",
    BulkKind.ROUTE: "Re-route through routing",
    BulkKind.LOSE: "Close as lost",
    BulkKind.NURTURE: "Enrol in a cadence",
}
MAX_OPTIONS = 100


def bulk_form(filter_text: str, config: LeadbotConfig) -> dict[str, Any]:
    intro = (
        f"The open leads matching `{safe(filter_text, 1500)}`: what should happen to them? "
        "You see how many and confirm before anything changes."
    )
    blocks = [
        section(intro),
        _select(BulkFormInput.ACTION, "Action", {str(kind): label for kind, label in ACTIONS.items()}, False),
        InputBlock(
            block_id=BulkFormInput.REP,
            label="Rep (to reassign to)",
            element=UserSelectElement(action_id=BulkFormInput.REP),
            optional=True,
        ).to_dict(),
        _select(BulkFormInput.REASON, "Lost reason", {r: r for r in config.lost_reasons}, True),
        _select(BulkFormInput.CADENCE, "Cadence", {c.name: c.name for c in config.cadences}, True),
        InputBlock(
            block_id=BulkFormInput.NOTE,
            label="Note (the reason `other` needs one)",
            element=PlainTextInputElement(action_id=BulkFormInput.NOTE, max_length=500),
            optional=True,
        ).to_dict(),
    ]
    view = View(
        type="modal",
        callback_id=CallbackId.BULK_FORM,
        title=TITLE,
        submit="Count them",
        close="Cancel",
        private_metadata=filter_text,
        blocks=[block for block in blocks if block],
    )
    return view.to_dict()


def _select(block_id: str, label: str, options: dict[str, str], optional: bool) -> dict[str, Any]:
    if not options:
        return {}
    choices = [
        Option(value=value[:150], label=truncate(text, 75))
        for value, text in list(options.items())[:MAX_OPTIONS]
    ]
    element = StaticSelectElement(action_id=block_id, options=choices)
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional).to_dict()


def form_choice(state: dict[str, Any], block_id: str) -> str | None:
    """What the person picked or typed in one input: a select's option, a user, or text."""
    element = next(iter((state.get(block_id) or {}).values()), None) or {}
    picked = element.get("selected_option") or {}
    return picked.get("value") or element.get("selected_user") or element.get("value") or None
