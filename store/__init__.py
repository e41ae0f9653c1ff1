"""Persistence: SQLAlchemy mappings, repositories, unit of work, outbox, migrations."""
