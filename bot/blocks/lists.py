"""Lists of leads, paged to stay inside Block Kit's limits."""

from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.fit import Room, rows_that_fit
from bot.blocks.lead_card import headline
from bot.blocks.text import safe, truncate
from bot.ids import ActionId, LeadValue
from handlers.results import LeadList, LeadView

PAGE = 20  # at most: a header, 20 rows and a footer; long names show fewer


def list_blocks(result: LeadList) -> list[dict[str, Any]]:
    # plain_text is shown literally: truncate, don't escape.
    head: list[dict[str, Any]] = [HeaderBlock(text=truncate(result.title, 150)).to_dict()]
    if not result.leads:
        head.append(SectionBlock(text=MarkdownTextObject(text=result.empty_hint)).to_dict())
    rows = [[_row(lead).to_dict()] for lead in result.leads[:PAGE]]
    shown = rows_that_fit(rows, Room().less([*head, _more(len(result.leads))]))
    blocks = head + [row[0] for row in rows[:shown]]
    hidden = len(result.leads) - shown + result.more
    if hidden:
        blocks.append(_more(hidden))
    return blocks


def _more(hidden: int) -> dict[str, Any]:
    note = f"…and {hidden} more. Narrow the search to see them."
    return dict(ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict())


def _row(lead: LeadView) -> SectionBlock:
    text = f"{headline(lead)}\n{lead.status} · {safe(lead.email, 320) or 'no email'}"
    button = ButtonElement(text="Show", action_id=ActionId.SHOW, value=LeadValue(lead.number).encode())
    return SectionBlock(text=MarkdownTextObject(text=text), accessory=button)
