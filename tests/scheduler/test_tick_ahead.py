"""`leadbot tick --now` later than the clock, on a live database: it does the work due by
its instant, and leaves nothing dated in the future that would hold back real deliveries."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import time_machine
from routing_support import routing_config
from support import ANN, MIA, context_of

from bot.bootstrap import run_jobs_once
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig, SalesTeam, default_config
from domain.delivery.messages import LEASE, ChannelPost, OutboxMessage
from domain.followups.followup import next_working_morning
from domain.nurture.cadence import Cadence, CadenceStep
from domain.permissions import system_actor
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, CaptureChannel, EnrollLead
from handlers.context import Context
from handlers.registry import dispatch
from store.tables import ChannelPacingRow, DailyRunRow, OutboxRow, ReminderRow, RequestKeyRow


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def web_form_lead(uow_factory, name: str) -> None:
    """A lead from the web form, captured on the clock: announced in the team channel."""
    form = Context(system_actor(CONSOLE_WORKSPACE, "web form"), datetime.now(UTC), default_config())
    add_lead(AddLead(name=name, channel=CaptureChannel.WEBHOOK), uow_factory(), form)


def test_after_a_tick_a_day_ahead_real_deliveries_go_out_at_once(leadbot, uow_factory, remind_at, delivered):
    web_form_lead(uow_factory, "Lead Before The Tick")
    due = datetime.now(UTC) - timedelta(minutes=1)
    remind_at(ANN, "first follow-up before", due)
    remind_at(ANN, "second follow-up before", due)  # paced behind the first: a later slot

    ahead = leadbot.run("tick", "--now", iso(datetime.now(UTC) + timedelta(days=1)))
    assert ahead.returncode == 0, ahead.stderr
    assert len(delivered.posts("Lead Before The Tick")) == 1
    assert len(delivered.posts("first follow-up before")) == 1

    web_form_lead(uow_factory, "Lead After The Tick")
    remind_at(ANN, "follow-up after", datetime.now(UTC) - timedelta(minutes=1))
    on_the_clock = leadbot.run("tick")

    assert on_the_clock.returncode == 0, on_the_clock.stderr
    for text in ("second follow-up before", "Lead After The Tick", "follow-up after"):
        assert len(delivered.posts(text)) == 1, text


# The same pass in this process, the clock stopped (time_machine) at CLOCK: what the tick
# leaves behind, value by value.

FRIDAY = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a day ahead is a Saturday: no digest
TUESDAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def tick(settings, config, at: datetime, clock: datetime) -> dict[str, int]:
    """`leadbot tick --now AT` run while the clock reads CLOCK."""
    with time_machine.travel(clock, tick=False):
        return run_jobs_once(settings, config, at)


def queue_post(uow_factory, key: str, text: str, at: datetime) -> None:
    with uow_factory() as uow:
        uow.outbox.add(
            OutboxMessage(CONSOLE_WORKSPACE, key, ChannelPost(channel="C0SALES", text=text)),
            at,
        )
        uow.commit()


def schedules(uow_factory) -> list[datetime]:
    """Every time that decides when something is sent: pacing slots, pending messages."""
    with uow_factory() as uow:
        pacing = uow.session.execute(
            sa.select(ChannelPacingRow.next_allowed_at, ChannelPacingRow.reserved_until)
        )
        pending = uow.session.scalars(
            sa.select(OutboxRow.next_attempt_at).where(OutboxRow.status == "pending")
        )
        return [moment for row in pacing for moment in row] + list(pending)


def test_pacing_slots_and_paced_messages_come_back_to_the_clock(
    settings, config, uow_factory, remind_at, delivered
):
    for n in range(2):
        queue_post(uow_factory, f"post:{n}", f"channel post {n}", FRIDAY)
        remind_at(ANN, f"follow-up {n}", FRIDAY - timedelta(minutes=1))

    tick(settings, config, FRIDAY + timedelta(days=1), clock=FRIDAY)

    assert [len(delivered.posts(f"channel post {n}")) for n in range(2)] == [1, 0]
    assert [len(delivered.posts(f"follow-up {n}")) for n in range(2)] == [1, 0]
    assert max(schedules(uow_factory)) == FRIDAY + 2 * SECOND  # as if it had run on the clock
    tick(settings, config, FRIDAY + SECOND, clock=FRIDAY + SECOND)
    assert [len(delivered.posts(f"channel post {n}")) for n in range(2)] == [1, 1]
    assert [len(delivered.posts(f"follow-up {n}")) for n in range(2)] == [1, 1]


def test_a_lease_a_tick_ahead_left_behind_is_released_by_the_next_tick(
    settings, config, uow_factory, delivered
):
    queue_post(uow_factory, "post:leased", "leased post", FRIDAY)
    with uow_factory() as uow:  # a tick a day ahead claimed it, and was killed before sending
        uow.outbox.claim(FRIDAY + timedelta(days=1), 10, LEASE)
        uow.commit()

    tick(settings, config, FRIDAY, clock=FRIDAY)

    assert len(delivered.posts("leased post")) == 1


def test_a_follow_up_delivered_early_resurfaces_the_morning_after_it_was_due(
    settings, config, uow_factory, remind_at, delivered
):
    due = TUESDAY + timedelta(hours=2)
    remind_at(ANN, "call back this afternoon", due)

    tick(settings, config, TUESDAY + timedelta(days=1), clock=TUESDAY)  # delivered early

    assert len(delivered.posts("call back this afternoon")) == 1
    wednesday_9 = next_working_morning(due, ZoneInfo("UTC"))
    with uow_factory() as uow:
        [nudge_at] = uow.session.scalars(sa.select(ReminderRow.next_nudge_at))
    assert nudge_at == wednesday_9  # not Thursday's, the morning after the tick's instant
    tick(settings, config, wednesday_9, clock=wednesday_9)
    assert len(delivered.posts("call back this afternoon")) == 2  # "still open"


def test_the_digest_and_rescore_of_a_day_not_begun_still_happen_that_day(
    settings, config, uow_factory, remind_at, delivered
):
    remind_at(ANN, "anything", TUESDAY + timedelta(days=2))  # a workspace with a lead
    wednesday = TUESDAY + timedelta(days=1)

    tick(settings, config, wednesday, clock=TUESDAY)
    assert len(digests(delivered)) == 1  # Wednesday's, early

    with uow_factory() as uow:
        assert uow.session.scalars(sa.select(DailyRunRow.local_date)).all() == []
        assert uow.session.scalars(sa.select(RequestKeyRow.key)).all() == []
    counts = tick(settings, config, wednesday, clock=wednesday)
    assert len(digests(delivered)) == 2  # Wednesday's own, on Wednesday
    assert counts["digests_queued"] == 1


def digests(delivered) -> list:
    posts = delivered.fake.calls_to("chat.postMessage")
    return [c for c in posts if c.params.get("channel") == "C0SALES" and "digest" in c.params["text"]]


LONDON = SalesTeam(key="ldn", name="London", channel="C0LDN", timezone="Europe/London", members=(ANN,))
QUICK = Cadence(name="quick", steps=(CadenceStep(day=1, channel="call", template="Call"),))


def test_a_cadence_step_the_tick_held_for_working_hours_goes_at_its_time(settings, uow_factory, delivered):
    config = LeadbotConfig(teams=(LONDON,), admins=("U0ADM0ADA",), cadences=(QUICK,))
    monday = TUESDAY - timedelta(days=1)
    dispatch(AddLead(name="Dana Scully"), uow_factory(), context_of(config, ANN, now=monday))
    dispatch(EnrollLead(number=1, cadence="quick"), uow_factory(), context_of(config, ANN, now=monday))
    early, start, evening = (datetime(2026, 11, 24, hour, 0, tzinfo=UTC) for hour in (7, 8, 20))

    tick(settings, config, evening, clock=early)  # 20:00 London: the owner is off, the step held

    assert delivered.posts("quick 1/1") == []
    tick(settings, config, start, clock=start)  # the day's start, on the clock
    assert len(delivered.posts("quick 1/1")) == 1


def test_a_proposal_the_tick_approved_starts_its_sla_clock_on_the_clock(settings, uow_factory):
    config = routing_config(auto_approve_after_minutes=30, first_contact_sla_minutes=60)
    monday_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin, EMEA's working hours
    otto = AddLead(name="Otto", fields={"country": "DE", "product": "X"}, channel=CaptureChannel.IMPORT)
    dispatch(otto, uow_factory(), context_of(config, MIA, now=monday_10))

    ahead = tick(settings, config, monday_10 + timedelta(days=1), clock=monday_10)
    assert ahead["proposals_auto_approved"] == 1  # a day early: the owner's clock starts now

    hour_later = monday_10 + timedelta(minutes=61)
    assert tick(settings, config, hour_later, clock=hour_later)["sla_breaches"] == 1
