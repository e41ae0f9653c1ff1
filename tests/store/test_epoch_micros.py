"""store/sql.epoch_micros: a stored time as whole microseconds since 1970, exact on both
databases, and on SQLite the same whether unixepoch() (3.38+) or the julianday() arithmetic
of older versions counts the seconds."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from store.sql import epoch_micros, sqlite_seconds
from store.tables import LeadRow
from store.unit_of_work import UowFactory

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MOMENTS = [
    datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
    datetime(2026, 2, 28, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2024, 2, 29, 0, 0, 0, 1, tzinfo=UTC),
    datetime(2000, 1, 1, 6, 30, 15, 500_000, tzinfo=UTC),
]


def _stored(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for number, moment in enumerate(MOMENTS, start=1):
            uow.session.add(
                LeadRow(team_id="T0EPOCH", number=number, name=f"L{number}", status="new", search_text="",
                        cycle=1, created_by="U1", created_at=moment, updated_at=moment)
            )  # fmt: skip
        uow.commit()


def test_a_stored_time_reads_as_its_microseconds_since_1970(uow_factory: UowFactory) -> None:
    _stored(uow_factory)
    with uow_factory() as uow:
        micros = epoch_micros(uow.session, LeadRow.created_at)
        found = uow.session.execute(sa.select(micros).order_by(LeadRow.number)).scalars().all()
    assert found == [(moment - EPOCH) // timedelta(microseconds=1) for moment in MOMENTS]


def test_sqlite_counts_the_same_seconds_with_or_without_unixepoch(uow_factory: UowFactory) -> None:
    _stored(uow_factory)
    with uow_factory() as uow:
        if uow.session.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL has one way: extract(epoch)")
        text = sa.func.substr(LeadRow.created_at, 1, 19)
        query = sa.select(sqlite_seconds(text, (3, 38, 0)), sqlite_seconds(text, (3, 37, 2)))
        found = uow.session.execute(query.order_by(LeadRow.number)).all()
    assert [tuple(row) for row in found] == [(int((m - EPOCH).total_seconds()),) * 2 for m in MOMENTS]
