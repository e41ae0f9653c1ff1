"""`/lead nurture` through the real Bolt app and scheduler jobs: a 4-step cadence becomes four
follow-ups on the right local days (weekends skipped) and stops when the rep logs a reply."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from support import ANN, BEN, run_paced, wait_for_zone

from domain.config import LeadbotConfig, SalesTeam
from domain.nurture.cadence import Cadence, CadenceStep

# A fake clock: its hours pass in milliseconds, which Slack's own limits would refuse.
pytestmark = pytest.mark.slack_unlimited

FOUR_STEPS = Cadence(
    name="new-lead",
    steps=(
        CadenceStep(day=2, channel="email", template="Intro email to {name}"),
        CadenceStep(day=5, channel="call", template="Call {name}"),
        CadenceStep(day=9, channel="email", template="Webinar invitation"),
        CadenceStep(day=14, channel="task", template="Send the offer"),
    ),
)
# Thursday 26 November 2026, 10:00 in New York (EST, UTC-5), where ann works.
ENROLLED = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# Day 2 is Saturday -> Monday 30; day 5 Tuesday 1 Dec; day 9 Saturday -> Monday 7; day 14 Thursday 10.
# Each at 09:00 New York time, 14:00 UTC.
STEP_DAYS = [
    datetime(2026, 11, 30, 14, tzinfo=UTC),
    datetime(2026, 12, 1, 14, tzinfo=UTC),
    datetime(2026, 12, 7, 14, tzinfo=UTC),
    datetime(2026, 12, 10, 14, tzinfo=UTC),
]


@pytest.fixture
def config() -> LeadbotConfig:
    team = SalesTeam(key="sales", name="Sales", channel="C0SALES", members=(ANN, BEN))
    return LeadbotConfig(teams=(team,), cadences=(FOUR_STEPS,))


def step_posts(fake_slack) -> list[str]:
    """The steps delivered, in order (their "still open" nudges left out)."""
    posts = [c.params["text"] for c in fake_slack.calls_to("chat.postMessage") if not c.failed]
    return [re.search(r"new-lead (\d)/4", t)[1] for t in posts if "new-lead" in t and "Still open" not in t]


@pytest.fixture
def ann_in_new_york(fake_slack):
    fake_slack.users[ANN] = {"name": "ann", "tz": "America/New_York"}
    yield
    fake_slack.users.pop(ANN, None)


def enrol(slack, runtime) -> str:
    """First contact (Slack tells the zone after the ack), then the enrolment, that Thursday."""
    with time_machine.travel(ENROLLED, tick=True):
        slack.slash(ANN, "add Dana Scully")
        wait_for_zone(runtime.uow_factory, slack.team_id, ANN)
        return slack.slash(ANN, "nurture L-1").text


def test_a_four_step_cadence_reminds_the_owner_on_the_right_local_days_skipping_the_weekend(
    slack, runtime, fake_slack, ann_in_new_york
):
    answer = enrol(slack, runtime)
    assert "Enrolled *L-1* Dana Scully in cadence *new-lead*: 4 follow-ups" in answer

    for n, due in enumerate(STEP_DAYS, start=1):
        runtime.run_jobs(due - timedelta(seconds=1))
        assert len(step_posts(fake_slack)) == n - 1
        run_paced(runtime.run_jobs, due)  # the step and the last one's "still open" share the DM
        assert step_posts(fake_slack) == [str(k) for k in range(1, n + 1)]
    first = next(c for c in fake_slack.calls_to("chat.postMessage") if "1/4" in c.params["text"])
    assert "Intro email to Dana Scully" in first.params["text"]
    assert first.params["channel"] == "D" + ANN[1:]


def test_the_cadence_stops_when_the_rep_logs_a_reply(slack, runtime, fake_slack, ann_in_new_york):
    enrol(slack, runtime)
    runtime.run_jobs(STEP_DAYS[0])
    with time_machine.travel(STEP_DAYS[0] + timedelta(hours=2), tick=True):
        slack.slash(ANN, "log L-1 email she replied, wants a demo")
        card = str(slack.slash(ANN, "show L-1").blocks)

    for due in STEP_DAYS[1:]:
        runtime.run_jobs(due + timedelta(hours=1))
    assert step_posts(fake_slack) == ["1"]
    assert "Cadence new-lead stopped: email logged" in card


def test_nurture_stop_cancels_the_waiting_steps(slack, runtime, fake_slack):
    enrol(slack, runtime)
    with time_machine.travel(ENROLLED + timedelta(hours=1), tick=True):
        answer = slack.slash(ANN, "nurture L-1 stop")
    assert "Stopped cadence *new-lead* on *L-1* Dana Scully: 4 waiting steps cancelled." in answer.text
    runtime.run_jobs(STEP_DAYS[-1] + timedelta(days=1))
    assert step_posts(fake_slack) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("nurture", "Missing the lead id"),
        ("nurture L-1 new-lead now", "After the lead give one cadence name or `stop`"),
        ("nurture L-1 webinar", "There is no cadence `webinar`. Cadences: new-lead."),
        ("nurture L-9", "There is no lead L-9"),
        ("nurture L-1 stop", "L-1 is not in a cadence"),
    ],
)
def test_bad_nurture_input_says_what_was_wrong_and_changes_nothing(slack, runtime, text, says):
    slack.slash(ANN, "add Dana Scully")
    answer = slack.slash(ANN, text)
    assert says in answer.text
    with runtime.uow_factory() as uow:
        assert uow.reminders.pending_for_lead("T0CONSOLE", 1) == []


def test_a_lead_enrolled_twice_is_refused_until_stopped(slack, runtime):
    enrol(slack, runtime)
    with time_machine.travel(ENROLLED, tick=True):
        again = slack.slash(ANN, "nurture L-1")
    assert "L-1 is already in cadence new-lead. `/lead nurture L-1 stop` first" in again.text
