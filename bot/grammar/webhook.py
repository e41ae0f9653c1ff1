"""`webhook [rotate]`, for admins: the workspace's webhook address and secret, or a new secret
(the listener, bot/listeners/installs.py, checks who asks)."""

from bot.grammar.kinds import Choice
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import Area, Arg, SubcommandSpec, Values
from handlers.commands import Command

NAME = "webhook"


class WebhookSecretRequest(Command):
    """Show the workspace's webhook secret, or replace it."""

    rotate: bool = False


class Verb(Choice):
    def shape(self, placeholder: str, optional: bool) -> str:
        return f"[{placeholder}]"


def _request(values: Values, env: ParseEnv) -> WebhookSecretRequest:
    return WebhookSecretRequest(rotate=values.get("action") == "rotate")


WEBHOOK = SubcommandSpec(
    NAME,
    "Admins: the web-form and events webhook address and its secret (only you see it); "
    "`rotate` makes a new secret and the old one stops working",
    (
        Arg(
            "action",
            Verb({"rotate": "rotate"}, invalid="`{token}` is not `rotate`: `/lead webhook rotate`."),
            optional=True,
            what="`rotate`",
        ),
    ),
    ("/lead webhook", "/lead webhook rotate"),
    _request,
)

AREA = Area("Webhooks", (WEBHOOK,))


def asks_for_webhook(text: str) -> bool:
    """`/lead webhook ...`: its own listener answers it (it reads and writes the secret)."""
    words = text.split(maxsplit=1)
    return bool(words) and words[0].lower() == NAME
