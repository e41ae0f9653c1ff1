"""The page cache an import widens on SQLite, and puts back."""

from store.importing.page_cache import IMPORT_CACHE_KIB, restore_page_cache, widen_page_cache


def cache_size(uow) -> int:
    return int(uow.session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one())


def test_the_sqlite_page_cache_is_widened_for_an_import_and_put_back(uow_factory):
    with uow_factory() as uow:
        before = widen_page_cache(uow)
        if before is None:
            assert uow.session.get_bind().dialect.name != "sqlite"  # nothing to widen elsewhere
            return
        widened = cache_size(uow)
        restore_page_cache(uow, before)

        assert widened == -IMPORT_CACHE_KIB
        assert cache_size(uow) == before
