"""Closing a lead: convert it (a deal), lose it (a reason), or reopen a lost one."""

import difflib
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

from domain.capture.normalize import clean_text
from domain.errors import InvalidInput, InvalidTransition
from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES, TRANSITIONS, LeadStatus, check_transition

DEFAULT_LOST_REASONS = (
    "price",
    "competitor",
    "budget",
    "no-decision-maker",
    "unresponsive",
    "bad-fit",
    "timing",
    "other",
)
# "Other" says nothing by itself, so it must come with a note saying why.
NOTE_REQUIRED_REASON = "other"
REOPEN_DEFAULT = LeadStatus.NURTURING
MAX_DEAL_VALUE = Decimal("1000000000000")
MAX_NOTE = 1000
MAX_REASON_WORDS = 4

_AMOUNT = re.compile(r"^[$€£]?(\d+(?:\.\d+)?)([km]?)$")
_MULTIPLIER = {"": 1, "k": 1000, "m": 1_000_000}


def parse_amount(text: str) -> Decimal:
    """`12000`, `12,000`, `$12k`, `1.5m`: a deal value, never negative, two decimals."""
    plain = text.strip().lower().replace(",", "").replace("_", "")
    match = _AMOUNT.match(plain)
    try:
        value = Decimal(match.group(1)) * _MULTIPLIER[match.group(2)] if match else None
    except InvalidOperation:
        value = None
    if value is None or value > MAX_DEAL_VALUE:
        raise InvalidInput(
            "value", f"`{text}` is not an amount: write e.g. value:12000, value:12,500 or value:12k."
        )
    return _cents(value)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def require_open(lead: Lead) -> None:
    """Qualifying or closing needs an open lead; the message names the way out."""
    if lead.status in OPEN_STATUSES:
        return
    if lead.status is LeadStatus.LOST:
        raise InvalidTransition(f"{lead.ref} is lost. `/lead reopen {lead.ref}` brings it back first.")
    raise InvalidTransition(
        f"{lead.ref} is converted and closed. New interest from this person comes in as a new lead."
    )


def split_reason(reason: str, note: str | None, reasons: Sequence[str]) -> tuple[str, str | None]:
    """The configured reason and the note after it. A reason may be typed as words
    (`no decision maker` for no-decision-maker): the longest run of first words that
    names a reason wins. An unknown reason is refused with the list of valid ones."""
    words = [reason, *(note or "").split()]
    for count in range(min(len(words), MAX_REASON_WORDS), 0, -1):
        candidate = _slug(" ".join(words[:count]))
        if candidate in reasons:
            return candidate, " ".join(words[count:]) or None
    valid = f"Reasons: {', '.join(reasons)}."
    if not reason.strip():
        raise InvalidInput("reason", f"Say why the lead was lost, e.g. `/lead lost L-12 price`. {valid}")
    close = difflib.get_close_matches(_slug(reason), reasons, n=1, cutoff=0.6)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    raise InvalidInput("reason", f"`{reason}` is not a lost reason.{hint} {valid}")


def _slug(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def convert(
    lead: Lead, *, value: Decimal | None, product: str | None, contact_id: int, now: datetime
) -> None:
    """The lead becomes a deal of its contact; what it had (timeline, answers) stays with it."""
    lead.move_to(LeadStatus.CONVERTED, now)
    lead.deal_value = _cents(value) if value is not None else None
    lead.deal_product = clean_text(product, field="product") or lead.product
    lead.contact_id = contact_id
    lead.closed_at = now


def mark_lost(lead: Lead, *, reason: str, note: str | None, reasons: Sequence[str], now: datetime) -> None:
    chosen, rest = split_reason(reason, note, reasons)
    text = clean_text(rest, field="note", limit=MAX_NOTE)
    if chosen == NOTE_REQUIRED_REASON and not text:
        example = f"`/lead lost {lead.ref} other went in-house`"
        raise InvalidInput("note", f"Reason `{chosen}` needs a note saying why, e.g. {example}.")
    lead.move_to(LeadStatus.LOST, now)
    lead.lost_reason, lead.lost_note, lead.closed_at = chosen, text, now


def reopen(lead: Lead, target: LeadStatus | None, now: datetime) -> None:
    """A lost lead comes back (to nurture unless told otherwise); why it was lost stays
    in the timeline and audit log, not on the lead."""
    if lead.status is not LeadStatus.LOST:
        if lead.status is LeadStatus.CONVERTED:
            check_transition(lead.status, target or REOPEN_DEFAULT)  # words "closed"
        raise InvalidTransition(f"{lead.ref} is {lead.status}, not lost: there is nothing to reopen.")
    lead.move_to(target or REOPEN_DEFAULT, now)
    lead.lost_reason = lead.lost_note = lead.closed_at = None


def reopen_targets() -> tuple[str, ...]:
    return tuple(sorted(TRANSITIONS[LeadStatus.LOST]))
