"""Queued commands, bot side: answers rendered as Slack messages, and the job the
scheduler runs, which takes the capture slot so acks queue meanwhile."""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.blocks.render import render
from bot.listeners.errors import message_for
from bot.listeners.reply import ephemeral
from domain.config import LeadbotConfig
from handlers.capture.deferred import DeferredWork, run_deferred
from handlers.context import UowFactory
from handlers.results import Result


def answer(outcome: Result | Exception) -> dict[str, Any]:
    message = message_for(outcome) if isinstance(outcome, Exception) else render(outcome)
    return {k: v for k, v in ephemeral(message).items() if v is not None}


def deferred_job(
    uow_factory: UowFactory, spool: UowFactory, config: LeadbotConfig, slot: threading.Lock
) -> Callable[[datetime], int]:
    work = DeferredWork(uow_factory, spool, config, answer)

    def run(now: datetime) -> int:
        # While the queue is worked, new commands queue behind it instead of
        # running beside it: one capture at a time keeps every ack short.
        with slot:
            return run_deferred(now, work)

    return run
