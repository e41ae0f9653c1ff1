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
        counts = [
            connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("leads", "activities", "reminders")
        ]
        assert counts == [1, 1, 1]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_leads_from_before_closing_are_first_cycles_and_the_step_can_be_undone(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0002")
        connection.exec_driver_sql(SEED[0])
        connection.commit()
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT cycle FROM leads")).scalar() == 1
        command.downgrade(alembic_config(connection), "-1")
        command.upgrade(alembic_config(connection), "head")
        connection.commit()
        assert connection.execute(sa.text("SELECT count(*) FROM leads")).scalar() == 1


def test_leads_filed_under_older_blocking_keys_are_filed_under_todays(tmp_path):
    from domain.matching.dedupe import MatchRecord, blocking_keys

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0026")
        connection.exec_driver_sql(
            "INSERT INTO leads (id, team_id, number, name, company, status, score, search_text, created_by, "
            "created_at, updated_at) VALUES (1, 'T1', 1, 'Lucas Ryan', 'Walker Crescent Belrose', 'new', 0, "
            "'', 'U1', '2026-01-01', '2026-01-01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO lead_match_keys (lead_id, key, team_id) VALUES (1, 'w:L220|C625', 'T1')"
        )
        connection.commit()
    upgrade(engine)
    with engine.connect() as connection:
        filed = set(
            connection.execute(sa.text("SELECT key FROM lead_match_keys WHERE lead_id = 1")).scalars()
        )
    assert filed == blocking_keys(MatchRecord(1, "Lucas Ryan", company="Walker Crescent Belrose"))
    assert "w:L220|C625" not in filed


def test_leads_stored_before_are_found_without_their_accents(tmp_path):
    from domain.book.search import rank

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0027")
        connection.exec_driver_sql(
            "INSERT INTO leads (id, team_id, number, name, company, status, score, search_text, created_by, "
            "created_at, updated_at) VALUES (1, 'T1', 1, 'Zoë Ångström', 'Volvo AB', 'new', 0, "
            "'Zoë Ångström Volvo AB', 'U1', '2026-01-01', '2026-01-01')"
        )
        connection.commit()
    upgrade(engine)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT search_text FROM leads WHERE id = 1")).scalar_one()
    assert stored == "Zoe Angstrom Volvo AB"
    assert [key for key, _ in rank("angstrom", {1: stored}, 5)] == [1]
