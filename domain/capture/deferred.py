"""A command acknowledged at once and carried out moments later (the server was busy)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Slack accepts answers on a command's response_url for 30 minutes; later ones go
# to the person's DM instead.
RESPONSE_URL_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class DeferredCommand:
    team_id: str
    request_key: str
    user_id: str
    command: dict[str, Any]  # the parsed command's fields, JSON-able
    response_url: str | None
    received_at: datetime
    id: int | None = None
    attempts: int = 0

    def answer_to(self, now: datetime) -> dict[str, str]:
        """Where the answer goes: the command's response_url while Slack still takes
        it, else the person's DM."""
        if self.response_url and now - self.received_at < RESPONSE_URL_LIFETIME:
            return {"user": self.user_id, "response_url": self.response_url}
        return {"user": self.user_id}
