"""store.sql.not_indexed: a batch of leads looked up by id reads those leads, not a team's.

Without statistics SQLite chose a (team_id, ...) or (status, ...) index over the primary key
for `team_id = ? AND id IN (...)`, reading every lead of the workspace for each batch an
import's scoring and routing asked about."""

import sqlalchemy as sa

from domain.lifecycle import LeadStatus
from domain.routing.rules import Placed
from store.sql import not_indexed
from store.tables import LeadRow
from store.unit_of_work import UowFactory
from tests.store.test_repositories import HOME, OTHER, make_lead, stored


def test_the_term_reads_the_same_leads_as_the_plain_column(uow_factory: UowFactory) -> None:
    home = [stored(uow_factory, make_lead(email=f"home{i}@fbi.gov")) for i in range(3)]
    other = stored(uow_factory, make_lead(team_id=OTHER, email="other@fbi.gov"))
    ids = [lead.id for lead in (*home, other)]
    with uow_factory() as uow:
        plain = uow.session.scalars(sa.select(LeadRow.id).where(LeadRow.team_id == HOME, LeadRow.id.in_(ids)))
        unindexed = uow.session.scalars(
            sa.select(LeadRow.id).where(not_indexed(LeadRow.team_id) == HOME, LeadRow.id.in_(ids))
        )
        assert sorted(unindexed) == sorted(plain) == sorted(lead.id for lead in home)


def test_sqlite_looks_the_leads_up_by_their_primary_key(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        connection = uow.session.connection()
        if connection.dialect.name != "sqlite":
            return  # PostgreSQL keeps statistics: the term is the plain column there
        query = sa.select(LeadRow.id).where(
            not_indexed(LeadRow.team_id) == HOME,
            not_indexed(LeadRow.status).in_(["new", "contacted"]),
            LeadRow.id.in_(list(range(1, 500))),
        )
        sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        assert "+leads.team_id" in sql
        assert "PRIMARY KEY" in plan and "ix_leads" not in plan, plan


def test_routing_reads_only_the_workspace_leads_it_was_asked_about(uow_factory: UowFactory) -> None:
    mine = stored(uow_factory, make_lead(owner_id=None))
    theirs = stored(uow_factory, make_lead(team_id=OTHER, email="x@fbi.gov"))
    with uow_factory() as uow:
        placed = uow.routing.placed(HOME, [theirs.id, mine.id])  # type: ignore[list-item]
    assert mine.id is not None and mine.status is LeadStatus.NEW
    assert placed == [Placed(mine.id, mine.number, "sales", None, True)]
