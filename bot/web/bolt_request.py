"""BoltRequest that survives slash-command text containing the word "payload"."""

from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context


class SlackRequest(BoltRequest):
    """Bolt's body parser treats any form body containing "payload" as an
    interactive payload, finds no `payload=` field and yields {}: a `/lead note
    L-1 payload arrived` would go unanswered. Parse such bodies as the plain form
    they are. Signature checks still run on the untouched raw body."""

    def __init__(self, *, body: str, headers: dict[str, Any], query: str | None = None) -> None:
        super().__init__(body=body, headers=headers, query=query)
        if self.body == {} and body and not body.lstrip().startswith("{"):
            form = dict(parse_qsl(body, keep_blank_values=True))
            if "payload" not in form:
                self.body = form
                self.context = build_context(BoltContext({}), form)
