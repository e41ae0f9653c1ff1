"""Lists of leads, paged to stay inside Block Kit's limits."""

from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.lead_card import headline
from bot.blocks.text import safe, truncate
from bot.ids import ActionId
from handlers.results import LeadList, LeadView

PAGE = 20  # a header, 20 rows and a footer stay far below 50 blocks


def list_blocks(result: LeadList) -> list[dict[str, Any]]:
    # plain_text is shown literally: truncate, don't escape.
    blocks: list[Any] = [HeaderBlock(text=truncate(result.title, 150))]
    if not result.leads:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=result.empty_hint)))
    blocks.extend(_row(lead) for lead in result.leads[:PAGE])
    hidden = len(result.leads) - PAGE
    if hidden > 0:
        note = f"…and {hidden} more. Narrow the search to see them."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return [block.to_dict() for block in blocks]


def _row(lead: LeadView) -> SectionBlock:
    text = f"{headline(lead)}\n{lead.status} · {safe(lead.email, 320) or 'no email'}"
    button = ButtonElement(text="Show", action_id=ActionId.SHOW, value=str(lead.number))
    return SectionBlock(text=MarkdownTextObject(text=text), accessory=button)


def home_view(result: LeadList) -> dict[str, Any]:
    """The App Home tab: the viewer's open leads, with the same rows as a list."""
    return {"type": "home", "blocks": list_blocks(result)}
