"""Commands queued at the ack because the server was busy, and the job that carries
them out: the same handlers, the answer sent through the outbox."""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from domain.config import LeadbotConfig
from domain.deferred import DeferredCommand
from domain.errors import DomainError
from domain.messages import MessageKind, OutboxMessage
from domain.permissions import Action, require
from handlers.capture import build_lead
from handlers.commands import AddLead
from handlers.context import Context
from handlers.deliver import UowFactory
from handlers.registry import dispatch
from handlers.results import AddQueued, Result
from store.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # far beyond one capture; a claimer that died frees its batch then
BATCH = 20
MAX_ATTEMPTS = 5  # faults (not bad input) are retried after the lease, then apologised for

# Turns a result, or the error that stopped the command, into the Slack message that answers it.
Answer = Callable[[Result | Exception], dict[str, Any]]


def defer_add(cmd: AddLead, uow: SqlUnitOfWork, ctx: Context, response_url: str | None) -> AddQueued:
    """Check everything the rep typed now, so bad input is still answered in the ack
    and nothing is queued; then store the command before the ack goes out."""
    require(ctx.actor, Action.CAPTURE)
    lead = build_lead(cmd, ctx)
    key = cmd.request_key or f"deferred:{uuid.uuid4()}"
    queued = DeferredCommand(
        team_id=ctx.actor.team_id,
        request_key=key,
        user_id=ctx.actor.user_id,
        command=cmd.model_copy(update={"request_key": key}).model_dump(mode="json"),
        response_url=response_url,
        received_at=ctx.now,
    )
    with uow:
        uow.deferred.add(queued)
        uow.commit()
    return AddQueued(name=lead.name)


def run_deferred(now: datetime, uow_factory: UowFactory, config: LeadbotConfig, answer: Answer) -> int:
    """Carry out one batch of queued commands, oldest first; returns how many were claimed."""
    with uow_factory() as uow:
        claimed = uow.deferred.claim(now, BATCH, LEASE)
        uow.commit()
    for queued in claimed:
        _carry_out(queued, now, uow_factory, config, answer)
    return len(claimed)


def _carry_out(
    queued: DeferredCommand, now: datetime, uow_factory: UowFactory, config: LeadbotConfig, answer: Answer
) -> None:
    # The command happened when the rep sent it: that is the lead's capture time.
    ctx = Context(config.actor(queued.team_id, queued.user_id), queued.received_at, config)
    try:
        message = answer(dispatch(AddLead.model_validate(queued.command), uow_factory(), ctx))
    except DomainError as error:
        message = answer(error)
    except Exception as fault:  # noqa: BLE001 - a fault must not stop the rest of the batch
        log.exception("deferred command %s failed (attempt %d)", queued.request_key, queued.attempts)
        _record_fault(queued, fault, now, uow_factory, answer)
        return
    _finish(queued, message, now, uow_factory)


def _record_fault(
    queued: DeferredCommand, fault: Exception, now: datetime, uow_factory: UowFactory, answer: Answer
) -> None:
    give_up = queued.attempts >= MAX_ATTEMPTS
    with uow_factory() as uow:
        assert queued.id is not None
        uow.deferred.fail(queued.id, repr(fault), give_up=give_up)
        if give_up:
            _queue_answer(uow, queued, answer(fault), now)
        uow.commit()


def _finish(queued: DeferredCommand, message: dict[str, Any], now: datetime, uow_factory: UowFactory) -> None:
    """The answer and the command's end in one transaction: a crash before it
    repeats the command (its request key makes that a replay), never the answer."""
    with uow_factory() as uow:
        assert queued.id is not None
        _queue_answer(uow, queued, message, now)
        uow.deferred.finish(queued.id)
        uow.commit()


def _queue_answer(
    uow: SqlUnitOfWork, queued: DeferredCommand, message: dict[str, Any], now: datetime
) -> None:
    payload = {**queued.answer_to(now), "message": message}
    key = f"answer:{queued.team_id}:{queued.request_key}"
    uow.outbox.add(OutboxMessage(queued.team_id, MessageKind.COMMAND_REPLY, key, payload), now)
