"""A CRM's lead status read into Leadbot's lifecycle: one table of the statuses CRMs write, with
the config's `[import.statuses]` on top (a team's own stage names)."""

import unicodedata
from collections.abc import Mapping

from domain.lifecycle import LeadStatus

_S = LeadStatus

# Status as the CRMs write it (compared without case, spaces or punctuation) -> lifecycle.
# Salesforce: Open - Not Contacted, Working - Contacted, Closed - Converted, Closed - Not
# Converted; HubSpot: New, Open, In Progress, Attempted to Contact, Connected, Bad Timing,
# Unqualified and lifecycle stages; Zoho: Not Contacted, Attempted to Contact, Contact in
# Future, Contacted, Pre-Qualified, Not Qualified, Junk Lead, Lost Lead; Odoo stages: New,
# Qualified, Proposition, Won; Close: Potential, Qualified, Bad Fit, Customer; Freshsales and
# Copper: New, Contacted, Interested, Unqualified, Won, Lost.
# An unqualified lead goes to nurture, never to the bin (DESIGN.md).
DEFAULT_STATUSES: dict[str, LeadStatus] = {
    **dict.fromkeys(
        ("new", "open", "opennotcontacted", "notcontacted", "potential", "lead", "subscriber"), _S.NEW
    ),
    **dict.fromkeys(
        (
            "working", "contacted", "workingcontacted", "inprogress", "attemptedtocontact", "connected",
            "interested", "underreview", "demo", "opendeal",
        ),
        _S.CONTACTED,
    ),
    **dict.fromkeys(
        (
            "nurturing", "nurture", "contactinfuture", "badtiming", "unqualified", "notqualified",
            "marketingqualifiedlead", "mql",
        ),
        _S.NURTURING,
    ),
    **dict.fromkeys(
        (
            "qualified", "prequalified", "salesqualifiedlead", "sql", "opportunity", "proposition",
            "proposal", "negotiation",
        ),
        _S.QUALIFIED,
    ),
    **dict.fromkeys(
        ("closedwon", "won", "closedconverted", "converted", "customer", "evangelist"), _S.CONVERTED
    ),
    **dict.fromkeys(
        (
            "closedlost", "lost", "closednotconverted", "lostlead", "junk", "junklead", "badfit",
            "disqualified",
        ),
        _S.LOST,
    ),
}  # fmt: skip


def status_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def lifecycle_of(text: str, overrides: Mapping[str, LeadStatus] | None = None) -> LeadStatus | None:
    """The lifecycle status a CRM status means, the config's names first; None when unknown."""
    key = status_key(text)
    for name, status in (overrides or {}).items():
        if status_key(name) == key:
            return status
    return DEFAULT_STATUSES.get(key)
