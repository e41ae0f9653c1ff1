"""An `unsubscribed` engagement event (POST /webhooks/events, signed, over a real socket) marks
the lead do not contact: its cadence stops with its waiting steps, `/lead nurture` refuses to
enrol it again, its card says so, and the export carries the date."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from support import ANN, BEN, context_of
from webhook_support import EVENTS, send

from domain.config import LeadbotConfig, SalesTeam
from domain.followups.reminder import ReminderStatus
from domain.nurture.cadence import Cadence, CadenceStep
from handlers.commands import AddLead, EnrollLead, LogActivity, LoseLead, MergeLeads
from handlers.nurture.do_not_contact import unsubscribe
from handlers.registry import dispatch
from handlers.reporting.export import export_leads
from store.tables import AuditRow, ReminderRow

pytestmark = pytest.mark.slack_unlimited

THREE_STEPS = Cadence(
    name="new-lead",
    steps=(
        CadenceStep(day=2, channel="email", template="Intro email to {name}"),
        CadenceStep(day=5, channel="call", template="Call {name}"),
        CadenceStep(day=9, channel="email", template="Webinar invitation"),
    ),
)
UNSUBSCRIBED_AT = "2026-12-01T09:30:00Z"
UNSUBSCRIBE = {
    "email": "dana@fbi.gov",
    "event": "unsubscribed",
    "at": UNSUBSCRIBED_AT,
    "external_id": "esp-1",
}


@pytest.fixture
def config() -> LeadbotConfig:
    team = SalesTeam(key="sales", name="Sales", channel="C0SALES", members=(ANN, BEN))
    return LeadbotConfig(teams=(team,), cadences=(THREE_STEPS,))


@pytest.fixture
def enrolled(slack):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    assert "Enrolled *L-1*" in slack.slash(ANN, "nurture L-1 new-lead").text


def steps_of(uow_factory) -> list[str]:
    with uow_factory() as uow:
        return list(uow.session.scalars(sa.select(ReminderRow.status).order_by(ReminderRow.id)))


def steps(runtime) -> list[str]:
    return steps_of(runtime.uow_factory)


def test_an_unsubscribed_event_stops_the_cadence_and_cancels_its_waiting_steps(
    server, slack, runtime, enrolled
):
    assert steps(runtime) == [ReminderStatus.PENDING] * 3

    status, answer = send(server, UNSUBSCRIBE, EVENTS)

    assert (status, answer["matched"], answer["leads"]) == (200, 1, ["L-1"])
    assert steps(runtime) == [ReminderStatus.CANCELLED] * 3
    with runtime.uow_factory() as uow:
        lead = uow.leads.all()[0]
        audited = list(uow.session.scalars(sa.select(AuditRow.action)))
    assert lead.do_not_contact_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert "lead.do_not_contact" in audited


def test_nurture_refuses_a_lead_that_unsubscribed_and_changes_nothing(server, slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    send(server, UNSUBSCRIBE, EVENTS)

    answer = slack.slash(ANN, "nurture L-1 new-lead")

    assert "L-1 is marked do not contact: they unsubscribed on 2026-12-01" in answer.text
    assert "Nothing was enrolled." in answer.text
    assert steps(runtime) == []


def test_the_card_says_do_not_contact_with_the_date(server, slack, enrolled):
    send(server, UNSUBSCRIBE, EVENTS)

    card = json.dumps(slack.slash(ANN, "show L-1").blocks)

    assert "Do not contact* (unsubscribed 2026-12-01)" in card
    assert "Cadence new-lead stopped: unsubscribed" in card


def test_a_later_unsubscription_keeps_the_first_date_and_the_export_carries_it(server, slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    send(server, UNSUBSCRIBE, EVENTS)
    later = {**UNSUBSCRIBE, "at": "2026-12-03T08:00:00Z", "external_id": "esp-2"}

    assert send(server, later, EVENTS)[1]["matched"] == 1

    [row] = export_leads(runtime.uow_factory(), slack.team_id)
    assert row["do_not_contact_since"] == "2026-12-01T09:30:00+00:00"


def test_other_events_leave_the_lead_free_to_contact(server, slack, runtime, enrolled):
    send(server, {"email": "dana@fbi.gov", "event": "email_opened"}, EVENTS)

    assert steps(runtime) == [ReminderStatus.PENDING] * 3
    [row] = export_leads(runtime.uow_factory(), slack.team_id)
    assert row["do_not_contact_since"] is None


@pytest.mark.parametrize(("unsubscribed", "enrolled_steps"), [(True, 0), (False, 1)])
def test_a_lost_lead_that_unsubscribed_is_not_put_into_long_term_nurture(
    uow_factory, unsubscribed, enrolled_steps
):
    """handlers/nurture/cadences.on_closed enrols a lead lost as not ready yet, unless it unsubscribed."""
    long_term = Cadence(name="long-term", steps=(CadenceStep(day=30, channel="email", template="Hi"),))
    team = SalesTeam(key="sales", name="Sales", channel="C0SALES", members=(ANN,))
    config = LeadbotConfig(teams=(team,), cadences=(long_term,), long_term_cadence="long-term")
    now = datetime(2026, 12, 2, 10, tzinfo=UTC)
    ctx = context_of(config, ANN, now=now)
    dispatch(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), ctx)
    dispatch(LogActivity(number=1, kind="call"), uow_factory(), ctx)
    if unsubscribed:
        with uow_factory() as uow:
            unsubscribe(uow, ctx, uow.leads.all()[0], now - timedelta(days=1))
            uow.commit()

    dispatch(LoseLead(number=1, reason="timing"), uow_factory(), ctx)

    assert len(steps_of(uow_factory)) == enrolled_steps


def test_merging_a_lead_that_unsubscribed_marks_the_kept_one_and_stops_its_cadence(uow_factory, config):
    now = datetime(2026, 12, 2, 10, tzinfo=UTC)
    ctx = context_of(config, ANN, now=now)
    dispatch(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), ctx)
    dispatch(AddLead(name="Dana Scully", phone="+1 202 555 0143"), uow_factory(), ctx)
    dispatch(EnrollLead(number=2, cadence="new-lead"), uow_factory(), ctx)
    with uow_factory() as uow:
        unsubscribe(uow, ctx, uow.leads.get(ctx.actor.team_id, 1), now - timedelta(days=1))
        uow.commit()

    dispatch(MergeLeads(duplicate=1, keep=2), uow_factory(), ctx)

    with uow_factory() as uow:
        kept = uow.leads.get(ctx.actor.team_id, 2)
    assert kept.do_not_contact_at == now - timedelta(days=1)
    assert steps_of(uow_factory) == [ReminderStatus.CANCELLED] * 3
