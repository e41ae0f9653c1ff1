"""Answers to `/lead tag` and `/lead set`: what changed, then the lead's card."""

from bot.blocks.lead_card import card_blocks, headline
from bot.blocks.text import SlackMessage, safe, section
from handlers.results import FieldsSet, LeadTagged


def tagged_message(result: LeadTagged) -> SlackMessage:
    done = [f"added {_tags(result.added)}"] if result.added else []
    done += [f"removed {_tags(result.removed)}"] if result.removed else []
    said = "; ".join(done) if done else "nothing changed (it already had those tags)"
    text = f"🏷️ {headline(result.lead)}: {said}."
    return SlackMessage(text=text, blocks=[section(text), *card_blocks(result.lead)])


def fields_message(result: FieldsSet) -> SlackMessage:
    said = (
        f"set {', '.join(result.changed)}"
        if result.changed
        else "nothing changed (it already held those values)"
    )
    text = f"✏️ {headline(result.lead)}: {said}."
    return SlackMessage(text=text, blocks=[section(text), *card_blocks(result.lead)])


def _tags(tags: tuple[str, ...]) -> str:
    return ", ".join(f"`{safe(tag, 40)}`" for tag in tags)
