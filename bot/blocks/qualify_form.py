"""The qualification (BANT) form, opened by `/lead qualify L-12` with no answers."""

from typing import Any

from slack_sdk.models.blocks import InputBlock, MarkdownTextObject, PlainTextInputElement, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.lead_card import headline
from bot.blocks.text import truncate
from bot.ids import CallbackId, QualifyInput
from domain.scoring.qualification import MAX_ANSWER
from handlers.results import QualificationDraft

LABELS = {
    QualifyInput.BUDGET: ("Budget", "yes, no, 10-20k…"),
    QualifyInput.AUTHORITY: ("Authority", "VP Sales, decides with the CFO…"),
    QualifyInput.NEED: ("Need", "replace spreadsheets…"),
    QualifyInput.TIMELINE: ("Timeline", "Q1, this month…"),
}


def qualify_form(draft: QualificationDraft, metadata: str) -> dict[str, Any]:
    """The four answers, filled in with the latest ones; emptying one clears it."""
    answers = draft.latest.answers() if draft.latest else {}
    intro = SectionBlock(text=MarkdownTextObject(text=f"Qualify {headline(draft.lead)}")).to_dict()
    view = View(
        type="modal",
        callback_id=CallbackId.QUALIFY_FORM,
        title=truncate(f"Qualify {draft.lead.ref}", 24),
        submit="Save",
        close="Cancel",
        private_metadata=metadata,
        blocks=[intro, *(_input(field, answers.get(field.answer)) for field in QualifyInput)],
    )
    return view.to_dict()


def _input(field: QualifyInput, value: str | None) -> dict[str, Any]:
    label, placeholder = LABELS[field]
    element = PlainTextInputElement(
        action_id=field,
        initial_value=truncate(value, MAX_ANSWER) if value else None,
        placeholder=placeholder,
        max_length=MAX_ANSWER,
    )
    return InputBlock(block_id=field, label=label, element=element, optional=True).to_dict()


def read_answers(state_values: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Every answer as the form shows it; an emptied input (null) clears that answer."""
    answers: dict[str, str] = {}
    for field in QualifyInput:
        value = state_values.get(field, {}).get(field, {}).get("value")
        answers[field.answer] = value.strip() if isinstance(value, str) else ""
    return answers
