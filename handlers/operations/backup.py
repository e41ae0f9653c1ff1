"""`leadbot backup` and `leadbot restore`: the operator's use cases over store.operations.backup, with
the policy: PostgreSQL has its own tools, and a restore replaces data only when told to."""

from pathlib import Path

from store.operations.backup import BackupRefused, Copied, back_up, leads_held, restore, sqlite_file

__all__ = ["BackupRefused", "Copied", "back_up_database", "restore_database"]

PG_DUMP = (
    "This database is PostgreSQL: back it up with its own tools, which copy a consistent "
    'snapshot while Leadbot runs: `pg_dump --format=custom --file=leadbot.dump "$DATABASE_URL"`, '
    'and restore with `pg_restore --clean --if-exists --dbname="$DATABASE_URL" leadbot.dump` '
    "(use a postgresql:// URL, without `+psycopg`)."
)


def _database_file(database_url: str) -> Path:
    path = sqlite_file(database_url)
    if path is None:
        raise BackupRefused(PG_DUMP)
    return path


def back_up_database(database_url: str, target: Path) -> Copied:
    database = _database_file(database_url)
    if target.resolve() == database.resolve():
        raise BackupRefused(f"{target} is the database itself: name another file.")
    if not target.parent.is_dir():
        raise BackupRefused(f"There is no folder {target.parent}: name a file in a folder that exists.")
    return back_up(database, target)


def restore_database(database_url: str, backup: Path, replace: bool) -> Copied:
    """Refuses to replace a database holding leads (a running Leadbot's, perhaps) unless
    `replace`: then it is replaced through SQLite's locks, safe even while Leadbot runs."""
    database = _database_file(database_url)
    if backup.resolve() == database.resolve():
        raise BackupRefused(f"{backup} is the database itself: name the backup file.")
    if not backup.is_file():  # before asking for --yes to replace anything with it
        raise BackupRefused(f"There is no file at {backup}.")
    held = leads_held(database)
    if held and not replace:
        raise BackupRefused(
            f"{database} holds {held:,} leads and may be in use by a running Leadbot: restoring "
            f"replaces everything in it. Add --yes to replace it."
        )
    return restore(backup, database)
