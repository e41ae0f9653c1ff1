"""Speed-to-lead through the real Bolt app, the stand-in Slack and the scheduler jobs: a
routed, approved lead that nobody works breaches its first-contact SLA inside the team's
working hours only (not overnight, not over a weekend) and the escalation lands in the
proposal's thread, mentioning the managers; a contact in time, or a second tick, changes
that; a team that re-routes on breach gives the lead to the next rep."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from pydantic import SecretStr
from routing_support import EMEA_CHANNEL, routing_data, signed
from sqlalchemy.orm import Session
from support import ANN, BEN, MIA, run_paced

from bot.bootstrap import Runtime, build_runtime, run_jobs_once
from bot.local.standin.workspace import buttons_in
from domain.config import CONSOLE_WORKSPACE, parse_config
from handlers.routing.sla import speed_figures
from store.tables import LeadRow, OutboxRow

# A fake clock: its hours pass in milliseconds, which Slack's own limits would refuse.
pytestmark = pytest.mark.slack_unlimited

SECRET = "test-webhook-secret"
MAX = "U0MGR0MAX"
GRETA = {"name": "Greta Gruber", "email": "greta@example.de", "country": "Germany", "product": "X"}
# EMEA works 08:00-18:00 Monday to Friday in Berlin (UTC+1 in November).
MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 Berlin
MONDAY_1730 = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)
FRIDAY_1730 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@contextmanager
def emea_runtime(settings, **routing) -> Iterator[Runtime]:
    data = routing_data(first_contact_sla_minutes=60, **routing)
    data["teams"][1]["managers"] = [MIA, MAX]
    config = parse_config(data, origin="test")
    built = build_runtime(settings.model_copy(update={"leadbot_webhook_secret": SecretStr(SECRET)}), config)
    try:
        yield built
    finally:
        built.app.listener_runner.listener_executor.shutdown(wait=True)
        built.engine.dispose()


@pytest.fixture
def runtime(settings) -> Iterator[Runtime]:
    with emea_runtime(settings) as built:
        yield built


def owner_of(runtime: Runtime) -> str | None:
    with Session(runtime.engine) as session:
        return session.scalars(sa.select(LeadRow.owner_id).where(LeadRow.number == 1)).one()


def proposal_ts(runtime: Runtime) -> str:
    with Session(runtime.engine) as session:
        row = session.scalars(sa.select(OutboxRow).where(OutboxRow.kind == "routing_proposal")).one()
    return str(row.slack_ts)


def route_and_approve(slack, runtime, fake_slack, at: datetime, captured: timedelta = 12 * MINUTE) -> str:
    """A web-form lead proposed in the EMEA channel `captured` before `at`, approved by mia
    at `at`; returns the rep who owns it."""
    with time_machine.travel(at - captured, tick=True):
        status, _ = runtime.webhook.handle(*signed(GRETA, SECRET))
        assert status == 201
        runtime.run_jobs(at - captured)
    [post] = [c.params for c in fake_slack.calls_to("chat.postMessage") if "Approve" in json.dumps(c.params)]
    message = {"ts": proposal_ts(runtime), "blocks": post["blocks"]}
    approve = next(b for b in buttons_in(post["blocks"]) if b.label == "Approve")
    with time_machine.travel(at, tick=False):  # approved at `at` exactly: the deadline is exact
        slack.click(MIA, approve, message=message, channel_id=EMEA_CHANNEL)
        rep = wait_for_owner(runtime)
    run_paced(runtime.run_jobs, at)  # the decision, its thread reply and the DM, a second apart
    return rep


def wait_for_owner(runtime: Runtime, timeout: float = 5.0) -> str:
    """The click is decided after its ack, on Bolt's thread pool: wait (bounded) for it."""
    deadline = time.monotonic() + timeout
    while (rep := owner_of(runtime)) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rep is not None, "the approval did not land"
    return rep


def escalations(fake_slack) -> list[dict]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["text"].startswith("⏰")]


def breaches_at(runtime: Runtime, at: datetime) -> int:
    return runtime.run_jobs(at)["sla_breaches"]


def test_an_unworked_lead_breaches_at_its_deadline_and_the_thread_is_told_with_the_managers(
    slack, runtime, fake_slack
):
    rep = route_and_approve(slack, runtime, fake_slack, MONDAY_10)

    assert breaches_at(runtime, MONDAY_10 + 60 * MINUTE - timedelta(seconds=1)) == 0
    assert escalations(fake_slack) == []
    assert breaches_at(runtime, MONDAY_10 + 60 * MINUTE) == 1

    [told] = escalations(fake_slack)
    assert (told["channel"], told["thread_ts"]) == (EMEA_CHANNEL, proposal_ts(runtime))
    assert told["text"].startswith(
        f"⏰ L-1 Greta Gruber not contacted within 60 working minutes by <@{rep}> — <@{MIA}> <@{MAX}>"
    )
    assert breaches_at(runtime, MONDAY_10 + 2 * 60 * MINUTE) == 0
    assert len(escalations(fake_slack)) == 1
    card = json.dumps(slack.slash(MIA, "show L-1").body, ensure_ascii=False)
    assert "Assigned in 12 min · not contacted yet (SLA 60 min: breached)" in card


def test_the_next_digest_lists_the_breach_with_the_late_rep(slack, runtime, fake_slack):
    rep = route_and_approve(slack, runtime, fake_slack, MONDAY_10)
    breaches_at(runtime, MONDAY_10 + 60 * MINUTE)
    runtime.run_jobs(datetime(2026, 11, 24, 7, 30, tzinfo=UTC))  # Tuesday 08:30 Berlin

    posts = fake_slack.calls_to("chat.postMessage")
    [tuesday] = [c.params for c in posts if "digest · 2026-11-24" in c.params["text"]]
    shown = json.dumps(tuesday["blocks"], ensure_ascii=False)
    assert "*SLA breaches*: 1" in shown and "*L-1* Greta Gruber" in shown
    assert f"<@{rep}> · not contacted within 60 working min" in shown


def test_a_lead_assigned_late_in_the_day_breaches_the_next_working_morning_not_overnight(
    slack, runtime, fake_slack
):
    route_and_approve(slack, runtime, fake_slack, MONDAY_1730)
    # 30 minutes are left on Monday; the other 30 run from 08:00 Tuesday, Berlin time.
    tuesday_0830 = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)

    assert breaches_at(runtime, MONDAY_1730 + 60 * MINUTE) == 0
    assert breaches_at(runtime, tuesday_0830 - MINUTE) == 0
    assert breaches_at(runtime, tuesday_0830) == 1
    assert len(escalations(fake_slack)) == 1


def test_the_weekend_does_not_count(slack, runtime, fake_slack):
    route_and_approve(slack, runtime, fake_slack, FRIDAY_1730)
    monday_0830 = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)

    for weekend in (datetime(2026, 11, 28, 12, tzinfo=UTC), datetime(2026, 11, 29, 12, tzinfo=UTC)):
        assert breaches_at(runtime, weekend) == 0
    assert breaches_at(runtime, monday_0830 - MINUTE) == 0
    assert breaches_at(runtime, monday_0830) == 1


def test_a_call_logged_in_time_stops_the_clock_and_the_card_says_so(slack, runtime, fake_slack):
    rep = route_and_approve(slack, runtime, fake_slack, MONDAY_10)
    with time_machine.travel(MONDAY_10 + 30 * MINUTE, tick=False):
        assert "Logged a call" in slack.slash(rep, "log L-1 call left a voicemail").text

    assert breaches_at(runtime, MONDAY_10 + 3 * 60 * MINUTE) == 0
    assert escalations(fake_slack) == []
    card = json.dumps(slack.slash(MIA, "show L-1").body, ensure_ascii=False)
    assert "Assigned in 12 min · first contact after 30 min (SLA 60 min: met)" in card
    since = MONDAY_10 - timedelta(days=1)
    figures = speed_figures(runtime.uow_factory(), CONSOLE_WORKSPACE, "emea", since)
    assert (figures.assigned, figures.median_to_assignment) == (1, 12 * MINUTE)
    assert (figures.contacted, figures.median_to_first_contact, figures.breaches) == (1, 30 * MINUTE, 0)


def test_a_lead_converted_before_any_call_counts_the_conversion_as_first_contact(slack, runtime, fake_slack):
    rep = route_and_approve(slack, runtime, fake_slack, MONDAY_10)
    with time_machine.travel(MONDAY_10 + 40 * MINUTE, tick=False):
        assert "Converted" in slack.slash(rep, "convert L-1 value:900").text

    assert breaches_at(runtime, MONDAY_10 + 3 * 60 * MINUTE) == 0
    card = json.dumps(slack.slash(MIA, "show L-1").body, ensure_ascii=False)
    assert "first contact after 40 min (SLA 60 min: met)" in card


def test_a_managers_note_is_not_the_owners_first_contact(slack, runtime, fake_slack):
    route_and_approve(slack, runtime, fake_slack, MONDAY_10)
    with time_machine.travel(MONDAY_10 + 10 * MINUTE, tick=True):
        slack.slash(MIA, "note L-1 please call her today")

    assert breaches_at(runtime, MONDAY_10 + 60 * MINUTE) == 1


def test_two_ticks_at_once_escalate_once(slack, runtime, settings, fake_slack):
    route_and_approve(slack, runtime, fake_slack, MONDAY_10)
    due = MONDAY_10 + 60 * MINUTE
    start, counts = threading.Barrier(2), []

    def tick() -> None:
        start.wait()
        counts.append(run_jobs_once(settings, runtime.config, due)["sla_breaches"])

    ticks = [threading.Thread(target=tick) for _ in range(2)]
    for t in ticks:
        t.start()
    for t in ticks:
        t.join(timeout=60)
    assert sorted(counts) == [0, 1]
    assert len(escalations(fake_slack)) == 1


def test_a_team_that_reroutes_on_breach_gives_the_lead_to_the_next_rep(slack, settings, fake_slack):
    with emea_runtime(settings, reroute_on_breach=True) as runtime:
        late = route_and_approve(slack, runtime, fake_slack, MONDAY_10)
        other = BEN if late == ANN else ANN
        assert breaches_at(runtime, MONDAY_10 + 60 * MINUTE) == 1

        assert owner_of(runtime) == other
        [told] = escalations(fake_slack)
        assert f"by <@{late}>" in told["text"] and f"Re-routed: <@{other}> owns L-1 now." in told["text"]
        posts = fake_slack.calls_to("chat.postMessage")
        dms = [c.params["text"] for c in posts if c.params["channel"].startswith("D")]
        assert any("is yours now" in t for t in dms) and any(f"was given to <@{other}>" in t for t in dms)
        # Three DMs (the late rep hears it is gone), two DM channels opened: each person's once.
        assert any(f"was given to <@{other}>" in t for t in dms)
        assert sorted(c.params["users"] for c in fake_slack.calls_to("conversations.open")) == sorted(
            [ANN, BEN]
        )
        # The new owner has an SLA of their own, from the moment of the re-route.
        assert breaches_at(runtime, MONDAY_10 + 2 * 60 * MINUTE - MINUTE) == 0


def test_a_lead_lost_before_its_deadline_is_not_escalated(slack, runtime, fake_slack):
    rep = route_and_approve(slack, runtime, fake_slack, MONDAY_10)
    with time_machine.travel(MONDAY_10 + 5 * MINUTE, tick=False):
        slack.slash(rep, "lost L-1 competitor")

    assert breaches_at(runtime, MONDAY_10 + 60 * MINUTE) == 0
    assert escalations(fake_slack) == []
    card = json.dumps(slack.slash(MIA, "show L-1").body, ensure_ascii=False)
    assert "(SLA 60 min: stopped)" in card
