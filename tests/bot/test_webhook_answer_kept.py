"""A webhook request whose work is committed is answered as done, even when remembering its
answer for replays fails (a database slowed past the request's budget, as bench/load.py met
under load): a 503 for a saved lead would send the sender back to save it again."""

import json

import sqlalchemy as sa
from webhook_support import SECRET, post, signed, start

from bot.web.webhook_keys import OneSecret
from bot.web.webhooks import IN_HAND, WebhookEndpoint
from domain.config import CONSOLE_WORKSPACE
from store.deadline import answering

BODY = json.dumps({"name": "Dana Scully"}).encode()


class Forgetful(WebhookEndpoint):
    """The real endpoint, whose database gives out just after the lead is committed."""

    def remember(self, answer):
        raise sa.exc.TimeoutError("no connection free in time")


def test_a_saved_lead_is_answered_as_saved_though_its_answer_could_not_be_kept(signed_runtime, caplog):
    endpoint = Forgetful(signed_runtime.deps, OneSecret(SECRET, CONSOLE_WORKSPACE), answering)
    server = start(signed_runtime, endpoint.handle)
    try:
        headers = signed(BODY)
        status, answer = post(server, BODY, headers)
        assert status == 201 and answer["id"] == "L-1"
        assert "could not be kept for replays" in caplog.text
        # The replay is not done again: the first is still "in hand" until the window ends.
        assert post(server, BODY, headers) == (409, {"error": IN_HAND})
    finally:
        server.shutdown()
        server.server_close()
    with signed_runtime.uow_factory() as uow:
        assert len(uow.leads.all()) == 1
