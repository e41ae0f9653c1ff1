"""Migrations keep data: upgrading a database with leads loses none of their history."""

import sqlalchemy as sa
from alembic import command

from store.engine import make_engine
from store.migrate import alembic_config, upgrade

SEED = [
    "INSERT INTO leads (id, team_id, number, name, status, score, search_text, created_by, created_at, "
    "updated_at) VALUES (1, 'T1', 1, 'Dana', 'new', 0, 'Dana', 'U1', '2026-01-01', '2026-01-01')",
    "INSERT INTO activities (id, team_id, lead_id, kind, body, actor_id, created_at) "
    "VALUES (1, 'T1', 1, 'note', 'kept', 'U1', '2026-01-01')",
    "INSERT INTO reminders (id, team_id, lead_id, user_id, due_at, text, status, created_at) "
    "VALUES (1, 'T1', 1, 'U1', '2026-01-02', 'call', 'pending', '2026-01-01')",
]


def test_upgrading_from_the_first_revision_keeps_activities_and_reminders(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001")
        for statement in SEED:
            connection.exec_driver_sql(statement)
        connection.commit()
    upgrade(engine)
    with engine.connect() as connection:
        counts = [connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in
                  ("leads", "activities", "reminders")]
        assert counts == [1, 1, 1]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
