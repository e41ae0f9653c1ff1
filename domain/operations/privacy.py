"""Personal data: the records of one person, as an export or an erasure (`leadbot privacy`) sees them."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ERASED = "(erased)"
REPORT_ACTION = "import.report_written"  # the audit entry that says where a report went


@dataclass
class Person:
    """The leads and contacts of one person in one workspace, and what names them."""

    team_id: str
    lead_ids: set[int] = field(default_factory=set)
    contact_ids: set[int] = field(default_factory=set)
    refs: list[str] = field(default_factory=list)
    identifiers: set[str] = field(default_factory=set)  # emails and phones
    names: set[str] = field(default_factory=set)


def scrub_text(text: str, needles: Iterable[str]) -> str:
    """The text with every way of writing each needle replaced by ERASED."""
    forms = sorted({form for needle in needles for form in variants(needle)}, key=len, reverse=True)
    return replace_all(text, forms)


def variants(needle: str) -> set[str]:
    """How a value may be written down: as typed, escaped for mrkdwn, inside JSON text."""
    mrkdwn = needle.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    forms = {needle, mrkdwn}
    return forms | {json.dumps(form)[1:-1] for form in forms}


def replace_all(text: str, forms: Sequence[str]) -> str:
    for form in forms:
        text = text.replace(form, ERASED)
    return text
