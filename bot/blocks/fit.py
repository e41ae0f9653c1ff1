"""Keeping a message inside what Slack will show: 50 blocks and about 12,000 characters of
text across them (`msg_blocks_too_long` above that, though no single block breaks a limit).

Lists decide how many rows they show with `rows_that_fit`, so they can say "…and 37 more"
and point to where the rest are. `fit` is the last guard every message passes on its way
out (acks, responses, outbox posts): a message no renderer foresaw is cut, with a line
saying so, instead of being refused, which would show the person nothing at all.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks.text import MESSAGE_BLOCK_LIMIT, SlackMessage

# Slack refuses from about 12,000 characters; the rest is room for what a renderer adds
# around its rows (headers, footers) and for Slack counting a little differently.
MESSAGE_TEXT_BUDGET = 11_000
Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Room:
    """What is left of a message for rows, once the blocks around them are counted."""

    blocks: int = MESSAGE_BLOCK_LIMIT
    chars: int = MESSAGE_TEXT_BUDGET

    def less(self, around: Sequence[Block]) -> "Room":
        return Room(self.blocks - len(around), self.chars - text_size(around))


def text_size(blocks: Iterable[Any]) -> int:
    """The characters of text a message's blocks carry, in text objects and rich text."""
    total, stack = 0, list(blocks)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    total += len(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return total


def rows_that_fit(rows: Sequence[Sequence[Block]], room: Room) -> int:
    """How many rows (each a few blocks: a line and its buttons) fit, in order, in `room`."""
    blocks, chars = room.blocks, room.chars
    for shown, row in enumerate(rows):
        blocks, chars = blocks - len(row), chars - text_size(row)
        if blocks < 0 or chars < 0:
            return shown
    return len(rows)


def fits(message: SlackMessage, room: Room | None = None) -> bool:
    room = room or Room()
    return len(message.blocks) <= room.blocks and text_size(message.blocks) <= room.chars


def fit(message: SlackMessage, room: Room | None = None) -> SlackMessage:
    """The message as it is when Slack takes it (or it fits `room`); else its first blocks
    and a closing line."""
    if fits(message, room):
        return message
    closing = _closing(len(message.blocks))
    shown = rows_that_fit([[block] for block in message.blocks], (room or Room()).less([closing]))
    hidden = len(message.blocks) - shown
    return SlackMessage(message.text, [*message.blocks[:shown], _closing(hidden)])


def _closing(hidden: int) -> Block:
    note = f"…{hidden} more parts of this message are not shown: Slack takes only so much at once."
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}
