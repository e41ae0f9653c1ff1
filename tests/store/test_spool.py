"""The queue of commands acked before they are carried out (store/capture/spool.py): every ack's
command is stored once, even twenty at a time, and a failed write fails every ack it held."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from support import NOW

from domain.capture.deferred import DeferredCommand
from store.capture.group_commit import GroupCommit
from store.capture.spool import open_spool
from store.tables import DeferredCommandRow


def command(key: str) -> DeferredCommand:
    return DeferredCommand("T1", key, "U1", {"name": f"Lead {key}"}, "https://hooks.example/r", NOW)


def queued(spool) -> list[DeferredCommand]:
    with spool.uow_factory() as queue:
        return queue.deferred.claim(NOW + timedelta(days=1), 1000, timedelta(minutes=1))


def test_twenty_acks_at_once_queue_each_command_once(database_url, database):
    engine, uow_factory = database
    spool = open_spool(database_url, engine, uow_factory)
    keys = [f"k{i}" for i in range(200)]
    barrier = threading.Barrier(20)

    def ack(mine: list[str]) -> None:
        barrier.wait()
        for key in mine:
            spool.add(command(key))
            spool.add(command(key))  # a retried request: still one row

    threads = [threading.Thread(target=ack, args=(keys[i::20],)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    commands = queued(spool)
    assert sorted(c.request_key for c in commands) == sorted(keys)
    assert commands[0].command == {"name": f"Lead {commands[0].request_key}"}
    assert commands[0].received_at == NOW and commands[0].response_url == "https://hooks.example/r"


def test_a_failed_write_fails_every_ack_in_it_and_the_next_write_works():
    written: list[list[int]] = []

    def write(rows: list[int]) -> None:
        if 13 in rows:
            raise OSError("disk full")
        written.append(rows)

    writes = GroupCommit(write, "test-writer")
    with pytest.raises(OSError, match="disk full"):
        writes.submit(13)
    writes.submit(7)
    assert written == [[7]]


def test_commands_queued_in_the_database_move_to_a_queue_file_of_its_own(tmp_path):
    from bot.operations.database import open_database

    url = f"sqlite:///{tmp_path}/leadbot.db"
    engine, uow_factory = open_database(url)
    with uow_factory() as uow:  # left by a server from before the queue had its own file
        uow.deferred.add(command("old"))
        uow.commit()

    spool = open_spool(url, engine, uow_factory)

    assert (tmp_path / "leadbot-queue.db").exists()
    assert [c.request_key for c in queued(spool)] == ["old"]
    with engine.connect() as connection:
        left = connection.execute(sa.select(sa.func.count()).select_from(DeferredCommandRow))
        assert left.scalar_one() == 0
