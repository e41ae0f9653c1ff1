"""Imported leads are scored and routed as a web-form lead is, in batches, and each team
channel hears once what the import brought it."""

from functools import partial

import sqlalchemy as sa
from routing_support import EMEA_CHANNEL, NA_CHANNEL, RON, routing_config
from support import ANN, BEN, NOW

from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.delivery.messages import MessageKind
from domain.permissions import system_actor
from handlers.commands import AddLead, CaptureChannel
from handlers.context import Context
from handlers.importing.pipeline import LeadsImported, import_leads
from handlers.importing.rows import read_layout, read_rows
from handlers.registry import dispatch, run
from store.tables import OutboxRow
from store.unit_of_work import UowFactory

CSV = (
    "Name,Email,Title,Country,Product\n"
    "Dana Weber,dana@bka.de,VP Sales,DE,X\n"  # DACH and product X: EMEA
    "Jonas Roth,jonas@roth.de,Engineer,DE,X\n"
    "Lea Klein,lea@klein.at,Head of IT,AT,X\n"
    "Sam Hill,sam@hill.com,Manager,US,Y\n"  # no rule: North America, the fallback
    "Kim Lee,kim@lee.com,,US,Y\n"
)


def importer(config: LeadbotConfig) -> Context:
    return Context(system_actor(CONSOLE_WORKSPACE, str(CaptureChannel.IMPORT)), NOW, config)


def import_csv(uow_factory: UowFactory, config: LeadbotConfig, text: str, **options) -> LeadsImported:
    rows = read_rows(text, read_layout(text))
    return run(partial(import_leads, rows, **options), uow_factory(), importer(config))


def posted(uow_factory: UowFactory) -> list[tuple[str, dict]]:
    with uow_factory() as uow:
        found = uow.session.execute(sa.select(OutboxRow.kind, OutboxRow.payload).order_by(OutboxRow.id))
        return [(kind, payload) for kind, payload in found]


def imported(uow_factory: UowFactory):
    """{email: (score, sales team, owner, the rep a waiting proposal names)} of every lead."""
    with uow_factory() as uow:
        state = {}
        for lead in uow.leads.all(CONSOLE_WORKSPACE):
            pending = uow.routing.pending_for(CONSOLE_WORKSPACE, lead.id)
            state[lead.email] = (
                lead.score,
                lead.sales_team,
                lead.owner_id,
                pending.rep_id if pending else None,
            )
        return state


def test_imported_leads_get_scores_and_proposals_as_a_form_lead_does_and_each_team_one_summary(uow_factory):
    config = routing_config()
    form_lead = AddLead(
        name="Vera Vogt",
        email="vera@vogt.de",
        channel=CaptureChannel.WEBHOOK,
        fields={"title": "VP Sales", "country": "DE", "product": "X"},
    )
    dispatch(form_lead, uow_factory(), Context(system_actor(CONSOLE_WORKSPACE, "web form"), NOW, config))
    before = len(posted(uow_factory))

    result = import_csv(uow_factory, config, CSV, batch_rows=2)  # three batches, one import

    assert (result.created, result.rejected) == (5, 0)
    state = imported(uow_factory)
    form_score, form_team, _, form_rep = state["vera@vogt.de"]
    assert form_rep in (ANN, BEN) and form_score > 0
    assert state["dana@bka.de"][:3] == (form_score, form_team, None)  # same facts, same score and team
    for email in ("dana@bka.de", "jonas@roth.de", "lea@klein.at"):
        score, team, owner, rep = state[email]
        assert (team, owner) == ("emea", None) and rep in (ANN, BEN), email
    for email in ("sam@hill.com", "kim@lee.com"):
        assert state[email][1:] == ("na", None, RON), email
    assert state["jonas@roth.de"][0] < state["dana@bka.de"][0]  # scored by the same rules

    messages = posted(uow_factory)[before:]
    assert [kind for kind, _ in messages] == [MessageKind.CHANNEL_POST] * 2  # no card per lead
    by_channel = {payload["channel"]: payload["text"] for _, payload in messages}
    assert set(by_channel) == {EMEA_CHANNEL, NA_CHANNEL}
    assert "brought EMEA 3 leads: 3 new, 0 updated" in by_channel[EMEA_CHANNEL]
    assert "3 leads proposed to reps, waiting for a manager: L-2, L-3, L-4" in by_channel[EMEA_CHANNEL]
    assert "brought North America 2 leads: 2 new, 0 updated" in by_channel[NA_CHANNEL]
    assert "2 leads proposed to reps, waiting for a manager: L-5, L-6" in by_channel[NA_CHANNEL]


def test_an_import_run_again_updates_and_proposes_nothing_twice(uow_factory):
    config = routing_config()
    import_csv(uow_factory, config, CSV)
    first = imported(uow_factory)
    before = len(posted(uow_factory))

    result = import_csv(uow_factory, config, CSV.replace("Engineer", "Director"))

    assert (result.created, result.updated) == (0, 5)
    again = imported(uow_factory)
    assert again["jonas@roth.de"][0] > first["jonas@roth.de"][0]  # rescored on what changed
    assert [rep for *_, rep in again.values()] == [rep for *_, rep in first.values()]  # not proposed twice
    [(kind, payload)] = [m for m in posted(uow_factory)[before:] if m[1].get("channel") == EMEA_CHANNEL]
    assert "brought EMEA 3 leads: 0 new, 3 updated" in payload["text"]
    assert "proposed" not in payload["text"]


def test_a_dry_run_scores_routes_and_tells_nobody(uow_factory):
    import_csv(uow_factory, routing_config(), CSV, dry_run=True)

    assert imported(uow_factory) == {}
    assert posted(uow_factory) == []


def test_without_routing_rules_the_team_hears_how_many_leads_wait_for_a_rep(uow_factory, config):
    import_csv(uow_factory, config, CSV)

    [(kind, payload)] = posted(uow_factory)
    assert kind == MessageKind.CHANNEL_POST
    assert "5 leads: 5 new, 0 updated" in payload["text"]
    assert "5 leads without a rep yet" in payload["text"]
    assert imported(uow_factory)["dana@bka.de"][0] > 0  # scored all the same
