"""Speed-to-lead: the first-contact deadline counted in working time, and the figures.

A rep assigned a lead at 17:30 with a 60-minute SLA and hours 08:00-18:00 has 30 minutes
today and 30 tomorrow morning: the clock stops outside working hours, so nobody breaches
overnight or over a weekend."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median

from domain.routing.assignment import Assignment
from domain.working_hours import WorkingHours


class SlaStatus(StrEnum):
    RUNNING = "running"  # the owner has not made contact and the deadline is ahead
    MET = "met"  # contact before the deadline
    BREACHED = "breached"  # the deadline passed first (escalated once)
    VOID = "void"  # the lead closed or changed hands before either


def deadline(start: datetime, minutes: int, hours: WorkingHours) -> datetime:
    """`minutes` of working time after `start`. Each working period is measured between two
    UTC instants, so a DST change shortens or lengthens the night, never the SLA."""
    left = timedelta(minutes=minutes)
    moment = hours.next_slot(start)
    while True:
        local = moment.astimezone(hours.tz)
        period_end = hours.at(local.date(), hours.end)
        if moment + left <= period_end:
            return moment + left
        left -= period_end - moment
        moment = hours.next_slot(period_end)


@dataclass(frozen=True, slots=True)
class LeadSpeed:
    """One lead's speed-to-lead: when it came in, got an owner, was first contacted."""

    captured_at: datetime
    assigned_at: datetime | None
    first_contact_at: datetime | None
    sla_minutes: int | None
    due_at: datetime | None
    status: SlaStatus | None

    @property
    def to_assignment(self) -> timedelta | None:
        return self.assigned_at - self.captured_at if self.assigned_at else None

    @property
    def to_first_contact(self) -> timedelta | None:
        if self.assigned_at is None or self.first_contact_at is None:
            return None
        return self.first_contact_at - self.assigned_at


@dataclass(frozen=True, slots=True)
class SpeedFigures:
    """A team's speed-to-lead over a period, for reports and the digest."""

    sales_team: str
    assigned: int
    median_to_assignment: timedelta | None
    contacted: int
    median_to_first_contact: timedelta | None
    breaches: int

    @classmethod
    def of(cls, sales_team: str, speeds: list[LeadSpeed]) -> "SpeedFigures":
        to_assign = [s.to_assignment for s in speeds if s.to_assignment is not None]
        to_contact = [s.to_first_contact for s in speeds if s.to_first_contact is not None]
        breaches = sum(1 for s in speeds if s.status is SlaStatus.BREACHED)
        return cls(
            sales_team, len(to_assign), _median(to_assign), len(to_contact), _median(to_contact), breaches
        )


def _median(spans: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=median(s.total_seconds() for s in spans)) if spans else None


@dataclass(frozen=True, slots=True)
class DueSla:
    assignment: Assignment
    minutes: int
