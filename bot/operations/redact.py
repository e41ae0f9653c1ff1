"""What a log line must never carry: tokens, secrets, signatures, emails and phone numbers.

Applied to every formatted message and traceback (bot/operations/logs.py), whoever logged it: our code,
Bolt, slack_sdk at DEBUG (which prints request bodies, lead cards included). Patterns catch
what has a shape; the configured secrets are removed by value as well. A long number that only
looks like a phone (an epoch time, a count with separators) is masked too: better a lost
number than a leaked one."""

import re
from collections.abc import Iterable

SLACK_TOKEN = re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+")
SIGNATURE = re.compile(r"\b(v\d+|sha256)=[0-9a-fA-F]{32,}")
BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}")
# Slack escapes mail links as <mailto:a@b.co|a@b.co>; both halves match.
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A run of 7 to 15 digits with the separators phone numbers are written with.
PHONE = re.compile(r"(?<![\w.:/-])\+?\(?\d[\d ().-]{5,20}\d(?![\w:/-])")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[secret]")
    text = SLACK_TOKEN.sub("[token]", text)
    text = SIGNATURE.sub(r"\1=[signature]", text)
    text = BEARER.sub("Bearer [token]", text)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub(_phone, text)


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(char.isdigit() for char in found)
    if not 7 <= digits <= 15 or ISO_DATE.search(found):
        return found
    return "[phone]"
