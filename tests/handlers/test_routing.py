"""Routing handlers on a real database: auto-approval, no room left, who may decide."""

import sqlalchemy as sa
from routing_support import NOA, routing_config, routing_data
from sqlalchemy.orm import Session
from support import ANN, BEN, MIA, context_of

from domain.config import parse_config
from domain.permissions import can_decide_routing
from handlers.commands import AddLead, CaptureChannel
from handlers.registry import dispatch
from store.tables import LeadRow, OutboxRow


def imported(uow_factory, config, name: str) -> None:
    lead = AddLead(name=name, fields={"country": "DE", "product": "X"}, channel=CaptureChannel.IMPORT)
    dispatch(lead, uow_factory(), context_of(config, MIA))


def outbox_kinds(database) -> list[str]:
    with Session(database[0]) as session:
        return list(session.scalars(sa.select(OutboxRow.kind).order_by(OutboxRow.id)))


def owners(database) -> list[str | None]:
    with Session(database[0]) as session:
        return list(session.scalars(sa.select(LeadRow.owner_id).order_by(LeadRow.number)))


def test_a_rule_on_the_score_reads_the_fit_a_lead_is_captured_with(database, uow_factory):
    """A capture routes inside its transaction, before its score is stored: the rules read
    the fit the lead arrived with."""
    data = routing_data(auto_approve=True)
    data["routing"]["rules"][1]["score_min"] = 15  # EMEA-hot: a VP is worth 15
    config = parse_config(data, origin="test")

    lead = AddLead(name="Vera", fields={"title": "VP Sales", "country": "US"}, channel=CaptureChannel.IMPORT)
    dispatch(lead, uow_factory(), context_of(config, MIA))

    with Session(database[0]) as session:
        assert session.scalars(sa.select(LeadRow.sales_team)).one() == "emea"
    assert owners(database) in ([ANN], [BEN])


def test_a_team_that_auto_approves_assigns_at_once_tells_the_channel_and_dms_the_rep(database, uow_factory):
    config = routing_config(auto_approve=True)
    imported(uow_factory, config, "Greta")

    assert owners(database) in ([ANN], [BEN])
    assert outbox_kinds(database) == ["lead_assigned_dm", "routing_decided"]


def test_when_nobody_has_room_the_lead_stays_in_the_pool_and_is_announced(database, uow_factory):
    config = routing_config(capacity={"open": 1})
    for name in ("One", "Two", "Three"):
        imported(uow_factory, config, name)

    assert owners(database) == [None, None, None]  # two proposals wait; the third found no one
    assert outbox_kinds(database) == ["routing_proposal", "routing_proposal", "lead_announced"]


def test_only_the_teams_managers_and_admins_decide_its_proposals():
    config = routing_config()
    assert can_decide_routing(config.actor("T1", MIA), "emea")
    assert can_decide_routing(config.actor("T1", "U0ADM0ADA"), "emea")
    assert not can_decide_routing(config.actor("T1", NOA), "emea")  # a manager of another team
    assert not can_decide_routing(config.actor("T1", ANN), "emea")
