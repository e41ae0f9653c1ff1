"""What Slack refuses in a message or a view, judged as Slack judges it.

A lenient stand-in lets the app send what a real workspace never shows (a repeated
block_id, a header in mrkdwn, 30,000 characters in one DM), so its tests pass and its
users see nothing. This module refuses the same things, with Slack's own error codes:
`invalid_blocks` (messages), `invalid_arguments` (views), `msg_blocks_too_long`, `no_text`.

Two judges work together. slack_sdk's models (`Block.parse(...).to_dict()`, `View`) run
the validators Slack publishes with them, and anything a model drops on the round trip is a
key Slack does not know. What the models do not encode is checked here from Block Kit's
reference and PLATFORM-NOTES.md: unique ids, `plain_text` where Slack requires it, empty
text, per-field lengths and the text of a whole message.
"""
# https://docs.slack.dev/reference/block-kit/blocks  https://docs.slack.dev/reference/block-kit/composition-objects

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 12_000  # msg_blocks_too_long: all the text of one message's blocks together
ID_LENGTH = 255

# (the object's type, its key) -> the most characters Slack takes there
TEXT_LENGTHS: dict[tuple[str, str], int] = {
    ("section", "text"): 3000,
    ("section", "fields"): 2000,
    ("header", "text"): 150,
    ("button", "text"): 75,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("option", "text"): 75,
    ("option", "description"): 75,
    ("view", "title"): 24,
    ("view", "submit"): 24,
    ("view", "close"): 24,
    ("confirm", "title"): 100,
    ("confirm", "text"): 300,
    ("confirm", "confirm"): 30,
    ("confirm", "deny"): 30,
    ("*", "placeholder"): 150,
}
# (the object's type, its key) -> the longest string value Slack takes
VALUE_LENGTHS: dict[tuple[str, str], int] = {
    ("button", "value"): 2000,
    ("button", "url"): 3000,
    ("option", "value"): 150,
    ("view", "private_metadata"): 3000,
    ("view", "callback_id"): ID_LENGTH,
    ("view", "external_id"): ID_LENGTH,
}
# Where a text object must be plain_text: Slack refuses mrkdwn there.
PLAIN_ONLY = frozenset(
    {
        ("header", "text"),
        ("button", "text"),
        ("input", "label"),
        ("input", "hint"),
        ("view", "title"),
        ("view", "submit"),
        ("view", "close"),
        ("confirm", "title"),
        ("confirm", "confirm"),
        ("confirm", "deny"),
        ("*", "placeholder"),
        ("static_select", "option"),
        ("multi_static_select", "option"),
        ("overflow", "option"),
    }
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})


@dataclass(frozen=True, slots=True)
class Refusal:
    """Slack's answer to what it will not show: an error code and what was wrong where."""

    error: str
    errors: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        messages = [f"[ERROR] {line}" for line in self.errors]
        metadata = {"messages": messages}
        return {"ok": False, "error": self.error, "errors": list(self.errors), "response_metadata": metadata}


def judge_message(message: dict[str, Any]) -> Refusal | None:
    """chat.postMessage / postEphemeral / update / scheduleMessage, a response_url body or
    an ack's body: None when Slack would show it."""
    blocks = message.get("blocks")
    if blocks in (None, "", []):
        blocks = []
    if not isinstance(blocks, list):
        return Refusal("invalid_blocks_format", ("blocks must be an array [json-pointer:/blocks]",))
    shows_nothing = not blocks and not str(message.get("text") or "").strip()
    if shows_nothing and not message.get("attachments") and not message.get("delete_original"):
        return Refusal("no_text")
    errors = list(_blocks_errors(blocks, MESSAGE_BLOCKS, "/blocks"))
    if errors:
        return Refusal("invalid_blocks", tuple(errors))
    if sum(_text_lengths(blocks)) > MESSAGE_TEXT:
        return Refusal("msg_blocks_too_long")
    return None


def judge_view(view: Any) -> Refusal | None:
    """views.open / push / update / publish, or an ack that pushes or updates a modal."""
    if not isinstance(view, dict):
        return Refusal("invalid_arguments", ("view must be an object [json-pointer:/view]",))
    errors = list(_view_errors(view))
    return Refusal("invalid_arguments", tuple(errors)) if errors else None


def _view_errors(view: dict[str, Any]) -> Iterator[str]:
    kind = view.get("type")
    if kind not in ("modal", "home"):
        yield f"must be modal or home, not {kind!r} [json-pointer:/view/type]"
        return
    blocks = view.get("blocks") or []
    if not isinstance(blocks, list):
        yield "blocks must be an array [json-pointer:/view/blocks]"
        return
    yield from _blocks_errors(blocks, VIEW_BLOCKS, "/view/blocks")
    yield from _object_errors(_view_head(view), "view", "/view")
    if kind == "modal" and not isinstance(view.get("title"), dict):
        yield "missing required field: title [json-pointer:/view]"
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if kind == "modal" and has_input and not isinstance(view.get("submit"), dict):
        yield "submit is required when an input block is present [json-pointer:/view]"
    yield from _model_errors(lambda: View(**view).to_dict(), view, "/view", skip={"blocks"})


def _view_head(view: dict[str, Any]) -> dict[str, Any]:
    # The view's own fields, judged like any object; its blocks are judged one by one.
    return {key: value for key, value in view.items() if key != "blocks"}


def _blocks_errors(blocks: list[Any], most: int, where: str) -> Iterator[str]:
    if len(blocks) > most:
        yield f"no more than {most} items allowed, got {len(blocks)} [json-pointer:{where}]"
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        pointer = f"{where}/{index}"
        if not isinstance(block, dict):
            yield f"a block must be an object [json-pointer:{pointer}]"
            continue
        block_id = block.get("block_id")
        if block_id is not None and block_id in seen:
            yield f"duplicate block_id {block_id!r} [json-pointer:{pointer}/block_id]"
        if block_id is not None:
            seen.add(str(block_id))
        yield from _block_errors(block, pointer)


def _block_errors(block: dict[str, Any], pointer: str) -> Iterator[str]:
    if Block.parse(dict(block)) is None:
        yield f"unsupported type {block.get('type')!r} [json-pointer:{pointer}/type]"
        return
    yield from _object_errors(block, str(block.get("type")), pointer)
    yield from _action_id_errors(block, pointer)
    yield from _model_errors(lambda: Block.parse(dict(block)).to_dict(), block, pointer)  # type: ignore[union-attr]


def _action_id_errors(block: dict[str, Any], pointer: str) -> Iterator[str]:
    elements = [block.get("accessory"), block.get("element"), *(block.get("elements") or [])]
    seen: set[str] = set()
    for element in elements:
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id is None:
            continue
        if action_id in seen:
            yield f"duplicate action_id {action_id!r} in one block [json-pointer:{pointer}]"
        seen.add(action_id)


def _object_errors(node: dict[str, Any], kind: str, pointer: str) -> Iterator[str]:
    """Walk one object and everything in it, with the type of the object that holds each key."""
    for key, value in node.items():
        here = f"{pointer}/{key}"
        if key in ("block_id", "action_id") and isinstance(value, str) and len(value) > ID_LENGTH:
            yield f"must be at most {ID_LENGTH} characters [json-pointer:{here}]"
        if isinstance(value, str):
            yield from _length_errors(VALUE_LENGTHS, kind, key, value, here)
        elif isinstance(value, dict):
            yield from _child_errors(kind, key, value, here)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _child_errors(kind, key, item, f"{here}/{index}")


def _child_errors(kind: str, key: str, child: dict[str, Any], pointer: str) -> Iterator[str]:
    if child.get("type") in TEXT_TYPES:
        yield from _text_errors(kind, key, child, pointer)
        return
    if key in ("options", "initial_option", "initial_options"):
        yield from _object_errors(child, "option", pointer)
        yield from _option_text_errors(kind, child, pointer)
        return
    child_kind = "confirm" if key == "confirm" else str(child.get("type", key))
    yield from _object_errors(child, child_kind, pointer)


def _option_text_errors(menu: str, option: dict[str, Any], pointer: str) -> Iterator[str]:
    text = option.get("text")
    if isinstance(text, dict) and (menu, "option") in PLAIN_ONLY and text.get("type") != "plain_text":
        yield f"must be plain_text in a {menu} [json-pointer:{pointer}/text/type]"


def _text_errors(kind: str, key: str, text: dict[str, Any], pointer: str) -> Iterator[str]:
    plain_only = (kind, key) in PLAIN_ONLY or ("*", key) in PLAIN_ONLY
    if plain_only and text.get("type") != "plain_text":
        yield f"must be plain_text, not {text.get('type')} [json-pointer:{pointer}/type]"
    body = text.get("text")
    if not isinstance(body, str) or not body:
        yield f"must be more than 0 characters [json-pointer:{pointer}/text]"
        return
    yield from _length_errors(TEXT_LENGTHS, kind, key, body, f"{pointer}/text")


def _length_errors(
    table: dict[tuple[str, str], int], kind: str, key: str, value: str, pointer: str
) -> Iterator[str]:
    most = table.get((kind, key)) or table.get(("*", key))
    if most is not None and len(value) > most:
        yield f"must be at most {most} characters, got {len(value)} [json-pointer:{pointer}]"


def _model_errors(
    build: Any, sent: dict[str, Any], pointer: str, skip: frozenset[str] | set[str] = frozenset()
) -> Iterator[str]:
    """slack_sdk's own validators, and the keys its model does not know (dropped on the
    round trip): Slack refuses an unknown key as an 'invalid additional property'."""
    quiet = logging.getLogger("slack_sdk.models")
    level, quiet.level = quiet.level, logging.ERROR  # unknown keys are reported below instead
    try:
        rebuilt = build()
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError) as exc:
        yield f"{exc} [json-pointer:{pointer}]"
        return
    finally:
        quiet.level = level
    for extra in _dropped_keys(sent, rebuilt, pointer, skip):
        yield f"invalid additional property [json-pointer:{extra}]"


def _dropped_keys(sent: Any, rebuilt: Any, pointer: str, skip: frozenset[str] | set[str]) -> Iterator[str]:
    if isinstance(sent, dict) and isinstance(rebuilt, dict):
        for key, value in sent.items():
            if key in skip or value in (None, ""):  # the models leave out what is empty
                continue
            if key not in rebuilt:
                yield f"{pointer}/{key}"
            else:
                yield from _dropped_keys(value, rebuilt[key], f"{pointer}/{key}", frozenset())
    elif isinstance(sent, list) and isinstance(rebuilt, list) and len(sent) == len(rebuilt):
        for index, (one, other) in enumerate(zip(sent, rebuilt, strict=True)):
            yield from _dropped_keys(one, other, f"{pointer}/{index}", frozenset())


def _text_lengths(node: Any) -> Iterator[int]:
    """Every piece of text a message's blocks show: text objects and rich text alike."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield len(value)
            else:
                yield from _text_lengths(value)
    elif isinstance(node, list):
        for item in node:
            yield from _text_lengths(item)
