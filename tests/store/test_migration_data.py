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


def database_at(tmp_path, revision: str, *statements: str) -> sa.Engine:
    """A SQLite database migrated to `revision`, holding what `statements` insert."""
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), revision)
        for statement in statements:
            connection.exec_driver_sql(statement)
        connection.commit()
    return engine


def lead_row(name: str, company: str, search_text: str = "") -> str:
    return (
        "INSERT INTO leads (id, team_id, number, name, company, status, score, search_text, created_by, "
        f"created_at, updated_at) VALUES (1, 'T1', 1, '{name}', '{company}', 'new', 0, '{search_text}', "
        "'U1', '2026-01-01', '2026-01-01')"
    )


def test_upgrading_from_the_first_revision_keeps_activities_and_reminders(tmp_path):
    engine = database_at(tmp_path, "0001", *SEED)
    upgrade(engine)
    with engine.connect() as connection:
        counts = [
            connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("leads", "activities", "reminders")
        ]
        assert counts == [1, 1, 1]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_leads_from_before_closing_are_first_cycles_and_the_step_can_be_undone(tmp_path):
    engine = database_at(tmp_path, "0002", SEED[0])
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT cycle FROM leads")).scalar() == 1
        command.downgrade(alembic_config(connection), "-1")
        command.upgrade(alembic_config(connection), "head")
        connection.commit()
        assert connection.execute(sa.text("SELECT count(*) FROM leads")).scalar() == 1


def test_leads_filed_under_older_blocking_keys_are_filed_under_todays(tmp_path):
    from domain.matching.dedupe import MatchRecord, blocking_keys

    old_key = "INSERT INTO lead_match_keys (lead_id, key, team_id) VALUES (1, 'w:L220|C625', 'T1')"
    engine = database_at(tmp_path, "0026", lead_row("Lucas Ryan", "Walker Crescent Belrose"), old_key)
    upgrade(engine)
    with engine.connect() as connection:
        filed = set(
            connection.execute(sa.text("SELECT key FROM lead_match_keys WHERE lead_id = 1")).scalars()
        )
    assert filed == blocking_keys(MatchRecord(1, "Lucas Ryan", company="Walker Crescent Belrose"))
    assert "w:L220|C625" not in filed


def test_leads_stored_before_are_found_without_their_accents(tmp_path):
    from domain.book.search import rank

    engine = database_at(tmp_path, "0027", lead_row("Zoë Ångström", "Volvo AB", "Zoë Ångström Volvo AB"))
    upgrade(engine)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT search_text FROM leads WHERE id = 1")).scalar_one()
    assert stored == "Zoe Angstrom Volvo AB"
    assert [key for key, _ in rank("angstrom", {1: stored}, 5)] == [1]
