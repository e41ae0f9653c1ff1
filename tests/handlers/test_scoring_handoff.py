"""A lead that becomes sales-qualified with nobody working it is handed to routing."""

import sqlalchemy as sa
from closing_support import stored, timeline
from routing_support import routing_config, routing_data
from support import MIA, NOW, context_of

from domain.config import CONSOLE_WORKSPACE, parse_config
from domain.delivery.messages import MessageKind
from domain.permissions import system_actor
from handlers.commands import AddLead, CaptureChannel, QualifyLead, RecordEngagement
from handlers.context import Context
from handlers.registry import dispatch
from handlers.scoring.engagement import record_engagement
from handlers.scoring.qualify import qualify_lead
from store.tables import OutboxRow

DANA = "dana@bka.de"
BANT = {"budget": "yes", "authority": "VP Sales", "need": "replace spreadsheets", "timeline": "Q1"}
FORM_LEAD = AddLead(
    name="Dana Weber",
    email=DANA,
    channel=CaptureChannel.WEBHOOK,
    sales_team="emea",
    fields={"country": "DE", "product": "X"},
)


def system(config, name):
    return Context(system_actor(CONSOLE_WORKSPACE, name), NOW, config)


def make_sales_qualified(uow_factory, config, number):
    events = [
        {"email": DANA, "event": "webinar_attended", "external_id": "w-1"},
        {"email": DANA, "event": "page_visited", "url": "https://x.example/pricing", "external_id": "p-1"},
        {"email": DANA, "event": "page_visited", "url": "https://x.example/pricing", "external_id": "p-2"},
    ]
    record_engagement(RecordEngagement(events=events), uow_factory(), system(config, "events webhook"))
    qualify_lead(QualifyLead(number=number, answers=BANT), uow_factory(), context_of(config, MIA))


def proposals(uow_factory) -> int:
    with uow_factory() as uow:
        query = sa.select(sa.func.count()).where(OutboxRow.kind == str(MessageKind.ROUTING_PROPOSAL))
        return int(uow.session.scalar(query) or 0)


def test_crossing_sql_unowned_puts_the_lead_to_routing(uow_factory):
    # Captured before routing rules were configured: announced, nobody on it.
    unrouted = parse_config({**routing_data(), "routing": {"fallback_team": "na"}}, origin="test")
    number = dispatch(FORM_LEAD, uow_factory(), system(unrouted, "web form")).lead.number
    assert proposals(uow_factory) == 0

    make_sales_qualified(uow_factory, routing_config(), number)

    assert proposals(uow_factory) == 1
    assert any(
        entry.endswith("ready for sales, proposed to a rep by routing")
        for entry in timeline(uow_factory, number)
    )
    assert stored(uow_factory, number).owner_id is None  # a manager approves first


def test_a_lead_already_waiting_for_a_manager_is_not_proposed_twice(uow_factory):
    config = routing_config()
    number = dispatch(FORM_LEAD, uow_factory(), system(config, "web form")).lead.number
    assert proposals(uow_factory) == 1  # routed when it came in

    make_sales_qualified(uow_factory, config, number)

    assert proposals(uow_factory) == 1
