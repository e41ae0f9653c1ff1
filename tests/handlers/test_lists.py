"""`/lead list` over a real database: each filter, the sort, paging, and who sees what."""

from datetime import timedelta
from typing import Any

import pytest
from support import ADA, ANN, BEN, MIA, NOW, context_of

from domain.book.filters import LeadFilter, parse_filter
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import InvalidInput
from domain.followups.activity import Activity, ActivityKind
from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.routing.config import Routing
from handlers.book.lists import list_leads
from handlers.commands import ListLeads
from handlers.context import Context
from store.tables import LeadScoreRow
from store.unit_of_work import UowFactory


def seed(uow_factory: UowFactory, **fields: Any) -> int:
    """A lead of the console workspace, written as it is (no capture rules run)."""
    values: dict[str, Any] = {"name": "Lead", "created_at": NOW - timedelta(days=1), "created_by": ANN}
    values |= {"sales_team": "sales"} | fields
    with uow_factory() as uow:
        lead = uow.leads.add(Lead(team_id=values.pop("team_id", CONSOLE_WORKSPACE), **values))
        uow.commit()
    return lead.number


def listed(uow_factory: UowFactory, ctx: Context, words: str = "", page: int = 1) -> list[str]:
    pairs = [tuple(word.split(":", 1)) for word in words.split()]
    result = list_leads(ListLeads(filter=parse_filter(pairs), page=page), uow_factory(), ctx)  # type: ignore[arg-type]
    return [lead.name for lead in result.leads]


@pytest.fixture
def emea(config: LeadbotConfig) -> LeadbotConfig:
    return config.model_copy(update={"routing": Routing(regions={"EMEA": ("DE", "Germany", "FR")})})


def test_a_rep_sees_their_own_leads_and_their_teams_unassigned_ones(uow_factory, config):
    seed(uow_factory, name="Mine", owner_id=ANN)
    seed(uow_factory, name="Pool")
    seed(uow_factory, name="Bens", owner_id=BEN)
    seed(uow_factory, name="Other team pool", sales_team="emea")
    assert sorted(listed(uow_factory, context_of(config, ANN))) == ["Mine", "Pool"]


def test_managers_see_their_teams_and_admins_everything(uow_factory, config):
    seed(uow_factory, name="Bens", owner_id=BEN)
    seed(uow_factory, name="Elsewhere", sales_team="emea", owner_id="U0ELSE")
    seed(uow_factory, name="Another workspace", team_id="T0OTHER")
    assert listed(uow_factory, context_of(config, MIA)) == ["Bens"]
    assert sorted(listed(uow_factory, context_of(config, ADA))) == ["Bens", "Elsewhere"]


def test_merged_away_leads_are_left_out(uow_factory, config):
    kept = seed(uow_factory, name="Kept")
    with uow_factory() as uow:
        keeper = uow.leads.get(CONSOLE_WORKSPACE, kept)
        uow.leads.add(Lead(CONSOLE_WORKSPACE, "Gone", NOW, ANN, merged_into=keeper.id, sales_team="sales"))
        uow.commit()
    assert listed(uow_factory, context_of(config, ADA)) == ["Kept"]


def test_status_owner_and_text_filters_take_several_values_in_any_case(uow_factory, config):
    seed(uow_factory, name="A", status=LeadStatus.NEW, source="Webinar")
    seed(uow_factory, name="B", status=LeadStatus.CONTACTED, source="webinar", owner_id=BEN)
    seed(uow_factory, name="C", status=LeadStatus.LOST, source="webinar")
    seed(uow_factory, name="D", status=LeadStatus.NEW, source="Referral")
    mia = context_of(config, MIA)
    assert sorted(listed(uow_factory, mia, "status:new,contacted source:WEBINAR")) == ["A", "B"]
    assert sorted(listed(uow_factory, mia, "owner:none source:webinar")) == ["A", "C"]
    assert listed(uow_factory, mia, f"owner:<@{BEN}>") == ["B"]
    assert listed(uow_factory, context_of(config, BEN), "owner:me") == ["B"]


def test_country_matches_codes_names_and_configured_regions(uow_factory, emea):
    seed(uow_factory, name="Berlin", country="Germany")
    seed(uow_factory, name="Paris", country="fr")
    seed(uow_factory, name="Boston", country="US")
    admin = context_of(emea, ADA)
    assert listed(uow_factory, admin, "country:DE") == ["Berlin"]
    assert sorted(listed(uow_factory, admin, "country:emea")) == ["Berlin", "Paris"]
    assert sorted(listed(uow_factory, admin, "country:france,US")) == ["Boston", "Paris"]
    with pytest.raises(InvalidInput, match="Germny"):
        listed(uow_factory, admin, "country:Germny")


def test_score_ranges_and_sort_by_score_hottest_first(uow_factory, config):
    for name, score in (("cold", 10), ("warm", 45), ("hot", 80)):
        seed(uow_factory, name=name, score=score)
    admin = context_of(config, ADA)
    assert listed(uow_factory, admin) == ["hot", "warm", "cold"]
    assert listed(uow_factory, admin, "score:>40") == ["hot", "warm"]
    assert listed(uow_factory, admin, "score:<20,>70") == ["hot", "cold"]
    assert listed(uow_factory, admin, "score:20..60") == ["warm"]


def test_created_and_sort_by_created(uow_factory, config):
    seed(uow_factory, name="old", created_at=NOW - timedelta(days=40))
    seed(uow_factory, name="new", created_at=NOW - timedelta(days=2))
    admin = context_of(config, ADA)
    assert listed(uow_factory, admin, "created:7d") == ["new"]
    assert listed(uow_factory, admin, "created:>30d") == ["old"]
    assert listed(uow_factory, admin, "sort:created") == ["new", "old"]
    month = (NOW - timedelta(days=40)).strftime("%Y-%m")
    assert listed(uow_factory, admin, f"created:{month}") == ["old"]


def test_stale_counts_notes_calls_emails_and_meetings_not_system_lines(uow_factory, config):
    quiet = seed(uow_factory, name="quiet", created_at=NOW - timedelta(days=30))
    called = seed(uow_factory, name="called", created_at=NOW - timedelta(days=30))
    fresh = seed(uow_factory, name="fresh", created_at=NOW - timedelta(days=3))
    with uow_factory() as uow:
        for number, kind in ((quiet, ActivityKind.SYSTEM), (called, ActivityKind.CALL)):
            lead = uow.leads.get(CONSOLE_WORKSPACE, number)
            uow.activities.add(lead, Activity(kind, "x", ANN, NOW - timedelta(days=1)))
        uow.commit()
    admin = context_of(config, ADA)
    assert listed(uow_factory, admin, "stale:>14d") == ["quiet"]
    assert listed(uow_factory, admin, "sort:stale") == ["quiet", "fresh", "called"]
    manager = context_of(config, MIA)  # a team's list: each lead's last touch looked up alone
    assert listed(uow_factory, manager, "stale:>14d") == ["quiet"]
    assert listed(uow_factory, manager, "stale:<7d sort:stale") == ["fresh", "called"]
    assert fresh


def test_stage_reads_the_score_stage(uow_factory, config):
    seed(uow_factory, name="plain")
    mql = seed(uow_factory, name="mql")
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, mql)
        uow._session.add(LeadScoreRow(lead_id=lead.id, team_id=CONSOLE_WORKSPACE, stage="mql"))
        uow.commit()
    assert listed(uow_factory, context_of(config, ADA), "stage:mql,sql") == ["mql"]


def test_pages_of_twenty_with_the_total(uow_factory, config):
    for n in range(45):
        seed(uow_factory, name=f"L{n:02}", score=n)
    cmd = ListLeads(filter=LeadFilter(), page=3)
    result = list_leads(cmd, uow_factory(), context_of(config, ADA))
    assert (result.total, result.pages, [lead.name for lead in result.leads]) == (
        45,
        3,
        ["L04", "L03", "L02", "L01", "L00"],
    )
    past = list_leads(ListLeads(page=9), uow_factory(), context_of(config, ADA))
    assert (past.total, past.leads) == (45, ())
