"""Every /lead subcommand, button, form and event, sent four times as the identical signed
request (copies 2-4 with Slack's retry headers): one effect, and no copy refused.

Slack re-sends an event whose ack was late; a double click or a client's re-send of a command
or click looks the same. Each case names the request, what its first copy must change (rows
added to the tables named, calls to Slack) and the world it starts from. The test checks that
copies 2-4 change no row and call Slack for nothing but answering again, with the first
answer or, where the case says so, a confirmation that it was done already."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from resend_support import Copy, Rows, added, rows, send_copy, settle
from routing_support import EMEA_CHANNEL, routing_data
from support import ANN, BEN, MIA, context_of

from bot.ids import ROUTING_BLOCK_PREFIX, ActionId, CallbackId, FollowupAction, ImportInput, RoutingAction
from bot.local.standin.signer import SignedRequest
from bot.local.standin.workspace import LocalWorkspace
from domain.config import parse_config
from domain.routing.assignment import Decision
from handlers.commands import AddLead, CaptureChannel, DecideRouting
from handlers.registry import dispatch

CADENCE = {"name": "new-lead", "steps": [{"day": 2, "channel": "email", "template": "Intro email to {name}"}]}
ON_A_MESSAGE = {"type": "message", "ts": "1700000000.000100", "text": "", "blocks": []}


@pytest.fixture
def config():
    """EMEA (mia manages ann and ben) lets reps claim; imported leads are routed; one cadence."""
    data = {**routing_data(claim_allowed=True), "cadences": [CADENCE], "default_cadence": "new-lead"}
    return parse_config(data, "test")


@dataclass
class World:
    """What a case works with, and what its setup found (a file shared in Slack...)."""

    slack: LocalWorkspace
    runtime: Any
    found: dict[str, Any] = field(default_factory=dict)

    def slash(self, user: str, text: str) -> SignedRequest:
        return self.slack.signer.slash_command(
            team_id=self.slack.team_id,
            user_id=user,
            text=text,
            channel_id=EMEA_CHANNEL,
            response_url=self.slack.fake.response_url("command"),
        )

    def click(self, user: str, action_id: str, value: str, **where: Any) -> SignedRequest:
        """A button on an ephemeral message, unless `message` names the message it is on."""
        return self.slack.signer.block_action(
            team_id=self.slack.team_id,
            user_id=user,
            action_id=action_id,
            value=value,
            response_url=self.slack.fake.response_url("action"),
            **{"channel_id": EMEA_CHANNEL, "message": None, **where},
        )

    def submit(self, user: str, callback_id: str, values: dict[str, Any], metadata: str) -> SignedRequest:
        return self.slack.signer.view_submission(
            team_id=self.slack.team_id,
            user_id=user,
            callback_id=callback_id,
            values=values,
            private_metadata=metadata,
            view_id="V0FORM",
        )

    def opened_view(self) -> dict[str, Any]:
        return self.slack.fake.calls_to("views.open")[-1].params["view"]


Request = Callable[[World], SignedRequest]


def slash(user: str, text: str) -> Request:
    return lambda w: w.slash(user, text)


def click(user: str, action_id: str, value: str = "1", **where: Any) -> Request:
    return lambda w: w.click(user, action_id, value, **where)


def on_dm(action_id: str) -> Request:
    """A follow-up button on the DM of reminder 1, ann's."""
    return click(ANN, action_id, "1", channel_id="D0REP0ANN", message=ON_A_MESSAGE)


def on_proposal(action_id: str, **pick: Any) -> Request:
    """A manager's control on proposal 1 in the team channel."""
    return click(MIA, action_id, "1", block_id=f"{ROUTING_BLOCK_PREFIX}1", message=ON_A_MESSAGE, **pick)


def event(body: dict[str, Any]) -> Request:
    return lambda w: w.slack.signer.event(team_id=w.slack.team_id, event=body)


def capture_submit(w: World) -> SignedRequest:
    view = w.opened_view()
    values = {"lead.form.name": {"lead.form.name": "Fox Mulder"}}
    return w.submit(ANN, view["callback_id"], values, view["private_metadata"])


def qualify_submit(w: World) -> SignedRequest:
    view = w.opened_view()
    answers = {"lead.qualify.budget": {"lead.qualify.budget": "yes"}}
    return w.submit(ANN, view["callback_id"], answers, view["private_metadata"])


def import_submit(w: World) -> SignedRequest:
    values = {
        ImportInput.FILE: {ImportInput.FILE: {"type": "file_input", "files": [w.found["file"]]}},
        ImportInput.DRY_RUN: {ImportInput.DRY_RUN: {"type": "checkboxes", "selected_options": []}},
    }
    return w.submit(MIA, CallbackId.IMPORT_FORM, values, "")


def shortcut(w: World) -> SignedRequest:
    message = {"type": "message", "user": BEN, "ts": "1700000000.000300", "text": "Dana Scully dana@fbi.gov"}
    return w.slack.signer.message_shortcut(
        team_id=w.slack.team_id,
        user_id=ANN,
        callback_id=CallbackId.FROM_MESSAGE,
        message=message,
        channel_id=EMEA_CHANNEL,
        response_url=w.slack.fake.response_url("shortcut"),
    )


def in_ten_days() -> str:
    return str((datetime.now(UTC) + timedelta(days=10)).date())


# --- the worlds cases start from -------------------------------------------------------


Given = Callable[[World], None]


def nothing(w: World) -> None:
    pass


def ann_typed(*commands: str, first: Given = nothing) -> Given:
    """The world after `first`'s, where ann then typed these /lead commands."""

    def given(w: World) -> None:
        first(w)
        for text in commands:
            w.slack.slash(ANN, text)

    return given


a_lead = ann_typed("add Dana Scully dana@fbi.gov company:FBI")  # L-1, ann's
contacted = ann_typed("log L-1 call", first=a_lead)
a_reminder = ann_typed("remind L-1 in 2 hours call back", first=a_lead)  # reminder 1, ann's
lost = ann_typed("lost L-1 price", first=a_lead)
enrolled = ann_typed("nurture L-1", first=a_lead)
# L-2 flagged as a likely duplicate of L-1, both ann's; then merged into it.
two_alike = ann_typed(
    'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"',
    'add Jon Smithers +1 202 555 0143 company:"ACME Corp."',
)
merged = ann_typed("merge L-2 into L-1", first=two_alike)
# L-1 converted; L-2 alike it, from another address.
customer_back = ann_typed(
    'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"',
    "log L-1 call",
    "convert L-1 value:2500",
    'add Jon Smithers jon.s@gmail.com company:"ACME Corp."',
)
capture_form_open = ann_typed("add")
qualify_form_open = ann_typed("qualify L-1", first=a_lead)


def a_proposal(w: World) -> None:
    """L-1 imported (nobody's) and routed to EMEA: proposal 1 waits for mia in the team channel."""
    fields = {"country": "DE", "product": "X"}
    lead = AddLead(name="Greta Gruber", fields=fields, channel=CaptureChannel.IMPORT)
    dispatch(lead, w.runtime.uow_factory(), context_of(w.runtime.config, MIA, now=datetime.now(UTC)))


def unowned(w: World) -> None:
    """L-1 nobody's and not proposed: its proposal was rejected."""
    a_proposal(w)
    mia = context_of(w.runtime.config, MIA, now=datetime.now(UTC))
    dispatch(DecideRouting(assignment_id=1, decision=Decision.REJECT), w.runtime.uow_factory(), mia)


def a_file(w: World) -> None:
    w.found["file"] = w.slack.fake.share_file("leads.csv", b"Name,Email\nJon Smithers,jon@acme.example\n")


# --- the cases --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    request: Request  # built once, sent four times
    effect: dict[str, int] | None  # rows the first copy adds to these tables; None: writes nothing
    given: Given = nothing
    calls: dict[str, int] = field(default_factory=dict)  # what the first copy has Slack do
    # What a repeat says when it does not give the first answer again: that it was done
    # already (never a refusal). None: the first answer, word for word.
    repeat_says: str | None = None


READ_ONLY = None
POSTED = {"chat.postMessage": 1}

COMMANDS = [
    # One lead (a rep's own capture: no announcement).
    Case("add", slash(ANN, "add Fox Mulder fox@fbi.gov"), {"leads": 1}, repeat_says="already L-1"),
    # The capture form opens (views.open, the answer); nothing is stored until its submit.
    Case("add alone", slash(ANN, "add"), READ_ONLY),
    Case("show", slash(ANN, "show L-1"), READ_ONLY, a_lead),
    Case("find", slash(ANN, "find dana"), READ_ONLY, a_lead),
    Case("mine", slash(ANN, "mine"), READ_ONLY, a_lead),
    Case("tasks", slash(ANN, "tasks"), READ_ONLY, a_reminder),
    Case("score", slash(ANN, "score L-1"), READ_ONLY, a_lead),
    Case("report", slash(MIA, "report"), READ_ONLY, a_lead),
    Case("help", slash(ANN, "help"), READ_ONLY),
    Case("help topic", slash(ANN, "help remind"), READ_ONLY),
    Case("route dry run", slash(MIA, "route L-1 --dry-run"), READ_ONLY, unowned),
    # The qualification form opens, filled with the latest answers.
    Case("qualify alone", slash(ANN, "qualify L-1"), READ_ONLY, a_lead),
    # The import form opens.
    Case("import", slash(MIA, "import"), READ_ONLY),
    # One note on the timeline, one audit entry.
    Case(
        "note",
        slash(ANN, "note L-1 wants a demo"),
        {"activities": 1, "audit_log": 1},
        a_lead,
        repeat_says="Already logged that note",
    ),
    # One call on the timeline (the lead becomes contacted).
    Case(
        "log",
        slash(ANN, "log L-1 call left a voicemail"),
        {"activities": 1, "audit_log": 1},
        a_lead,
        repeat_says="Already logged that call",
    ),
    # One reminder.
    Case("remind", slash(ANN, "remind L-1 in 2 hours call back"), {"reminders": 1}, a_lead),
    # One qualification record.
    Case(
        "qualify",
        slash(ANN, "qualify L-1 budget:yes"),
        {"lead_qualifications": 1, "audit_log": 1},
        a_lead,
        repeat_says="Already saved that qualification",
    ),
    # Converted once: one contact (and an audit entry for it and for the lead).
    Case(
        "convert",
        slash(ANN, "convert L-1 value:100"),
        {"contacts": 1, "audit_log": 2},
        contacted,
        repeat_says="Already done",
    ),
    # Lost once; reopened once.
    Case("lost", slash(ANN, "lost L-1 price"), {"audit_log": 1}, a_lead, repeat_says="Already done"),
    Case("reopen", slash(ANN, "reopen L-1"), {"audit_log": 1}, lost, repeat_says="Already done"),
    # A conversion chance set by hand, once.
    Case(
        "probability",
        slash(ANN, "probability L-1 70"),
        {"lead_probabilities": 1, "audit_log": 1},
        a_lead,
        repeat_says="Already done",
    ),
    # One proposal, posted once to the team channel.
    Case("route", slash(MIA, "route L-1"), {"lead_assignments": 1, "outbox_messages": 1}, unowned, POSTED),
    # One assignment, one "is yours now" DM to ben and one to ann, whose lead it was.
    Case(
        "assign",
        slash(MIA, f"assign L-1 <@{BEN}|ben>"),
        {"lead_assignments": 1, "audit_log": 1, "outbox_messages": 2},
        a_lead,
        {"chat.postMessage": 2},
    ),
    # One assignment to ann, and one note of it in the team channel.
    Case("claim", slash(ANN, "claim L-1"), {"lead_assignments": 1, "outbox_messages": 1}, unowned, POSTED),
    # One absence; back ends it (here none was set: nothing changes).
    Case("ooo", slash(ANN, f"ooo until {in_ten_days()}"), {"rep_absences": 1}),
    Case("back", slash(ANN, "back"), READ_ONLY),
    # One enrolment and the follow-up of its one step.
    Case(
        "nurture",
        slash(ANN, "nurture L-1"),
        {"cadence_enrollments": 1, "reminders": 1},
        a_lead,
        repeat_says="already enrolled",
    ),
    # The enrolment stopped once: one timeline entry.
    Case("nurture stop", slash(ANN, "nurture L-1 stop"), {"activities": 1, "audit_log": 1}, enrolled),
    # One merge.
    Case(
        "merge", slash(ANN, "merge L-2 into L-1"), {"lead_merges": 1}, two_alike, repeat_says="already merged"
    ),
    # The merge undone once.
    Case("unmerge", slash(MIA, "unmerge L-2"), {"audit_log": 1}, merged),
]

BUTTONS = [
    Case("lead.show", click(ANN, ActionId.SHOW), READ_ONLY, a_lead),
    # One call logged.
    Case(
        "lead.log_call",
        click(ANN, ActionId.LOG_CALL),
        {"activities": 1},
        a_lead,
        repeat_says="Already logged that call",
    ),
    # One reminder for tomorrow morning; one in an hour.
    Case("lead.remind_tomorrow", click(ANN, ActionId.REMIND_TOMORROW), {"reminders": 1}, a_lead),
    Case("reminder.snooze_hour", click(ANN, ActionId.SNOOZE_HOUR, "1:call"), {"reminders": 1}, a_lead),
    # One merge.
    Case(
        "lead.duplicate.merge",
        click(ANN, ActionId.MERGE, "2:1"),
        {"lead_merges": 1},
        two_alike,
        repeat_says="already merged",
    ),
    # The likely-duplicate flag cleared once.
    Case("lead.duplicate.keep_both", click(ANN, ActionId.KEEP_BOTH, "2"), {"audit_log": 1}, two_alike),
    # L-2 linked once as the customer's next cycle.
    Case(
        "lead.duplicate.link_returning",
        click(ANN, ActionId.LINK_RETURNING, "2"),
        {"activities": 1},
        customer_back,
        repeat_says="already linked",
    ),
    # The merge undone once.
    Case("lead.merge.undo", click(MIA, ActionId.UNDO_MERGE, "2"), {"audit_log": 1}, merged),
    # The reminder done, or pushed back, once (its DM updated in place: the answer).
    Case("reminder.done", on_dm(FollowupAction.DONE), {"audit_log": 1}, a_reminder),
    Case("reminder.snooze.hour", on_dm(FollowupAction.SNOOZE_HOUR), {"audit_log": 1}, a_reminder),
    Case("reminder.snooze.tomorrow", on_dm(FollowupAction.SNOOZE_TOMORROW), {"audit_log": 1}, a_reminder),
    Case("reminder.snooze.next_week", on_dm(FollowupAction.SNOOZE_NEXT_WEEK), {"audit_log": 1}, a_reminder),
    # One call logged from the reminder.
    Case("reminder.log_call", on_dm(FollowupAction.LOG_CALL), {"activities": 1}, a_reminder),
    # The proposal decided once: the lead given, the proposal updated, the rep told.
    Case(
        "routing.approve",
        on_proposal(RoutingAction.APPROVE),
        {"audit_log": 1, "outbox_messages": 2},
        a_proposal,
        {"chat.postMessage": 2},
    ),
    Case(
        "routing.reassign",
        on_proposal(RoutingAction.REASSIGN, selected_user=BEN),
        {"audit_log": 1, "outbox_messages": 2},
        a_proposal,
        {"chat.postMessage": 2},
    ),
    # Rejected once: the proposal updated.
    Case("routing.reject", on_proposal(RoutingAction.REJECT), {"outbox_messages": 1}, a_proposal, POSTED),
]

FORMS = [
    # One lead from the capture form.
    Case("capture form", capture_submit, {"leads": 1}, capture_form_open, repeat_says="already L-1"),
    # One qualification record from its form.
    Case(
        "qualify form",
        qualify_submit,
        {"lead_qualifications": 1},
        qualify_form_open,
        repeat_says="Already saved that qualification",
    ),
    # One import: one DM with its result, and one summary in the team channel.
    Case("import form", import_submit, {"leads": 1, "audit_log": 1}, a_file, {"chat.postMessage": 2}),
    # The capture form opens, prefilled from the message.
    Case("message shortcut", shortcut, READ_ONLY),
]

EVENTS = [
    # The Home tab published once.
    Case(
        "app_home_opened",
        event({"type": "app_home_opened", "user": ANN, "tab": "home"}),
        {},
        a_lead,
        {"views.publish": 1},
    ),
    # One reply in the mention's thread.
    Case(
        "app_mention",
        event({"type": "app_mention", "user": ANN, "channel": EMEA_CHANNEL, "ts": "1700000000.000200"}),
        {"outbox_messages": 1},
        calls=POSTED,
    ),
]


@pytest.mark.slack_unlimited  # the same request four times in a moment: about one effect, not pacing
@pytest.mark.parametrize("case", COMMANDS + BUTTONS + FORMS + EVENTS, ids=lambda case: case.id)
def test_a_request_sent_four_times_has_one_effect(case, slack, runtime):
    world = World(slack, runtime)
    case.given(world)
    settle(runtime)
    request = case.request(world)
    start = rows(runtime.engine)

    first = send_copy(slack, runtime, request)
    after_first = rows(runtime.engine)
    repeats = [send_copy(slack, runtime, request, retry) for retry in (1, 2, 3)]

    assert not first.is_error, first.answer
    assert_effect(case, start, after_first)
    assert {method: first.effects[method] for method in case.calls} == case.calls
    assert rows(runtime.engine) == after_first, added(after_first, rows(runtime.engine))
    for again in repeats:
        assert again.effects == Counter()
        assert not again.is_error, again.answer
    if case.effect is not READ_ONLY:  # a read answers with what is there now (a report: until now)
        assert_same_answer(case, first, repeats)


def assert_effect(case: Case, start: Rows, after: Rows) -> None:
    if case.effect is READ_ONLY:
        assert after == start, added(start, after)
        return
    found = added(start, after)
    assert {table: found.get(table, 0) for table in case.effect} == case.effect


def assert_same_answer(case: Case, first: Copy, repeats: list[Copy]) -> None:
    assert all(again.answer == repeats[0].answer for again in repeats)
    if case.repeat_says is None:
        assert repeats[0].answer == first.answer
    else:
        assert case.repeat_says in str(repeats[0].answer)
