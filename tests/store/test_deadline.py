"""The deadline of a request binds the thread that answers it, not the work it leaves behind."""

import threading
from contextvars import copy_context

from store.deadline import answering, seconds_left
from store.engine import reading_only


def in_another_thread(context, read):
    seen = []
    worker = threading.Thread(target=context.run, args=(lambda: seen.append(read()),))
    worker.start()
    worker.join()
    return seen[0]


def test_work_after_the_ack_does_not_inherit_a_deadline_that_has_passed():
    """Lazy listeners run in a copy of the request's context (for its log lines' request id):
    they would otherwise start with no time left and fail every database call."""
    with answering(0.0):
        assert seconds_left() == 0.0
        after_the_ack = copy_context()
    assert seconds_left() is None
    assert in_another_thread(after_the_ack, seconds_left) is None


def test_a_copy_of_a_reading_context_in_another_thread_may_write():
    from store import engine

    def reads_only() -> bool:
        return engine._READING.get() == threading.get_ident()

    with reading_only():
        assert reads_only()
        copied = copy_context()
    assert in_another_thread(copied, reads_only) is False
