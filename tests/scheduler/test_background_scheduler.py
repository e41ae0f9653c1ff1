"""Smoke test of the real APScheduler BackgroundScheduler that `serve` and `socket` run."""

from datetime import UTC, datetime, timedelta

from support import ANN

from domain.delivery.messages import ChannelPost, OutboxMessage
from scheduler.jobs import Jobs
from scheduler.runner import build_scheduler, kick

DELIVERY_WAIT = 5  # seconds; a sweep every 0.2 s delivers within a fraction of that


def test_the_background_scheduler_sends_a_due_reminder_once(runtime, remind_at, fake_slack, delivered):
    remind_at(ANN, "call back from the sweeper", datetime.now(UTC) - timedelta(seconds=1))
    scheduler = build_scheduler(Jobs(runtime.uow_factory, runtime.deliver), every_seconds=0.2)
    scheduler.start()
    try:
        assert fake_slack.wait_for_call("chat.postMessage", timeout=DELIVERY_WAIT)
        # A few more sweeps find nothing left to send.
        assert not fake_slack.wait_for_call("chat.postMessage", timeout=0.7, count=2)
    finally:
        scheduler.shutdown(wait=True)
    assert len(delivered.posts("from the sweeper")) == 1


def test_kick_runs_the_sweep_now_rather_than_at_the_next_interval(runtime, remind_at, fake_slack, delivered):
    scheduler = runtime.scheduler  # as build_runtime wires it: a sweep every 10 s
    scheduler.start()
    try:
        remind_at(ANN, "call back right away", datetime.now(UTC) - timedelta(seconds=1))
        kick(scheduler)
        assert fake_slack.wait_for_call("chat.postMessage", timeout=DELIVERY_WAIT)
    finally:
        scheduler.shutdown(wait=True)
    assert len(delivered.posts("right away")) == 1


def test_a_paced_burst_goes_out_at_its_pace_not_one_message_per_sweep_interval(
    runtime, uow_factory, fake_slack
):
    now = datetime.now(UTC)
    with uow_factory() as uow:
        for n in range(3):
            payload = {"channel": "C0SALES", "text": f"paced {n}"}
            uow.outbox.add(OutboxMessage("T0CONSOLE", f"paced:{n}", ChannelPost(**payload)), now)
        uow.commit()
    scheduler = runtime.scheduler  # a sweep every 10 s: the burst's slots wake it sooner
    scheduler.start()
    try:
        kick(scheduler)
        assert fake_slack.wait_for_call("chat.postMessage", timeout=DELIVERY_WAIT, count=3)
    finally:
        scheduler.shutdown(wait=True)
