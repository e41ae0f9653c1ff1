"""Sending on the real clock with every sender busy: claims go on while earlier sends are
still out, so a slow Slack call holds up its own conversation only.

deliver_outbox claims a batch, sends it and waits for the slowest call before claiming the
next: with 100 ms a call and a few conversations ready per claim, that is a few dozen
messages a second, whatever Slack's pace allows. Here a claim is made whenever senders are
free (or a moment has passed), each send is recorded as it comes back, and the pump stops
once nothing is due and nothing is out.
"""

import time
from concurrent.futures import FIRST_COMPLETED, Future, wait

from domain.delivery.messages import LEASE, OutboxMessage
from handlers.delivery.deliver import (
    SENDERS,
    SETTLE_EVERY,
    Clock,
    Deliver,
    Outcome,
    attempt,
    claim_paced,
    senders,
    settle,
)
from store.unit_of_work import UowFactory

SEND_WINDOW = LEASE.total_seconds() / 3  # no send starts later than this into its lease
CLAIM_EVERY = 0.05  # seconds: with every conversation at hand busy, look again this soon


def pump(uow_factory: UowFactory, deliver: Deliver, clock: Clock, until: float) -> int:
    """Send what is due as senders come free, until nothing is due and nothing is out (or the
    monotonic `until`); returns how many Slack took."""
    out: set[Future[Outcome]] = set()
    sent, last_claim = 0, 0.0
    while True:
        now = time.monotonic()
        may_claim = now < until and len(out) < SENDERS and now - last_claim >= CLAIM_EVERY
        if may_claim:
            claimed = _claim(uow_factory, deliver, clock, SENDERS - len(out))
            last_claim = 0.0 if claimed else now  # found some: there may be more at once
            out |= claimed
        if not out:
            if may_claim or now >= until:  # nothing due, nothing out
                return sent
            time.sleep(CLAIM_EVERY)
            continue
        busy = len(out) >= SENDERS
        done, out = wait(out, timeout=None if busy else SETTLE_EVERY, return_when=FIRST_COMPLETED)
        outcomes = [future.result() for future in done]
        settle(uow_factory, outcomes)
        sent += sum(outcome.receipt is not None for outcome in outcomes)


def _claim(uow_factory: UowFactory, deliver: Deliver, clock: Clock, free: int) -> set[Future[Outcome]]:
    token, messages, _ = claim_paced(clock(), uow_factory, free, clock)
    started = time.monotonic()

    def send(message: OutboxMessage) -> Outcome:
        if time.monotonic() - started > SEND_WINDOW:
            return Outcome(message, token)  # not tried: given back
        return attempt(message, token, uow_factory, deliver, clock)

    return {senders().submit(send, message) for message in messages}
