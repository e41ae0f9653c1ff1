"""Signed JSON webhooks, and the web-form one: a signed JSON lead in, the one capture
pipeline, a JSON answer out. The events webhook (bot/web/event_webhook.py) shares the checks."""
# Transport-agnostic: bot.web.server hands it the raw body and headers.

import json
import logging
import time
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from bot.deps import Deps
from bot.operations.metrics import observe_request
from bot.operations.outage import Budget, database_unavailable
from bot.web.request_context import found_workspace, request_scope
from bot.web.signing import LEGACY_ENDS, SIGNATURE_HEADER, Refused, Scheme, verify_any
from bot.web.webhook_keys import Keyring
from domain.book.tags import split_tags
from domain.capture.validation import explain, unknown_field
from domain.custom_fields import CustomField
from domain.errors import InvalidInput
from domain.lead import PROFILE_FIELDS
from domain.permissions import system_actor
from domain.reporting.forecast import DEAL_FIELDS
from handlers.commands import AddLead, CaptureChannel
from handlers.context import Context
from handlers.operations.replays import REPLAY_WINDOW, claim, key_of, release, settle
from handlers.reporting.export import EXPORT_FIELDS
from handlers.results import LeadCaptured

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a form's lead is a few hundred bytes; more is a mistake or an attack
SENDER = "web form"  # the system actor's name in activities and the audit trail
IN_HAND = "an identical request is being handled right now: retry in a few seconds"

Answer = tuple[int, dict[str, Any]]


class _WebLeadBase(BaseModel):
    """WebLead's identity, and the command it makes; the profile fields (from the lead's own
    list), `team` and `external_id` are added below."""

    # Forms often send phone numbers and ids as JSON numbers.
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, frozen=True)

    name: str | None = None
    email: str | None = None
    phone: str | None = None

    def command(self, custom: dict[str, Any] | None = None) -> AddLead:
        """`custom`: the workspace's own fields as sent, typed values and all (their types
        are the config's to check: domain/custom_fields.py)."""
        fields: dict[str, Any] = {
            key: value for key in (*PROFILE_FIELDS, *DEAL_FIELDS) if (value := getattr(self, key))
        }
        tags = self.tags or ()
        return AddLead(
            name=self.name,
            email=self.email,
            phone=self.phone,
            fields={**fields, **(custom or {})},
            tags=tuple(split_tags(tags)) if isinstance(tags, str) else tags,
            external_id=self.external_id,
            channel=CaptureChannel.WEBHOOK,
            sales_team=self.team,
        )

    def lacks_identity(self) -> bool:
        return not _given(self.name) and not _given(self.email)


WebLead = create_model(
    "WebLead",
    __base__=_WebLeadBase,
    __doc__="""A lead as a web form posts it: the writable fields of the JSON export, every
    profile field of domain/lead.PROFILE among them. Read-only export fields (id, status,
    score, owner...) are ignored, so an export row can be posted back; any other key is
    refused (parse_lead), so a typo never drops a value unseen.""",
    **{key: (str | None, None) for key in (*PROFILE_FIELDS, *DEAL_FIELDS)},
    team=(str | None, None),
    external_id=(str | None, None),
    tags=(tuple[str, ...] | str | None, None),  # ["hot", "enterprise"], or "hot, enterprise"
)


ACCEPTED_FIELDS = frozenset(WebLead.model_fields) | frozenset(EXPORT_FIELDS)


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    problem: str


class BadRequest(Exception):
    """The body is not JSON of the right shape; nothing in it can be trusted to name a field."""


class InvalidFields(Exception):
    """Fields that cannot be used as sent: a 422 naming each of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.field for p in problems))
        self.problems = problems


class SignedWebhook:
    """A signed JSON webhook: refuse what is unsigned, stale, oversized or malformed, answer
    a replay from the request it repeats (handlers/operations/replays.py), then hand the parsed body to
    `accept`. Shared by `/webhooks/leads` and `/webhooks/events`. A request belongs to the
    workspace whose secret signed it (DESIGN.md; bot/web/webhook_keys.py): in single-token mode the
    bot token's, whose secret is LEADBOT_WEBHOOK_SECRET."""

    sender = SENDER  # the system actor's name in activities and the audit trail
    what = "lead"  # named in a 422's error

    def __init__(self, deps: Deps, keyring: Keyring, budget: Budget = nullcontext) -> None:
        self._deps = deps
        self._keyring = keyring
        self._budget = budget  # the sender waits on us as Slack does (bot/listeners/deadline.py)

    def handle(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        with request_scope("webhook", None):
            started = time.perf_counter()
            answer = self._guarded(body, headers)
            observe_request("webhook", answer[0], time.perf_counter() - started)
            log.info("%s webhook answered %d", self.what, answer[0])
            return answer

    def _guarded(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        try:
            with self._budget():
                return self._handle(body, headers)
        except Exception as error:
            if database_unavailable(error):
                log.warning("%s webhook: the database did not answer (%s)", self.what, type(error).__name__)
                return 503, {"error": "the database is not answering: retry later"}
            # The sender gets no stack trace; it should retry, and we read the log.
            log.exception("%s webhook failed", self.what)
            return 500, {"error": "internal error: retry later"}

    def accept(self, data: Any, ctx: Context) -> Answer:
        raise NotImplementedError

    def remember(self, answer: Answer) -> str:
        """What a replay of an accepted request needs to answer as it did (<= 255 characters)."""
        return json.dumps(answer, separators=(",", ":"))

    def replayed(self, remembered: str) -> Answer:
        status, body = json.loads(remembered)
        return status, body

    def context(self, now: datetime, workspace_id: str) -> Context:
        """One instant for the whole request: its signature's age, its replay window, its work."""
        return Context(system_actor(workspace_id, self.sender), now, self._deps.config)

    def _handle(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        if self._keyring.off is not None:
            return 503, {"error": self._keyring.off}
        if len(body) > MAX_BODY:
            return 413, {"error": f"body too large: at most {MAX_BODY} bytes"}
        now = self._deps.clock()
        try:
            workspace_id, scheme = verify_any(self._keyring.secrets(), body, headers, now)
        except Refused as refused:
            log.warning("%s webhook refused: %s", self.what, refused.reason)
            return 401, {"error": str(refused)}
        if scheme is Scheme.LEGACY:
            log.warning(
                "%s webhook signed the deprecated way (%s: sha256= over the body alone, replayable), "
                "taken until %s: sign with X-Leadbot-Timestamp and v1= (see the README)",
                self.what,
                SIGNATURE_HEADER,
                LEGACY_ENDS,
            )
        found_workspace(workspace_id)
        return self._once(body, now, workspace_id)

    def _once(self, body: bytes, now: datetime, workspace_id: str) -> Answer:
        """The work for the first of identical requests in the window; the others are answered
        from it. A refusal or a failure forgets the request, so that a fixed resend is taken."""
        key = key_of(self.what, body)
        earlier = claim(self._deps.uow_factory, workspace_id, key, now)
        if earlier == "":
            return 409, {"error": IN_HAND}
        if earlier is not None:
            log.info(
                "%s webhook: a replay of a request accepted in the last %s; nothing done",
                self.what,
                REPLAY_WINDOW,
            )
            return self.replayed(earlier)
        answer: Answer | None = None
        try:
            answer = self._parse_and_accept(body, self.context(now, workspace_id))
        finally:
            accepted = answer is not None and 200 <= answer[0] < 300
            if not accepted:
                release(self._deps.uow_factory, workspace_id, key)
        if accepted:
            self._keep(workspace_id, key, answer)
        return answer

    def _keep(self, workspace_id: str, key: str, answer: Answer) -> None:
        """Remember an accepted request's answer for its replays. The work is committed, so
        its answer stands even when this fails (a database slowed past the request's budget:
        measured by bench/load.py, a saved lead was answered 503): the request then stays
        "in hand", and an identical one in the window is told to retry (409), never redone."""
        try:
            with self._budget():  # a share of its own: the answer is already decided
                settle(self._deps.uow_factory, workspace_id, key, self.remember(answer))
        except Exception as error:
            if not database_unavailable(error):
                raise
            log.warning(
                "%s webhook: done, but its answer could not be kept for replays (%s)",
                self.what,
                type(error).__name__,
            )

    def _parse_and_accept(self, body: bytes, ctx: Context) -> Answer:
        try:
            return self.accept(json_body(body), ctx)
        except BadRequest as exc:
            return 400, {"error": str(exc)}
        except InvalidFields as exc:
            return 422, invalid(exc.problems, self.what)
        except InvalidInput as exc:
            return 422, invalid([Problem(exc.field, str(exc))], self.what)


class WebhookEndpoint(SignedWebhook):
    """`POST /webhooks/leads`: a web form's lead, captured through the same handler as
    every other channel."""

    def accept(self, data: Any, ctx: Context) -> Answer:
        return answer(self._capture(parse_lead(json_object(data), ctx.config.fields), ctx))

    def _capture(self, command: AddLead, ctx: Context) -> LeadCaptured:
        result = self._deps.dispatch(command, ctx)
        assert isinstance(result, LeadCaptured)  # AddLead's handler answers nothing else
        return result


def json_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly nested arrays
        raise BadRequest(f"the body is not JSON: {exc}") from exc


def json_object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadRequest('the body must be a JSON object of lead fields, e.g. {"name": "Dana Scully"}')
    return data


def parse_lead(data: dict[str, Any], custom: tuple[CustomField, ...] = ()) -> AddLead:
    """A lead's JSON: the export's fields, and each custom field by its key."""
    own = {f.key for f in custom}
    refuse_unknown(data, ACCEPTED_FIELDS | own)
    values = {key: value for key, value in data.items() if key in own and value is not None}
    try:
        lead = WebLead.model_validate({key: value for key, value in data.items() if key not in own})
        if lead.lacks_identity():
            problem = "a lead needs a name or an email"
            raise InvalidFields([Problem("name", problem), Problem("email", problem)])
        return lead.command(values)
    except ValidationError as exc:
        raise InvalidFields(
            [Problem(_field_of(e["loc"]), explain(e, exc.title)) for e in exc.errors()]
        ) from exc


def refuse_unknown(data: dict[str, Any], known: frozenset[str]) -> None:
    """A key we do not know is most often a typo ("compnay"): refused, naming the field meant."""
    unknown = [key for key in data if key not in known]
    if unknown:
        raise InvalidFields([Problem(key, unknown_field(key, known)) for key in unknown])


def _field_of(loc: tuple[int | str, ...]) -> str:
    """The webhook's name for a field, from either model's error location."""
    if loc[:1] == ("fields",) and len(loc) > 1:  # AddLead keeps profile fields in a dict
        return str(loc[1])
    return {"sales_team": "team"}.get(str(loc[0]), str(loc[0])) if loc else "body"


def invalid(problems: list[Problem], what: str = "lead") -> dict[str, Any]:
    fields = [{"field": p.field, "problem": p.problem} for p in problems]
    return {"error": f"invalid {what}", "fields": fields}


def answer(result: LeadCaptured) -> Answer:
    duplicate = result.duplicate.lead.ref if result.duplicate else None
    status = 201 if result.outcome == "created" else 200
    return status, {"id": result.lead.ref, "outcome": result.outcome, "duplicate_of": duplicate}


def _given(value: str | None) -> bool:
    return bool(value and value.strip())
