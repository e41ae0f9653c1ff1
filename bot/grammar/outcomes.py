"""What parsing a `/lead` line can give besides a command: help, or a form to open."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.custom_fields import CustomField
from handlers.commands import Command


@dataclass(frozen=True, slots=True)
class ParseEnv:
    """What a line is read against: `now` and the person's zone for times, and the request's
    key, which commands that change something carry so a re-sent request changes it once."""

    now: datetime
    tz: ZoneInfo
    request_key: str | None = None
    fields: tuple[CustomField, ...] = ()  # the workspace's custom fields: list filters by key


@dataclass(frozen=True, slots=True)
class HelpRequested:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class OpenCaptureForm:
    """`/lead add` alone: the person wants the capture form rather than a one-liner."""


@dataclass(frozen=True, slots=True)
class OpenQualifyForm:
    """`/lead qualify L-12` with no answers: the person wants the qualification form."""

    number: int


@dataclass(frozen=True, slots=True)
class OpenImportForm:
    """`/lead import`: the upload form (a CSV is attached there, not named)."""


Parsed = Command | HelpRequested | OpenCaptureForm | OpenQualifyForm | OpenImportForm
