"""Alembic migrations (run through store.migrate, no alembic.ini needed)."""
