"""Results handlers return: plain frozen views, no Slack types, no mrkdwn."""

from dataclasses import dataclass
from datetime import datetime

from domain.activity import Activity
from domain.lead import Lead
from domain.reminder import Reminder


@dataclass(frozen=True, slots=True)
class LeadView:
    ref: str
    number: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    title: str | None
    source: str | None
    status: str
    owner_id: str | None
    sales_team: str | None
    score: int
    created_at: datetime

    @classmethod
    def of(cls, lead: Lead) -> "LeadView":
        return cls(
            ref=lead.ref,
            number=lead.number,
            name=lead.name,
            email=lead.email,
            phone=lead.phone,
            company=lead.company,
            title=lead.title,
            source=lead.source,
            status=str(lead.status),
            owner_id=lead.owner_id,
            sales_team=lead.sales_team,
            score=lead.score,
            created_at=lead.created_at,
        )


@dataclass(frozen=True, slots=True)
class LeadCaptured:
    lead: LeadView
    already_existed: bool = False  # same email was already a lead: nothing new was made


@dataclass(frozen=True, slots=True)
class LeadDetails:
    lead: LeadView
    activities: tuple[Activity, ...]
    reminders: tuple[Reminder, ...]


@dataclass(frozen=True, slots=True)
class LeadList:
    title: str
    leads: tuple[LeadView, ...]
    empty_hint: str


@dataclass(frozen=True, slots=True)
class ActivityAdded:
    lead: LeadView
    activity: Activity
    already_recorded: bool = False  # a repeated request: nothing new was logged


@dataclass(frozen=True, slots=True)
class ReminderSet:
    lead: LeadView
    reminder: Reminder


Result = LeadCaptured | LeadDetails | LeadList | ActivityAdded | ReminderSet
