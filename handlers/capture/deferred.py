"""Commands queued at the ack because the server was busy, and the job that carries
them out: the same handlers, the answer sent through the outbox."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.capture.deferred import DeferredCommand
from domain.config import LeadbotConfig
from domain.delivery.messages import CommandReply, OutboxMessage
from domain.errors import DomainError
from domain.permissions import Action, require
from handlers.capture.pipeline import build_lead
from handlers.commands import AddLead
from handlers.context import Context
from handlers.registry import dispatch
from handlers.results import AddQueued, Result
from store.unit_of_work import UowFactory

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # far beyond one capture; a claimer that died frees its batch then
BATCH = 20
MAX_ATTEMPTS = 5  # faults (not bad input) are retried after the lease, then apologised for

# Turns a result, or the error that stopped the command, into the Slack message that answers it.
Answer = Callable[[Result | Exception], dict[str, Any]]


# Stores a command in the queue before its ack (once per request key).
Enqueue = Callable[[DeferredCommand], None]


def enqueue_in(uow_factory: UowFactory) -> Enqueue:
    """Queue in the database's own table (where store/capture/spool.py has no other place)."""

    def enqueue(command: DeferredCommand) -> None:
        with uow_factory() as uow:
            uow.deferred.add(command)
            uow.commit()

    return enqueue


def defer_add(cmd: AddLead, enqueue: Enqueue, ctx: Context, response_url: str | None) -> AddQueued:
    """Check everything the rep typed now, so bad input is still answered in the ack
    and nothing is queued; then store the command in the queue before the ack goes out."""
    require(ctx.actor, Action.CAPTURE)
    lead = build_lead(cmd, ctx)
    key = cmd.request_key or f"deferred:{uuid.uuid4()}"
    enqueue(
        DeferredCommand(
            team_id=ctx.actor.team_id,
            request_key=key,
            user_id=ctx.actor.user_id,
            command={**cmd.model_dump(mode="json"), "request_key": key},
            response_url=response_url,
            received_at=ctx.now,
        )
    )
    return AddQueued(name=lead.name)


@dataclass(frozen=True, slots=True)
class DeferredWork:
    """What carrying out queued commands needs: the database, the queue (store/capture/spool.py:
    the database itself, or a file of its own beside an SQLite one), and the answers."""

    uow_factory: UowFactory
    spool: UowFactory
    config: LeadbotConfig
    answer: Answer


def run_deferred(now: datetime, work: DeferredWork) -> int:
    """Carry out one batch of queued commands, oldest first; returns how many were claimed."""
    with work.spool() as queue:
        claimed = queue.deferred.claim(now, BATCH, LEASE)
        queue.commit()
    done = [queued.id for queued in claimed if _carry_out(queued, now, work) and queued.id is not None]
    if done:
        # Forgotten together, one short write to the queue rather than one per command:
        # a crash before it repeats them, which their request keys make replays.
        with work.spool() as queue:
            queue.deferred.finish(*done)
            queue.commit()
    return len(claimed)


def _carry_out(queued: DeferredCommand, now: datetime, work: DeferredWork) -> bool:
    """Carry out one command and queue its answer; False if a fault stopped it (recorded,
    to be retried after its lease)."""
    # The command happened when the rep sent it: that is the lead's capture time.
    ctx = Context(work.config.actor(queued.team_id, queued.user_id), queued.received_at, work.config)
    try:
        message = work.answer(dispatch(AddLead.model_validate(queued.command), work.uow_factory(), ctx))
    except DomainError as error:
        message = work.answer(error)
    except Exception as fault:  # noqa: BLE001 - a fault must not stop the rest of the batch
        log.exception("deferred command %s failed (attempt %d)", queued.request_key, queued.attempts)
        _record_fault(queued, fault, now, work)
        return False
    # The answer goes out before the command is forgotten, never the other way round.
    _queue_answer(queued, message, now, work.uow_factory)
    return True


def _record_fault(queued: DeferredCommand, fault: Exception, now: datetime, work: DeferredWork) -> None:
    give_up = queued.attempts >= MAX_ATTEMPTS
    if give_up:
        _queue_answer(queued, work.answer(fault), now, work.uow_factory)
    with work.spool() as queue:
        assert queued.id is not None
        queue.deferred.fail(queued.id, repr(fault), give_up=give_up)
        queue.commit()


def _queue_answer(
    queued: DeferredCommand, message: dict[str, Any], now: datetime, uow_factory: UowFactory
) -> None:
    body = CommandReply.model_validate({**queued.answer_to(now), "message": message})
    key = f"answer:{queued.team_id}:{queued.request_key}"
    with uow_factory() as uow:
        uow.outbox.add(OutboxMessage(queued.team_id, key, body), now)
        uow.commit()
