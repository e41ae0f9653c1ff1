"""The queued-capture worker: a kick is never lost, even one that lands mid-round."""

import threading
import time

from scheduler.runner import Worker


def test_a_kick_during_a_round_makes_another_round():
    rounds: list[object] = []
    inside, go_on = threading.Event(), threading.Event()

    def job(now):
        rounds.append(now)
        if len(rounds) == 1:
            inside.set()
            go_on.wait(5)

    worker = Worker(job, idle_seconds=60)  # no idle round within the test
    worker.start()
    try:
        worker.kick()
        assert inside.wait(5)
        worker.kick()  # the first round is still running
        go_on.set()
        deadline = time.monotonic() + 5
        while len(rounds) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
    assert len(rounds) == 2


def test_a_failing_round_does_not_stop_the_worker():
    rounds: list[object] = []

    def job(now):
        rounds.append(now)
        if len(rounds) == 1:
            raise RuntimeError("database went away")

    worker = Worker(job, idle_seconds=60)
    worker.start()
    try:
        worker.kick()
        deadline = time.monotonic() + 5
        while not rounds and time.monotonic() < deadline:
            time.sleep(0.01)
        worker.kick()
        while len(rounds) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
    assert len(rounds) == 2


def test_a_round_that_asks_to_run_again_soon_runs_again_without_a_kick():
    """An outbox message moved to its channel's next slot: the round says how soon, and the
    worker wakes then rather than after its idle interval."""
    rounds: list[object] = []

    def job(now):
        rounds.append(now)
        return 0.0 if len(rounds) == 1 else None

    worker = Worker(job, idle_seconds=60)  # no idle round within the test
    worker.start()
    try:
        worker.kick()  # once
        deadline = time.monotonic() + 5
        while len(rounds) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
    assert len(rounds) == 2
