"""Commands: validated requests to change or read leads, independent of transport."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.activity import MAX_ACTIVITY_TEXT, ActivityKind


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AddLead(Command):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    phone: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    request_key: str | None = None


class ShowLead(Command):
    number: int = Field(gt=0)


class FindLeads(Command):
    query: str = Field(min_length=1, max_length=200)
    limit: int = Field(default=10, gt=0, le=50)


class MyLeads(Command):
    include_closed: bool = False
    limit: int = Field(default=50, gt=0, le=200)


class AddNote(Command):
    number: int = Field(gt=0)
    text: str = Field(min_length=1, max_length=MAX_ACTIVITY_TEXT)
    request_key: str | None = None


class LogActivity(Command):
    number: int = Field(gt=0)
    kind: ActivityKind
    text: str = Field(default="", max_length=MAX_ACTIVITY_TEXT)
    request_key: str | None = None


class SetReminder(Command):
    number: int = Field(gt=0)
    due_at: datetime
    text: str = Field(default="", max_length=1000)
    request_key: str | None = None
