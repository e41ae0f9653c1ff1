"""The reply to `/lead probability`: what was set, then the lead card."""

from bot.blocks.lead_card import card_blocks, headline
from bot.blocks.text import SlackMessage, section
from handlers.results import ProbabilitySet


def probability_message(result: ProbabilitySet) -> SlackMessage:
    lead = headline(result.lead)
    if result.repeated:
        text = f"Already done: the conversion chance of {lead} is as you set it."
    elif result.percent is None:
        text = f"The conversion chance of {lead} is the model's again."
    else:
        text = (
            f"🎯 Conversion chance of {lead} set to {result.percent}%. Retraining won't change it; "
            f"`/lead probability {result.lead.ref} auto` gives it back to the model."
        )
    blocks = [section(text), *card_blocks(result.lead, chance=result.chance)]
    return SlackMessage(text=text, blocks=blocks)
