"""Lead numbers under concurrent capture: 1..N per workspace, no gaps, no duplicates."""

import threading
from concurrent.futures import ThreadPoolExecutor

from support import ANN, BEN, context_of

from domain.config import LeadbotConfig
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead
from store.unit_of_work import UowFactory

THREADS, EACH = 8, 25
WORKSPACES = ("T0NORTH", "T0SOUTH")


def test_concurrent_captures_number_each_workspace_one_to_n(
    uow_factory: UowFactory, config: LeadbotConfig
) -> None:
    start = threading.Barrier(THREADS)

    def capture(thread: int) -> list[int]:
        ctx = context_of(config, ANN if thread % 2 else BEN, team=WORKSPACES[thread % 2])
        start.wait()
        return [
            add_lead(AddLead(name=f"Lead {thread}-{i}"), uow_factory(), ctx).lead.number for i in range(EACH)
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        numbers = list(pool.map(capture, range(THREADS)))

    per_workspace = THREADS // 2 * EACH
    for parity, workspace in enumerate(WORKSPACES):
        handed_out = sorted(n for thread in range(parity, THREADS, 2) for n in numbers[thread])
        assert handed_out == list(range(1, per_workspace + 1))
        with uow_factory() as uow:
            assert [lead.number for lead in uow.leads.all(workspace)] == handed_out


def test_two_workspaces_each_start_at_l1(uow_factory: UowFactory, config: LeadbotConfig) -> None:
    refs = [
        add_lead(AddLead(name="Dana Scully"), uow_factory(), context_of(config, ANN, team=team)).lead.ref
        for team in WORKSPACES
    ]

    assert refs == ["L-1", "L-1"]
