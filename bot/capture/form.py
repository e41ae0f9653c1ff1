"""The capture form's values as data: read back from a submitted view, turned into commands."""

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError

from bot.ids import FIELD_INPUT, FormInput
from bot.metadata import CaptureFormMetadata
from domain.capture.validation import explain, field_of
from handlers.commands import AddLead, AddNote

PROFILE_INPUTS = (FormInput.COMPANY, FormInput.TITLE, FormInput.SOURCE)
# InvalidInput.field (or a pydantic loc) -> the input that shows the error; "text" is the note's.
_INPUT_OF_FIELD = {
    "name": FormInput.NAME,
    "email": FormInput.EMAIL,
    "phone": FormInput.PHONE,
    "company": FormInput.COMPANY,
    "title": FormInput.TITLE,
    "source": FormInput.SOURCE,
    "text": FormInput.NOTES,
}


@dataclass(frozen=True, slots=True)
class FormValues:
    """What the form holds, one attribute per FormInput (named as its member, lower-cased)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    title: str | None = None
    source: str | None = None
    notes: str | None = None
    custom: tuple[tuple[str, str], ...] = ()  # custom fields given: (key, value as sent)

    def __getitem__(self, field: FormInput) -> str | None:
        value: str | None = getattr(self, field.name.lower())
        return value

    def of_field(self, key: str) -> str | None:
        return dict(self.custom).get(key)

    def fingerprint(self) -> str:
        """The same values give the same print: with the view id, one save's request key."""
        raw = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def read_state(state_values: dict[str, dict[str, Any]]) -> FormValues:
    """Slack sends state.values[block_id][action_id]["value"], null for an input left empty;
    a menu its `selected_option`, a date picker its `selected_date`."""
    custom = tuple(
        (block_id.removeprefix(FIELD_INPUT), value)
        for block_id, actions in state_values.items()
        if block_id.startswith(FIELD_INPUT) and (value := _picked(actions.get(block_id) or {}))
    )
    return FormValues(
        **{field.name.lower(): _value(state_values, field) for field in FormInput}, custom=custom
    )


def _picked(state: dict[str, Any]) -> str | None:
    option = state.get("selected_option")
    if isinstance(option, dict):
        return _picked(option)
    value = state.get("selected_date", state.get("value"))
    return (value.strip() or None) if isinstance(value, str) else None


def _value(state_values: dict[str, dict[str, Any]], field: FormInput) -> str | None:
    value = state_values.get(field, {}).get(field, {}).get("value")
    return (value.strip() or None) if isinstance(value, str) else None


def capture_command(values: FormValues, meta: CaptureFormMetadata, view_id: str) -> AddLead:
    fields = {field.name.lower(): value for field in PROFILE_INPUTS if (value := values[field])}
    fields |= dict(values.custom)
    return AddLead(
        name=values.name,
        email=values.email,
        phone=values.phone,
        fields=fields,
        origin_url=meta.origin_url,
        channel=meta.via,
        # A double click on Save sends the same values from the same view: one lead.
        request_key=f"form:{view_id}:{values.fingerprint()}",
    )


def note_command(values: FormValues, number: int) -> AddNote | None:
    return AddNote(number=number, text=values.notes) if values.notes else None


def input_for(field: str, custom: tuple[str, ...] = ()) -> str:
    """The input an error belongs to; one about no input in particular shows at the first."""
    if field in custom:
        return f"{FIELD_INPUT}{field}"
    return _INPUT_OF_FIELD.get(field, FormInput.NAME)


def form_errors(error: Exception, custom: tuple[str, ...] = ()) -> dict[str, str]:
    """response_action "errors": each message next to the input it is about (`custom`: the
    keys of the custom fields the form shows)."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return {input_for(field_of(first["loc"]), custom): explain(first, error.title)}
    return {input_for(getattr(error, "field", ""), custom): str(error)}
