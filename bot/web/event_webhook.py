"""`POST /webhooks/events`: signed engagement events (an email opened, a pricing page
visited, a webinar attended...) matched to leads by email and scored."""
# Signature, body limit and the 400/401/413/422 answers are bot.web.webhooks.SignedWebhook's.

import logging
import threading
from typing import Any

from pydantic import ValidationError

from bot.web.webhooks import Answer, BadRequest, InvalidFields, Problem, SignedWebhook
from domain.capture.validation import explain
from handlers.commands import EngagementIn, RecordEngagement
from handlers.context import Context
from handlers.results import EngagementRecorded

log = logging.getLogger(__name__)

# The names an event's fields may be sent under, aliases too: an unknown one is matched against them.
EVENT_FIELDS = frozenset(
    name
    for key, field in EngagementIn.model_fields.items()
    for name in (key, *getattr(field.validation_alias, "choices", ()))
    if isinstance(name, str)
)
EXAMPLE = '{"email": "dana@fbi.gov", "event": "page_visited", "url": "https://acme.com/pricing"}'


class EventsEndpoint(SignedWebhook):
    """One event as a JSON object, or several as an array of them (up to 500 a request).
    The answer counts what happened to them; events whose email matches no lead create
    nothing and are counted as unknown, in the answer and in this process's running total
    (logged), so an operator sees a sender that posts for people we do not know."""

    sender = "events webhook"
    what = "event"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self.unknown_total = 0

    def accept(self, data: Any, ctx: Context) -> Answer:
        result = self._deps.dispatch(parse_events(data), ctx)
        assert isinstance(result, EngagementRecorded)
        self._count(result)
        return 200, {
            "received": result.received,
            "matched": result.matched,
            "unknown": result.unknown,
            "duplicates": result.duplicates,
            "leads": list(result.leads),
        }

    def remember(self, answer: Answer) -> str:
        return str(answer[1]["received"])

    def replayed(self, remembered: str) -> Answer:
        """Every event of a replayed body is one already taken: counted as a duplicate."""
        received = int(remembered)
        return 200, {"received": received, "matched": 0, "unknown": 0, "duplicates": received, "leads": []}

    def _count(self, result: EngagementRecorded) -> None:
        if not result.unknown:
            return
        with self._lock:
            self.unknown_total += result.unknown
            total = self.unknown_total
        log.warning("events webhook: %d event(s) for unknown emails (%d since start)", result.unknown, total)


def parse_events(data: Any) -> RecordEngagement:
    """A JSON object (one event) or an array of them, validated whole: one bad event
    refuses the request, so a sender can fix it and resend without doubling the rest."""
    single = isinstance(data, dict)
    events = [data] if single else data
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise BadRequest(f"the body must be a JSON event object or an array of them, e.g. {EXAMPLE}")
    try:
        return RecordEngagement.model_validate({"events": events})
    except ValidationError as exc:
        # A bad event also leaves the list "too short" after validation: name only the event.
        errors = [e for e in exc.errors() if len(e["loc"]) > 1] or exc.errors()
        problems = [Problem(_field_of(e["loc"], single), explain(e, exc.title, EVENT_FIELDS)) for e in errors]
        raise InvalidFields(problems) from exc


def _field_of(loc: tuple[int | str, ...], single: bool) -> str:
    """`email` for a single event, `2.email` for the third of an array."""
    path = [str(part) for part in loc[1:]]  # drop the command's "events"
    if single and path:
        path = path[1:]
    return ".".join(path) or "body"
