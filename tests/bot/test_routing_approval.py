"""Routing through the real Bolt app: a web-form lead from Germany for product X is
proposed in the EMEA channel with its reason; a manager's Approve assigns it, updates the
message at the ts the outbox recorded, replies in its thread and DMs the rep; a rep's click
is refused; a double click and a late second decider get one decision."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from routing_support import EMEA_CHANNEL, routing_config, signed
from sqlalchemy.orm import Session
from support import ADA, ANN, BEN, MIA, context_of, run_paced, wait_for_calls

from bot.bootstrap import build_runtime
from bot.local.standin.workspace import Button, buttons_in
from handlers.commands import AddLead, CaptureChannel
from handlers.registry import dispatch
from store.tables import AssignmentRow, LeadRow, OutboxRow

SECRET = "test-webhook-secret"
GRETA = {"name": "Greta <!channel> Gruber", "email": "greta@example.de", "country": "Germany", "product": "X"}


@pytest.fixture
def config():
    return routing_config()


@pytest.fixture
def runtime(settings, config):
    built = build_runtime(settings.model_copy(update={"leadbot_webhook_secret": SecretStr(SECRET)}), config)
    yield built
    built.app.listener_runner.listener_executor.shutdown(wait=True)
    built.engine.dispose()


def web_form(runtime, lead: dict) -> int:
    status, _ = runtime.webhook.handle(*signed(lead, SECRET))
    return status


# deliver() runs the pacing job a second a pass on a clock of its own; Slack's limits run on
# the real one, so at the hours a team digest shares the channel they would refuse the rest.
pytestmark = pytest.mark.slack_unlimited


def deliver(runtime) -> None:
    run_paced(runtime.run_jobs, datetime.now(UTC))  # a decision follows its proposal a second later


def posts(fake_slack) -> list[dict]:
    """Every post but the teams' daily digests, which fall due whenever the suite happens
    to run during working hours."""
    made = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    return [post for post in made if not post["text"].startswith("📊")]


def posts_to(fake_slack, channel: str) -> list[dict]:
    return [post for post in posts(fake_slack) if post["channel"] == channel]


def as_delivered(runtime, fake_slack) -> tuple[dict, str]:
    """The proposal as Slack holds it: its ts (as the outbox recorded it) and blocks."""
    with Session(runtime.engine) as session:
        row = session.scalars(sa.select(OutboxRow).where(OutboxRow.kind == "routing_proposal")).one()
    [post] = posts_to(fake_slack, EMEA_CHANNEL)
    return {"ts": row.slack_ts, "text": post["text"], "blocks": post["blocks"]}, str(row.slack_channel)


@pytest.fixture
def proposal(runtime, fake_slack):
    assert web_form(runtime, GRETA) == 201
    deliver(runtime)
    return as_delivered(runtime, fake_slack)


def approve(message: dict) -> Button:
    return next(b for b in buttons_in(message["blocks"]) if b.label == "Approve")


def owner_of(runtime, number: int = 1) -> str | None:
    with Session(runtime.engine) as session:
        return session.scalars(sa.select(LeadRow.owner_id).where(LeadRow.number == number)).one()


def test_a_lead_from_germany_for_product_x_is_proposed_in_the_emea_channel_with_the_reason(proposal):
    message, channel = proposal
    shown = json.dumps(message["blocks"])
    assert channel == EMEA_CHANNEL
    assert "Matched rule *EMEA-enterprise*" in shown
    assert f"<@{ANN}> has 0 of 50 open" in shown and f"<@{BEN}> has 0 of 50 open" in shown
    assert "Proposed: <@" in shown
    assert [b.label for b in buttons_in(message["blocks"])] == ["Approve", "Reject"]
    assert '"type": "users_select"' in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown


def test_a_managers_approve_assigns_updates_the_message_replies_in_the_thread_and_dms_the_rep(
    slack, runtime, fake_slack, proposal
):
    message, channel = proposal
    slack.click(MIA, approve(message), message=message, channel_id=channel)
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    deliver(runtime)

    rep = owner_of(runtime)
    assert rep in (ANN, BEN)
    [update] = [c.params for c in fake_slack.calls_to("chat.update")]
    assert (update["channel"], update["ts"]) == (channel, message["ts"])
    assert f"Approved by <@{MIA}>: <@{rep}> owns L-1" in json.dumps(update["blocks"])
    assert buttons_in(update["blocks"]) == []
    [reply] = [p for p in posts_to(fake_slack, channel) if p.get("thread_ts")]
    assert reply["thread_ts"] == message["ts"] and f"<@{rep}> owns L-1" in reply["text"]
    [dm] = [c.params for c in fake_slack.calls_to("conversations.open")]
    assert dm["users"] == rep
    assert any("is yours now" in p["text"] for p in posts_to(fake_slack, "D" + rep[1:]))


def test_a_reps_click_on_approve_is_refused_and_changes_nothing(slack, runtime, fake_slack, proposal):
    message, channel = proposal
    slack.click(ANN, approve(message), message=message, channel_id=channel)

    [answer] = [c.params for c in wait_for_calls(fake_slack, "response_url")]
    assert answer["response_type"] == "ephemeral" and "Only a manager of EMEA" in answer["text"]
    deliver(runtime)
    assert owner_of(runtime) is None and fake_slack.calls_to("chat.update") == []


def test_a_double_click_approves_once_and_a_later_decider_is_told_who_decided(
    slack, runtime, fake_slack, proposal
):
    message, channel = proposal
    slack.click(MIA, approve(message), message=message, channel_id=channel)
    slack.click(MIA, approve(message), message=message, channel_id=channel)  # the same request
    slack.click(ADA, approve(message), message=message, channel_id=channel)  # an admin, too late
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    deliver(runtime)

    # mia's second click answers as her first did: by the proposal's update, with no word of
    # its own; only ada hears that it was decided before her.
    [answer] = [c.params for c in fake_slack.calls_to("response_url")]
    assert f"Already decided: approved by <@{MIA}>" in answer["text"]
    assert len(fake_slack.calls_to("chat.update")) == 1
    assert len(fake_slack.calls_to("conversations.open")) == 1
    with Session(runtime.engine) as session:
        [row] = session.scalars(sa.select(AssignmentRow)).all()
    assert (row.state, row.decided_by) == ("approved", MIA)


def test_reassign_picks_another_rep_and_reject_leaves_the_lead_in_the_pool(slack, runtime, fake_slack):
    for email in ("a@example.de", "b@example.de"):
        assert web_form(runtime, {**GRETA, "email": email}) == 201
    deliver(runtime)
    proposals = posts_to(fake_slack, EMEA_CHANNEL)
    first, second = ({"ts": None, "blocks": p["blocks"]} for p in proposals)
    picker = next(b for b in first["blocks"] if b["type"] == "actions")
    reassign = Button("routing.reassign", "", "Reassign", picker["block_id"])

    slack.click(MIA, reassign, message=first, channel_id=EMEA_CHANNEL, selected_user=BEN)
    reject = next(b for b in buttons_in(second["blocks"]) if b.label == "Reject")
    slack.click(MIA, reject, message=second, channel_id=EMEA_CHANNEL)
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)

    assert (owner_of(runtime, 1), owner_of(runtime, 2)) == (BEN, None)


def test_a_lead_no_rule_matches_goes_to_the_fallback_team(runtime, fake_slack):
    assert web_form(runtime, {"name": "Sam Lee", "email": "sam@example.com", "country": "US"}) == 201
    deliver(runtime)

    [post] = posts(fake_slack)
    assert post["channel"] == "C0NASALES" and "No rule matched → North America" in json.dumps(
        post["blocks"], ensure_ascii=False
    )


def test_the_team_approves_by_itself_after_its_minutes_have_passed(settings, fake_slack):
    """An imported lead is proposed and nobody decides; the tick after 30 minutes approves it."""
    runtime = build_runtime(settings, routing_config(auto_approve_after_minutes=30))
    try:
        ctx = context_of(runtime.config, MIA, now=datetime.now(UTC))
        otto = AddLead(name="Otto", fields={"country": "DE", "product": "X"}, channel=CaptureChannel.IMPORT)
        dispatch(otto, runtime.uow_factory(), ctx)
        assert runtime.run_jobs(ctx.now + timedelta(minutes=29))["proposals_auto_approved"] == 0
        assert runtime.run_jobs(ctx.now + timedelta(minutes=31))["proposals_auto_approved"] == 1
        # a team digest may share the channel's pace, at the hour the suite runs
        run_paced(runtime.run_jobs, ctx.now + timedelta(minutes=31, seconds=1))
        [update] = fake_slack.calls_to("chat.update")
        assert "Approved automatically" in update.params["text"]
        assert len(fake_slack.calls_to("conversations.open")) == 1  # the rep's DM
    finally:
        runtime.engine.dispose()
