"""The lead entity: who they are, where they came from, and where they stand."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.lifecycle import LeadStatus, check_transition

LEAD_PREFIX = "L-"


@dataclass(frozen=True, slots=True)
class ProfileField:
    """A fact about who a lead is that a person may set: `/lead add … key:value`, the web
    form's JSON, a CSV column, the export. Declared once, in PROFILE, the way a custom field
    is declared in the config (`[[fields]]`, DESIGN.md); every channel reads the list."""

    key: str  # the Lead attribute, the key:value word, the JSON field and the CSV column
    headers: tuple[str, ...]  # CSV headers that mean it (case, spaces and punctuation aside)
    scored: bool = True  # fit rules may look at it (domain/scoring/config.py)


PROFILE = (
    ProfileField(
        "company",
        (
            "Company",
            "Company Name",
            "Organisation",
            "Organization",
            "Organisation Name",
            "Organization Name",
            "Org",
            "Account",
            "Account Name",
            "Employer",
        ),
    ),
    ProfileField("title", ("Title", "Job Title", "Position", "Role")),
    ProfileField("source", ("Source", "Lead Source")),
    ProfileField("campaign", ("Campaign", "Campaign Name", "UTM Campaign")),
    ProfileField("country", ("Country", "Country Code")),
    ProfileField("product", ("Product", "Product Interest")),
    # An address says little about fit; it is kept for the rep and for matching.
    ProfileField("website", ("Website", "Web site", "URL", "Web", "Homepage"), scored=False),
)
# Fields a person may set with `key:value`; the rest are owned by the system.
PROFILE_FIELDS = tuple(fact.key for fact in PROFILE)
SCORED_FIELDS = tuple(fact.key for fact in PROFILE if fact.scored)
CONTACT_FIELDS = ("email", "phone")


def lead_ref(number: int) -> str:
    return f"{LEAD_PREFIX}{number}"


@dataclass(slots=True)
class Lead:
    team_id: str
    name: str
    created_at: datetime
    created_by: str
    number: int = 0
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    title: str | None = None
    source: str | None = None
    campaign: str | None = None
    country: str | None = None
    product: str | None = None
    website: str | None = None
    status: LeadStatus = LeadStatus.NEW
    owner_id: str | None = None
    sales_team: str | None = None
    score: int = 0
    duplicate_of: int | None = None
    merged_into: int | None = None
    external_id: str | None = None
    origin_url: str | None = None
    # field -> {"source": ..., "method": ...} for values Leadbot inferred, not a person typed
    enriched: dict[str, dict[str, str]] = field(default_factory=dict)
    updated_at: datetime | None = None
    # Closing (domain/closing/outcomes.py): the deal, or why it was lost, and when.
    deal_value: Decimal | None = None
    deal_product: str | None = None
    lost_reason: str | None = None
    lost_note: str | None = None
    closed_at: datetime | None = None
    # The forecast (domain/reporting/forecast.py): what an open lead is expected to bring, and when.
    expected_value: Decimal | None = None
    expected_close: date | None = None  # the first day of the expected close month
    # A converted person's contact; a returning customer's lead is its next cycle.
    contact_id: int | None = None
    cycle: int = 1
    # The workspace's own fields (domain/custom_fields.py): key -> typed JSON value.
    custom: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()  # domain/book/tags.py, in the order given
    # The person unsubscribed (an `unsubscribed` event): no cadence may contact them again.
    do_not_contact_at: datetime | None = None
    id: int | None = field(default=None, compare=False)

    @property
    def ref(self) -> str:
        return lead_ref(self.number)

    def move_to(self, target: LeadStatus, now: datetime) -> None:
        check_transition(self.status, target)
        self.status = target
        self.updated_at = now

    def mark_do_not_contact(self, at: datetime, now: datetime) -> bool:
        """Do not contact from `at` on; False (nothing changes) if it was so already: the
        first unsubscription's date is the one that counts."""
        if self.do_not_contact_at is not None:
            return False
        self.do_not_contact_at = at
        self.updated_at = now
        return True

    def profile(self) -> dict[str, str | None]:
        """The PROFILE fields and their values, in PROFILE's order."""
        return {key: getattr(self, key) for key in PROFILE_FIELDS}

    def snapshot(self) -> dict[str, Any]:
        """The audit-log view of the lead: plain JSON-able values."""
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            **self.profile(),
            "status": str(self.status),
            "owner_id": self.owner_id,
            "sales_team": self.sales_team,
            "score": self.score,
            "external_id": self.external_id,
            "deal_value": str(self.deal_value) if self.deal_value is not None else None,
            "deal_product": self.deal_product,
            "expected_value": str(self.expected_value) if self.expected_value is not None else None,
            "expected_close": f"{self.expected_close:%Y-%m}" if self.expected_close else None,
            "lost_reason": self.lost_reason,
            "lost_note": self.lost_note,
            "contact_id": self.contact_id,
            "cycle": self.cycle,
            "fields": dict(self.custom),
            "tags": list(self.tags),
        }
