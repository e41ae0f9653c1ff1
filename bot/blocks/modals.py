"""The capture form modal, for `/lead add`, the message shortcut and the duplicate warning."""

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.lead_card import headline
from bot.blocks.render import render
from bot.blocks.text import SlackMessage, safe, truncate
from bot.form import FormValues
from bot.ids import BlockId, CallbackId, FormInput
from handlers.results import DuplicateView, LeadCaptured

# Slack caps a modal's title, submit and close at 24 characters each.
TITLE = "New lead"
SUBMIT = "Save lead"
CLOSE = "Cancel"


@dataclass(frozen=True, slots=True)
class InputSpec:
    field: FormInput
    label: str
    max_length: int  # Slack refuses longer input itself; at most 3,000
    placeholder: str | None = None
    hint: str | None = None
    multiline: bool = False


# The limits are the domain's (domain/normalize.py), so Slack stops what capture would refuse.
INPUTS = (
    InputSpec(FormInput.NAME, "Name", 200, "Dana Scully", "A name or an email is enough."),
    InputSpec(FormInput.EMAIL, "Email", 254, "dana@fbi.gov"),
    InputSpec(FormInput.PHONE, "Phone", 40, "+1 202 555 0143"),
    InputSpec(
        FormInput.COMPANY, "Company", 500, hint="If left empty, it comes from a company email address."
    ),
    InputSpec(FormInput.TITLE, "Title", 500),
    # Free text, as with `/lead add source:...`, so a form never refuses a source a list lacks.
    InputSpec(FormInput.SOURCE, "Source", 500, "referral, website, event, cold call…"),
    InputSpec(FormInput.NOTES, "Notes", 3000, "Added to the lead's timeline", multiline=True),
)


def capture_form(values: FormValues, metadata: str, duplicate: DuplicateView | None = None) -> dict[str, Any]:
    """The form, filled with `values`; with a likely duplicate, the warning comes first."""
    blocks: list[dict[str, Any]] = [duplicate_warning(duplicate)] if duplicate else []
    blocks += [_input(spec, values[spec.field]) for spec in INPUTS]
    view = View(
        type="modal",
        callback_id=CallbackId.CAPTURE_FORM,
        title=TITLE,
        submit=SUBMIT,
        close=CLOSE,
        private_metadata=metadata,
        blocks=blocks,
    )
    return view.to_dict()


def duplicate_warning(duplicate: DuplicateView) -> dict[str, Any]:
    why = ", ".join(safe(reason, 200) for reason in duplicate.reasons)
    text = (
        f"⚠️ Looks like {headline(duplicate.lead)}: {why}. "
        "Save again to add it anyway (you can merge it afterwards)."
    )
    return SectionBlock(block_id=BlockId.FORM_DUPLICATE, text=MarkdownTextObject(text=text)).to_dict()


def _input(spec: InputSpec, value: str | None) -> dict[str, Any]:
    element = PlainTextInputElement(
        action_id=spec.field,
        # A prefill stays within the input's limit, so Save never meets a value it must refuse.
        initial_value=truncate(value, spec.max_length) if value else None,
        placeholder=spec.placeholder,
        max_length=spec.max_length,
        multiline=spec.multiline or None,
    )
    block = InputBlock(block_id=spec.field, label=spec.label, element=element, hint=spec.hint, optional=True)
    return block.to_dict()


def form_saved_message(result: LeadCaptured, note_skipped: bool) -> SlackMessage:
    """The capture reply; and if the person is another rep's lead, why the note did not go on it."""
    message = render(result)
    if not note_skipped:
        return message
    why = ContextBlock(
        elements=[MarkdownTextObject(text="Your note was not added: the lead is not yours to work.")]
    )
    return SlackMessage(text=message.text, blocks=[*message.blocks, why.to_dict()])
