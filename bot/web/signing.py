"""How a webhook sender proves a request is theirs and fresh: a timestamp signed together
with the body, as Slack signs its own requests (`v0:{timestamp}:{body}`, refused outside
five minutes), so a request captured on the way cannot be played again later.

The first scheme signed the body alone; it is still taken, with a warning in the log for
every request, until LEGACY_ENDS, so senders have time to move."""

import hashlib
import hmac
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

SIGNATURE_HEADER = "X-Leadbot-Signature"
TIMESTAMP_HEADER = "X-Leadbot-Timestamp"
VERSION = "v1"
TOLERANCE_SECONDS = 300  # either side of our clock, as Slack allows its own requests
LEGACY_PREFIX = "sha256="
LEGACY_ENDS = date(2027, 6, 30)  # the last day (UTC) a body-only signature is taken

HOW_TO_SIGN = (
    f"send {TIMESTAMP_HEADER}: <the current Unix time in seconds> and {SIGNATURE_HEADER}: "
    f'{VERSION}=<hex HMAC-SHA256, keyed with the webhook secret, of "{VERSION}:<timestamp>:<raw body>">'
)


class Scheme(StrEnum):
    CURRENT = VERSION
    LEGACY = "sha256"  # the body alone: replayable, see LEGACY_ENDS


class Refused(Exception):
    """Not signed as HOW_TO_SIGN says, or signed too long ago: the 401's message says why
    and how to sign; `reason` alone is for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}: {HOW_TO_SIGN}")
        self.reason = reason


def verify(secret: bytes, body: bytes, headers: Mapping[str, str], now: datetime) -> Scheme:
    """Which scheme signed this request; Refused when none did, or the signature is stale."""
    given = header(headers, SIGNATURE_HEADER).strip()
    if not given:
        raise Refused(f"missing {SIGNATURE_HEADER}")
    if given.lower().startswith(LEGACY_PREFIX):
        return _legacy(secret, body, given, now)
    stamp = header(headers, TIMESTAMP_HEADER).strip()
    if not (stamp.isascii() and stamp.isdigit()):
        raise Refused(f"missing or malformed {TIMESTAMP_HEADER}")
    if not _same(sign(secret, body, int(stamp)), given):
        raise Refused("bad signature")
    drift = abs(now.timestamp() - int(stamp))
    if drift > TOLERANCE_SECONDS:
        raise Refused(
            f"{TIMESTAMP_HEADER} is {drift:.0f} s from our clock, more than {TOLERANCE_SECONDS} "
            "(sign each request as you send it)"
        )
    return Scheme.CURRENT


def verify_any(
    secrets: Mapping[str, bytes], body: bytes, headers: Mapping[str, str], now: datetime
) -> tuple[str, Scheme]:
    """Whose secret signed this request (each workspace has its own: bot/web/webhook_keys.py), and
    how; Refused when none did. Every secret is tried, so timing tells nothing of which."""
    found: tuple[str, Scheme] | None = None
    for owner, secret in secrets.items():
        try:
            scheme = verify(secret, body, headers, now)
        except Refused as refused:
            if refused.reason != "bad signature":
                raise  # malformed for every secret, or signed by this one too long ago
            continue
        found = found or (owner, scheme)
    if found is None:
        raise Refused("bad signature")
    return found


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    """The signature header's value for this body at this Unix time."""
    message = f"{VERSION}:{timestamp}:".encode() + body
    return f"{VERSION}=" + hmac.new(secret, message, hashlib.sha256).hexdigest()


def legacy_accepted_on(now: datetime) -> bool:
    return now.date() <= LEGACY_ENDS


def header(headers: Mapping[str, str], name: str) -> str:
    """HTTP header names are case-insensitive."""
    return next((value for key, value in headers.items() if key.lower() == name.lower()), "")


def _legacy(secret: bytes, body: bytes, given: str, now: datetime) -> Scheme:
    expected = LEGACY_PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not _same(expected, given):
        raise Refused("bad signature")
    if not legacy_accepted_on(now):
        raise Refused(f"the body-only {LEGACY_PREFIX} signature was taken until {LEGACY_ENDS}")
    return Scheme.LEGACY


def _same(expected: str, given: str) -> bool:
    """Constant time, so timing reveals nothing. Bytes, not str: compare_digest refuses
    non-ASCII str, and a header may hold anything."""
    return hmac.compare_digest(expected.encode(), given.lower().encode("utf-8", "replace"))
