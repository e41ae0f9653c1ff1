"""A database error names what failed, never the values it was given: its text ends up in
logs, and the values are a lead's personal data."""

import pytest
import sqlalchemy as sa

from store.engine import make_engine


def test_a_failed_statement_s_error_hides_its_values(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as failed, engine.connect() as connection:
            connection.execute(sa.text("SELECT no_such_column WHERE :email <> ''"), {"email": "dana@fbi.gov"})
    finally:
        engine.dispose()

    assert "no_such_column" in str(failed.value)
    assert "dana@fbi.gov" not in str(failed.value)
