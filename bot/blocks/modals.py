"""The capture form modal, for `/lead add`, the message shortcut and the duplicate warning."""

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.lead_card import headline
from bot.blocks.render import render
from bot.blocks.text import SlackMessage, safe, truncate
from bot.capture.form import FormValues
from bot.ids import FIELD_INPUT, BlockId, CallbackId, FormInput
from domain.custom_fields import MAX_TEXT, CustomField, FieldType, parse_day, parse_number
from domain.errors import InvalidInput
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


# The limits are the domain's (domain/capture/normalize.py), so Slack stops what capture would refuse.
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


# A modal holds 100 blocks: the built-in inputs, a duplicate warning and a line saying more
# fields are set with `/lead set` leave this many for custom fields.
MAX_FORM_FIELDS = 100 - len(INPUTS) - 2


def capture_form(
    values: FormValues,
    metadata: str,
    duplicate: DuplicateView | None = None,
    fields: tuple[CustomField, ...] = (),
) -> dict[str, Any]:
    """The form, filled with `values`; with a likely duplicate, the warning comes first. The
    workspace's custom fields follow the built-in inputs, before the notes."""
    blocks: list[dict[str, Any]] = [duplicate_warning(duplicate)] if duplicate else []
    blocks += [_input(spec, values[spec.field]) for spec in INPUTS if spec.field is not FormInput.NOTES]
    blocks += [_field_input(field, values.of_field(field.key)) for field in fields[:MAX_FORM_FIELDS]]
    if len(fields) > MAX_FORM_FIELDS:
        more = "More fields than a form holds: set the rest with `/lead set L-42 key:value`."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]).to_dict())
    blocks += [_input(spec, values[spec.field]) for spec in INPUTS if spec.field is FormInput.NOTES]
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


def _field_input(field: CustomField, value: str | None) -> dict[str, Any]:
    """The input Slack offers for the field's type: a menu of its choices, a number, a date
    picker, yes/no, or text. A value the form already holds is shown again."""
    action_id = f"{FIELD_INPUT}{field.key}"
    element: Any
    if field.type is FieldType.CHOICE or field.type is FieldType.BOOL:
        options = [Option(value=c, label=c) for c in (field.choices or ("yes", "no"))]
        chosen = _chosen(field, value, options)
        element = StaticSelectElement(action_id=action_id, options=options, initial_option=chosen)
    elif field.type is FieldType.NUMBER:
        number = str(parse_number(value)) if value and parse_number(value) is not None else None
        element = NumberInputElement(action_id=action_id, is_decimal_allowed=True, initial_value=number)
    elif field.type is FieldType.DATE:
        element = DatePickerElement(action_id=action_id, initial_date=parse_day(value or ""))
    else:
        shown = truncate(value, MAX_TEXT) if value else None
        element = PlainTextInputElement(action_id=action_id, initial_value=shown, max_length=MAX_TEXT)
    return InputBlock(block_id=action_id, label=field.label, element=element, optional=True).to_dict()


def _chosen(field: CustomField, value: str | None, options: list[Option]) -> Option | None:
    if not value:
        return None
    try:
        read = field.text(field.read(value))
    except InvalidInput:  # a value no option shows is left unchosen
        return None
    return next((o for o in options if o.value == read), None)


def form_saved_message(result: LeadCaptured, note_skipped: bool) -> SlackMessage:
    """The capture reply; and if the person is another rep's lead, why the note did not go on it."""
    message = render(result)
    if not note_skipped:
        return message
    why = ContextBlock(
        elements=[MarkdownTextObject(text="Your note was not added: the lead is not yours to work.")]
    )
    return SlackMessage(text=message.text, blocks=[*message.blocks, why.to_dict()])
