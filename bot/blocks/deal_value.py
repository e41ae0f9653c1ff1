"""The reply to `/lead value`: what the lead is now expected to bring, then its card."""

from bot.blocks.forecast import money
from bot.blocks.lead_card import card_blocks, headline
from bot.blocks.text import SlackMessage, section
from handlers.results import ValueSet


def value_message(result: ValueSet) -> SlackMessage:
    lead = headline(result.lead)
    view = result.lead
    value = money(view.expected_value) if view.expected_value is not None else "no value yet"
    close = f", expected to close in {view.expected_close:%B %Y}" if view.expected_close else ""
    if result.repeated:
        text = f"Already done: {lead} is expected at {value}{close}."
    else:
        text = f"💰 {lead} is expected at {value}{close}. `/lead forecast` shows the pipeline."
    return SlackMessage(text=text, blocks=[section(text), *card_blocks(result.lead)])
