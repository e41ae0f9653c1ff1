"""Rows prepared in a second process: the same leads, problems and outcome as prepared here."""

import multiprocessing
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from import_support import OTHER_WORKSPACE, random_rows, rows, stored
from support import NOW

import handlers.importing.batches as import_batches
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.permissions import system_actor
from handlers.context import Context
from handlers.importing.batches import PreparedBatch, prepared_batches
from handlers.importing.pipeline import import_leads
from handlers.importing.rows import ImportProblem, Incoming

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the second process is forked"
)
ALWAYS = 1  # pool_from: every file is prepared in a second process
NEVER = 1 << 30


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the second processes started. Forking is allowed although the test process may
    run threads of its own (the Slack stand-in's): the child touches none of them."""
    started: list[int] = []
    real = import_batches._worker

    def counted(*args: Any) -> AbstractContextManager[Iterator[PreparedBatch]]:
        started.append(1)
        return real(*args)

    monkeypatch.setattr(import_batches, "_may_fork", lambda: True)
    monkeypatch.setattr(import_batches, "_worker", counted)
    return started


def context(config: LeadbotConfig, workspace: str) -> Context:
    return Context(system_actor(workspace, "import"), NOW, config)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_prepared_in_a_second_process_imports_as_one_prepared_here(
    uow_factory, config, workers, seed, dry_run
):
    source = rows(*random_rows(seed, 60))
    here = import_leads(
        source,
        uow_factory(),
        context(config, OTHER_WORKSPACE),
        batch_rows=7,
        pool_from=NEVER,
        dry_run=dry_run,
    )
    assert not workers

    there = import_leads(
        source,
        uow_factory(),
        context(config, CONSOLE_WORKSPACE),
        batch_rows=7,
        pool_from=ALWAYS,
        dry_run=dry_run,
    )

    assert workers == [1]
    assert there == here
    assert stored(uow_factory) == stored(uow_factory, OTHER_WORKSPACE)


def test_a_small_file_is_prepared_here(uow_factory, config, workers):
    result = import_leads(rows(*random_rows(3, 20)), uow_factory(), context(config, CONSOLE_WORKSPACE))

    assert not workers
    assert result.created


def test_each_take_of_a_batch_makes_its_leads_afresh(config, workers):
    ctx = context(config, CONSOLE_WORKSPACE)
    batches = prepared_batches(rows(*random_rows(4, 30)), ctx, 10, pool_from=ALWAYS)
    first = next(batches)

    taken, again = first.take(), first.take()

    assert (first.first_row, first.last_row) == (2, 11)
    assert taken == again
    assert all(one is not other for one, other in zip(taken, again, strict=True) if isinstance(one, Incoming))
    assert any(isinstance(item, ImportProblem) for batch in [first, *batches] for item in batch.take())


def test_an_import_that_stops_early_ends_its_second_process(config, workers):
    batches = prepared_batches(rows(*random_rows(5, 60)), context(config, CONSOLE_WORKSPACE), 5, ALWAYS)
    next(batches)

    batches.close()

    assert workers == [1]
    assert not multiprocessing.active_children()


def test_a_failure_in_the_second_process_stops_the_import(uow_factory, config, workers, monkeypatch):
    def broken(*args: Any) -> Any:
        raise MemoryError("out of memory")

    monkeypatch.setattr(import_batches, "prepare", broken)  # the forked process inherits it

    with pytest.raises(RuntimeError, match="MemoryError: out of memory"):
        import_leads(
            rows(*random_rows(6, 10)), uow_factory(), context(config, CONSOLE_WORKSPACE), pool_from=ALWAYS
        )
    assert not multiprocessing.active_children()
