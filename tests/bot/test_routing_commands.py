"""`/lead route [--dry-run]`, `assign`, `claim`, `ooo` and `back` through the real Bolt app:
who may, what they are told, and that refused or malformed commands change nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from routing_support import NOA, routing_config
from sqlalchemy.orm import Session
from support import ANN, BEN, MIA, SIGNING_SECRET, context_of

from bot.bootstrap import build_runtime
from bot.local.standin.signer import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, in_process
from domain.routing.assignment import Decision
from handlers.commands import AddLead, CaptureChannel, DecideRouting
from handlers.registry import dispatch
from store.tables import AssignmentRow, LeadRow, RoutingStateRow


@pytest.fixture
def config():
    return routing_config(claim_allowed=True)


def imported(runtime, name: str = "Greta Gruber", **fields: str) -> None:
    """A lead from an import: nobody owns it, so routing proposes it at once."""
    lead = AddLead(
        name=name, fields=fields or {"country": "DE", "product": "X"}, channel=CaptureChannel.IMPORT
    )
    dispatch(lead, runtime.uow_factory(), context_of(runtime.config, MIA, now=datetime.now(UTC)))


def state(runtime) -> tuple:
    """Everything routing may change: owners, assignments, decision counters."""
    with Session(runtime.engine) as session:
        owners = session.execute(sa.select(LeadRow.number, LeadRow.owner_id).order_by(LeadRow.number)).all()
        assignments = session.execute(
            sa.select(AssignmentRow.id, AssignmentRow.state, AssignmentRow.rep_id)
        ).all()
        counters = session.execute(sa.select(RoutingStateRow.sales_team, RoutingStateRow.decisions)).all()
    return owners, assignments, counters


def test_a_dry_run_shows_the_rule_and_rep_and_why_and_changes_nothing(slack, runtime):
    imported(runtime)
    before = state(runtime)

    reply = slack.slash(MIA, "route L-1 --dry-run")

    assert "Dry run, nothing changed: L-1 would go to <@" in reply.text
    assert "Matched rule *EMEA-enterprise* → EMEA" in reply.text
    assert f"<@{ANN}>" in reply.text and f"<@{BEN}>" in reply.text and "of 50 open" in reply.text
    assert state(runtime) == before


def test_route_proposes_a_lead_again_after_a_manager_rejected_it(slack, runtime):
    imported(runtime)
    mia = context_of(runtime.config, MIA, now=datetime.now(UTC))
    dispatch(DecideRouting(assignment_id=1, decision=Decision.REJECT), runtime.uow_factory(), mia)

    reply = slack.slash(MIA, "route L-1")

    assert "Proposed L-1 to <@" in reply.text and "decides in the team channel" in reply.text
    assert [a[1] for a in state(runtime)[1]] == ["rejected", "proposed"]
    assert "already proposed" in slack.slash(MIA, "route L-1").text


def test_a_rep_may_not_route_and_nothing_changes(slack, runtime):
    imported(runtime)
    before = state(runtime)
    assert "You can't assign L-1" in slack.slash(ANN, "route L-1").text
    assert state(runtime) == before


def test_a_rep_out_of_office_is_skipped_and_back_is_routed_again(slack, runtime):
    last_day = (datetime.now(UTC) + timedelta(days=10)).date()
    assert f"Out of office through {last_day}" in slack.slash(ANN, f"ooo until {last_day}").text
    imported(runtime, "One")
    imported(runtime, "Two", country="AT", product="X")

    with Session(runtime.engine) as session:
        given = session.scalars(sa.select(AssignmentRow.rep_id).order_by(AssignmentRow.id)).all()
        notes = session.scalars(sa.select(AssignmentRow.reasons)).first()
    assert given == [BEN, BEN]
    assert any(n["user_id"] == ANN and n["detail"].startswith("out of office until") for n in notes)

    assert "Welcome back" in slack.slash(ANN, "back").text
    imported(runtime, "Three")
    with Session(runtime.engine) as session:
        third = session.scalars(sa.select(AssignmentRow.rep_id).order_by(AssignmentRow.id.desc())).first()
    assert third == ANN  # owed the turns she missed


def test_a_manager_assigns_and_the_waiting_proposal_is_settled(slack, runtime):
    imported(runtime)
    reply = slack.slash(MIA, f"assign L-1 <@{BEN}|ben>")

    assert f"Assigned by <@{MIA}>: <@{BEN}> owns L-1" in reply.text
    owners, assignments, _ = state(runtime)
    assert owners == [(1, BEN)] and assignments[0][1:] == ("approved", BEN)


def test_a_rep_may_not_assign_and_nobody_outside_the_team_can_be_assigned(slack, runtime):
    imported(runtime)
    before = state(runtime)
    assert "You can't assign L-1" in slack.slash(ANN, f"assign L-1 <@{BEN}>").text
    assert "is not in EMEA" in slack.slash(MIA, f"assign L-1 <@{NOA}>").text
    assert state(runtime) == before


def test_a_rep_claims_an_unassigned_lead_of_their_team(slack, runtime):
    imported(runtime)
    assert f"Claimed: <@{BEN}> owns L-1" in slack.slash(BEN, "claim L-1").text
    assert "You can't view L-1" in slack.slash(ANN, "claim L-1").text  # ben's now, not the pool's
    assert state(runtime)[0] == [(1, BEN)]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("route L-1 --now", "is not an option of route: only `--dry-run`"),
        ("route", "Missing the lead id"),
        ("assign L-1 ben", "is not one person: mention them, like @ann"),
        ("assign L-1", "Missing who gets it"),
        ("ooo until tomorrow", "`tomorrow` is not a date: write it YYYY-MM-DD"),
        ("ooo until 2020-01-01", "is not within the next year"),
        ("ooo", "Say until when"),
        ("back now", "`back` takes nothing after it"),
    ],
)
def test_bad_routing_commands_say_what_was_wrong_and_how_to_write_it_and_change_nothing(
    slack, runtime, text, says
):
    imported(runtime)
    before = state(runtime)
    reply = slack.slash(MIA, text)
    assert says in reply.text and reply.body["response_type"] == "ephemeral"
    assert "Usage" in reply.text or "/lead" in reply.text
    assert state(runtime) == before


def test_claiming_is_refused_where_the_team_does_not_allow_it(settings, fake_slack):
    runtime = build_runtime(settings, routing_config())
    try:
        slack = LocalWorkspace(in_process(runtime.app), fake_slack, SlackSigner(SIGNING_SECRET), "T0CONSOLE")
        imported(runtime)
        assert "EMEA does not let reps claim leads" in slack.slash(BEN, "claim L-1").text
        assert state(runtime)[0] == [(1, None)]
    finally:
        runtime.engine.dispose()


def test_a_closed_lead_is_not_routed(slack, runtime):
    imported(runtime)
    slack.slash(MIA, "lost L-1 price")
    before = state(runtime)
    assert "L-1 is lost: only open leads are routed" in slack.slash(MIA, "route L-1").text
    assert state(runtime) == before
