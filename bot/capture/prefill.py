"""Lead details read out of a Slack message, to prefill the capture form."""

import re
from urllib.parse import urlsplit

import phonenumbers

from bot.capture.form import FormValues
from bot.grammar.tokens import unescape_slack
from domain.capture.enrich import company_domain, company_from_domain
from domain.capture.names import split_email
from domain.capture.normalize import name_from_email
from domain.matching.dedupe import is_free_mail

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"https?://[^\s<>|]+")
_QUOTES = "\"“”'‘’"
MAX_NAME_WORDS = 4
# Hosts that name a platform, not the prospect's company: a LinkedIn link says nothing of where they work.
PLATFORM_HOSTS = frozenset(
    [
        "slack.com", "linkedin.com", "twitter.com", "x.com", "facebook.com", "instagram.com",
        "youtube.com", "youtu.be", "google.com", "github.com", "zoom.us", "calendly.com",
        "bit.ly", "t.co", "medium.com", "notion.so", "wikipedia.org",
    ]
)  # fmt: skip


def prefill(text: str, region: str) -> FormValues:
    """From `text` as Slack sends it (escaped, links as <mailto:...|...>): the first email
    and phone number, a name (written before the address, as in `Jon Smithers <jon@acme.com>`,
    else from the address), and a company (from a company email domain, else from a link).
    Only suggestions: the rep sees and edits them before saving."""
    plain = unescape_slack(text)  # <mailto:a@b.co|a@b.co> -> a@b.co, &lt; -> <
    email = _first_email(plain)
    return FormValues(
        name=_name(plain, email),
        email=email,
        phone=first_phone(plain, region),
        company=_company(plain, email),
    )


def _first_email(text: str) -> str | None:
    found = _EMAIL.search(text)
    return found[0] if found else None


def _name(text: str, email: str | None) -> str | None:
    if email is None:
        return None
    return name_before(text, email) or _name_of_mailbox(email)


def name_before(text: str, email: str) -> str | None:
    """`Jon Smithers <jon@acme.com>` or `"Jon Smithers" <jon@acme.com>`: the capitalised words
    right before the bracketed address, so "From: Jon Smithers <...>" gives Jon Smithers."""
    bracketed = re.search(rf"<\s*{re.escape(email)}\s*>", text, re.IGNORECASE)
    if bracketed is None:
        return None
    line = text[: bracketed.start()].rsplit("\n", 1)[-1]
    picked: list[str] = []
    for word in (w.strip(_QUOTES) for w in reversed(line.split())):
        if not word[:1].isupper() or word.endswith(":") or len(picked) == MAX_NAME_WORDS:
            break
        picked.insert(0, word)
    return " ".join(picked) or None


def _name_of_mailbox(email: str) -> str | None:
    # info@, sales@ and the like name a desk, not a person.
    mailbox, _ = split_email(email)
    return name_from_email(email) if mailbox else None


def first_phone(text: str, region: str) -> str | None:
    """Only numbers valid in their region, so dates, amounts and order numbers are passed over."""
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return None


def _company(text: str, email: str | None) -> str | None:
    domain = company_domain(email) or _link_domain(text)
    return (company_from_domain(domain) or None) if domain else None


def _link_domain(text: str) -> str | None:
    for url in _URL.findall(text):
        host = (urlsplit(url).hostname or "").lower()
        if _names_a_company(host):
            return host
    return None


def _names_a_company(host: str) -> bool:
    top_level = host.rsplit(".", 1)[-1]
    if "." not in host or not top_level.isalpha() or is_free_mail(host):  # an IP address, or gmail.com
        return False
    return not any(host == known or host.endswith("." + known) for known in PLATFORM_HOSTS)
