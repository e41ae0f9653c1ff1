"""The SQLite page cache of a unit of work's connection, widened for a bulk import."""
# https://www.sqlite.org/pragma.html#pragma_cache_size

from store.unit_of_work import SqlUnitOfWork

# An import writes index pages all over leads and lead_match_keys; with SQLite's 2 MB default
# cache it read most of them back from the OS again for every batch (docs/benchmarks.md).
# 128-200 MB read as fast as 256 did; past 100,000 rows the cache is full, and it is the
# largest single part of a long import's memory, which is bounded at 1 GB: 64 MB is what the
# importing process can give (docs/benchmarks.md, "Import speed and memory, 2026-12-07").
IMPORT_CACHE_KIB = 64 * 1024  # an upper bound: SQLite takes pages as it needs them


def widen_page_cache(uow: SqlUnitOfWork) -> int | None:
    """SQLite: room for IMPORT_CACHE_KIB in the connection's page cache. Returns the setting
    it had, for restore_page_cache; elsewhere changes nothing and returns None."""
    if uow.session.get_bind().dialect.name != "sqlite":
        return None
    connection = uow.session.connection()
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size={-IMPORT_CACHE_KIB}")
    return before


def restore_page_cache(uow: SqlUnitOfWork, setting: int) -> None:
    uow.session.connection().exec_driver_sql(f"PRAGMA cache_size={int(setting)}")
