"""A report's cohort as the database sums it (store/reporting/cohort.py), on SQLite and PostgreSQL: leads
alike counted together, the medians of the times between stages taken in SQL (odd and even
counts, ties, spans that end before they start), first contacts to the microsecond."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from domain.lifecycle import LeadStatus
from domain.reporting.funnel import Cohort, CohortGroup, FirstContact
from store.reporting.reports import ReportReads, ReportScope
from store.tables import AssignmentRow, LeadRow, LeadScoreRow
from store.unit_of_work import UowFactory

TEAM = "T0COHORT"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
T0 = NOW - timedelta(days=20)
D = timedelta(days=1)


def seed(uow_factory: UowFactory, *leads: dict[str, Any]) -> None:
    """Leads captured at T0, each with its stage times: contacted (after it was handed to a
    rep, "handed" alone if nobody contacted it), mql, sql, and closed."""
    with uow_factory() as uow:
        for number, lead in enumerate(leads, start=1):
            created = lead.get("created", T0)
            row = LeadRow(
                team_id=TEAM, number=number, name=f"Lead {number}", status=str(lead.get("status", "new")),
                source=lead.get("source", "web"), score=0, sales_team="sales",
                owner_id=lead.get("owner", "U1"),
                search_text="", cycle=1, created_by="U0", created_at=created, updated_at=created,
                closed_at=lead.get("closed"), deal_value=lead.get("value"),
            )  # fmt: skip
            uow.session.add(row)
            uow.session.flush()
            if lead.get("mql") or lead.get("sql"):
                stages = {"mql_at": lead.get("mql"), "sql_at": lead.get("sql")}
                uow.session.add(LeadScoreRow(lead_id=row.id, team_id=TEAM, stage="mql", **stages))
            if lead.get("contacted") or lead.get("handed"):
                handed = {"sales_team": "sales", "rep_id": "U1", "state": "approved", "reasons": [],
                          "created_by": "U0", "created_at": created}  # fmt: skip
                uow.session.add(AssignmentRow(team_id=TEAM, lead_id=row.id, **handed,
                                              first_contact_at=lead.get("contacted")))  # fmt: skip
        uow.commit()


def cohort(uow_factory: UowFactory) -> Cohort:
    with uow_factory() as uow:
        return ReportReads(uow.session, ReportScope(TEAM), NOW - 30 * D, NOW).cohort()


def test_the_furthest_stage_known_and_the_median_days_in_each(uow_factory):
    seed(
        uow_factory,
        {},  # captured only
        {"status": LeadStatus.CONTACTED, "contacted": T0 + D},
        {"status": LeadStatus.CONTACTED, "contacted": T0 + 3 * D, "mql": T0 + 4 * D},
        # converted on the first call: every stage counts it, its unknown times do not
        {"status": LeadStatus.CONVERTED, "closed": T0 + 10 * D, "value": Decimal(900)},
    )
    found = cohort(uow_factory)

    assert sorted(found.groups, key=lambda g: (g.status, g.contacted, g.mql)) == [
        CohortGroup("web", LeadStatus.CONTACTED, 1, contacted=True, handed_over=1),
        CohortGroup("web", LeadStatus.CONTACTED, 1, contacted=True, mql=True, handed_over=1),
        CohortGroup("web", LeadStatus.CONVERTED, 1, value_won=Decimal(900)),
        CohortGroup("web", LeadStatus.NEW, 1),
    ]
    assert found.stage_days == (2.0, 1.0, None, None)  # 1 and 3 days to contact: even, the mean
    assert found.convert_days == {"web": 10.0}


def test_medians_of_odd_and_even_counts_and_ties(uow_factory):
    won = {"status": LeadStatus.CONVERTED}
    seed(
        uow_factory,
        *({**won, "source": "webinar", "closed": T0 + days * D} for days in (4, 8)),
        *({**won, "source": "referral", "closed": T0 + days * D} for days in (9, 1, 2)),
        *({**won, "source": "fair", "closed": T0 + days * D} for days in (3, 3, 5, 3)),
        {"status": LeadStatus.NEW, "source": "cold call"},
    )

    assert cohort(uow_factory).convert_days == {"webinar": 6.0, "referral": 2.0, "fair": 3.0}


def test_a_stage_that_ends_before_it_starts_is_left_out_of_its_median(uow_factory):
    seed(
        uow_factory,
        {"status": LeadStatus.QUALIFIED, "mql": T0 + 2 * D, "sql": T0 + D},  # SQL before MQL: a data slip
        {"status": LeadStatus.QUALIFIED, "mql": T0 + 2 * D, "sql": T0 + 5 * D},
    )

    assert cohort(uow_factory).stage_days == (None, None, 3.0, None)


def test_first_contacts_to_the_microsecond_and_a_handed_lead_not_contacted(uow_factory):
    late = timedelta(minutes=90, microseconds=1)
    seed(
        uow_factory,
        {"status": LeadStatus.CONTACTED, "contacted": T0 + late, "owner": "U2"},
        {"handed": True},
        {"status": LeadStatus.CONTACTED},  # a rep's own capture: never handed over
    )
    found = cohort(uow_factory)

    assert found.contacts == (FirstContact("sales", "U2", late.total_seconds() / 60),)
    assert sum(group.handed_over for group in found.groups) == 2
    assert found.stage_days[0] == late.total_seconds() / 86400


def test_an_empty_period_is_an_empty_cohort(uow_factory):
    seed(uow_factory, {"created": NOW - 40 * D})  # captured before the period

    assert cohort(uow_factory) == Cohort()


def test_only_the_workspace_asked_for_counts(uow_factory):
    seed(uow_factory, {})
    with uow_factory() as uow:
        uow.session.execute(sa.update(LeadRow).values(team_id="T0OTHER"))
        uow.commit()

    assert cohort(uow_factory).groups == ()
