"""Tags: short words a team puts on leads (`/lead tag L-42 hot enterprise -cold`), shown on the
card, filtered with `tag:hot`, exported, and read from an import's Tags column. Pure."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import InvalidInput

MAX_TAG = 40
MAX_TAGS = 20  # on one lead: enough to sort by, few enough for a card and an index
TAG = re.compile(r"[a-z0-9][a-z0-9_.:/-]{0,39}")
HOW = "a word of letters, digits, -, _, ., : or / (at most 40), like `hot` or `q3-event`"
_SEPARATORS = re.compile(r"[,;|\s]+")


def clean_tag(word: str) -> str:
    """A tag as stored: lower case, a leading `#` dropped. InvalidInput says how to write one."""
    tag = word.strip().lstrip("#").casefold()
    if not TAG.fullmatch(tag):
        raise InvalidInput("tag", f"`{word}` cannot be a tag: write {HOW}.")
    return tag


def split_tags(text: str) -> list[str]:
    """An import's Tags cell (`hot, enterprise;q3`): its words, cleaned; unreadable ones
    raise InvalidInput."""
    return list(dict.fromkeys(clean_tag(w) for w in _SEPARATORS.split(text) if w.strip()))


@dataclass(frozen=True, slots=True)
class TagChange:
    """What `/lead tag` asks: tags to add and tags to take off."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


def read_change(words: Iterable[str]) -> TagChange:
    """`hot enterprise -cold` -> add hot and enterprise, remove cold. A tag both added and
    removed is refused: which one was meant is a guess."""
    add: list[str] = []
    remove: list[str] = []
    for word in words:
        if word.startswith("-") and len(word) > 1:
            remove.append(clean_tag(word[1:]))
        else:
            add.append(clean_tag(word.lstrip("+")))
    both = sorted(set(add) & set(remove))
    if both:
        raise InvalidInput("tag", f"`{both[0]}` is both added and removed: give it once.")
    if not add and not remove:
        raise InvalidInput("tag", "Name a tag to add or, with a leading -, to remove: `hot -cold`.")
    return TagChange(tuple(dict.fromkeys(add)), tuple(dict.fromkeys(remove)))


def applied(current: tuple[str, ...], change: TagChange) -> tuple[str, ...]:
    """The lead's tags after the change, in the order they were first given. More than
    MAX_TAGS is refused, naming the limit."""
    after = [t for t in current if t not in change.remove]
    after += [t for t in change.add if t not in after]
    if len(after) > MAX_TAGS:
        raise InvalidInput("tag", f"A lead holds at most {MAX_TAGS} tags; remove some with `-tag` first.")
    return tuple(after)
