"""Local Slack stand-in: a recording Web API server and a request signer (tests, console)."""

from bot.local.standin.server import ApiCall, FakeSlack
from bot.local.standin.signer import SignedRequest, SlackSigner

__all__ = ["ApiCall", "FakeSlack", "SignedRequest", "SlackSigner"]
