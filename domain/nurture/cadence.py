"""Nurture cadences: named sequences of steps a lead's owner is reminded to take.

Each step is a day offset from enrolment, a channel and what to do. Steps land at the
start of the owner's working day (09:00 unless they start later), and a step that falls
on a weekend moves to the next working day: nobody is asked to call a lead on Sunday."""

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.followups.activity import ActivityKind
from domain.working_hours import WorkingHours

STEP_TIME = time(9, 0)
MAX_STEP_DAY = 365
# A touch logged by the rep means the lead answered or met them: the sequence has done its job.
REPLY_KINDS = frozenset({ActivityKind.EMAIL, ActivityKind.CALL, ActivityKind.MEETING})
# Lost for one of these: not ready yet rather than not interested; they go to long-term nurture.
NOT_READY_REASONS = frozenset({"timing", "budget"})


class StepChannel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    LINKEDIN = "linkedin"
    TASK = "task"


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class CadenceStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    day: int = Field(ge=0, le=MAX_STEP_DAY)
    channel: StepChannel
    template: str = Field(min_length=1, max_length=500)


class Cadence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    steps: tuple[CadenceStep, ...] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _in_order(cls, steps: tuple[CadenceStep, ...]) -> tuple[CadenceStep, ...]:
        days = [step.day for step in steps]
        if days != sorted(days):
            raise ValueError(f"steps must be in day order, got days {days}")
        return steps


def step_day(enrolled_on: date, step: CadenceStep, hours: WorkingHours) -> date:
    """The local day a step is due: enrolment day + offset, moved past a weekend."""
    return hours.next_working_day(enrolled_on + timedelta(days=step.day))


def step_due(enrolled_at: datetime, step: CadenceStep, hours: WorkingHours) -> datetime:
    """When a step's follow-up is due (UTC): the start of the owner's working day, local."""
    day = step_day(enrolled_at.astimezone(hours.tz).date(), step, hours)
    due = hours.next_slot(hours.at(day, max(STEP_TIME, hours.start)))
    # A day-0 step on an enrolment made after that slot is due at once, not yesterday.
    return max(due, enrolled_at)


def step_text(cadence: Cadence, index: int, lead_name: str) -> str:
    step = cadence.steps[index]
    label = f"{cadence.name} {index + 1}/{len(cadence.steps)}, day {step.day}"
    return f"[{label}] {step.channel}: {step.template.replace('{name}', lead_name)}"[:1000]
