"""Normalisation of what people type: names, emails, phone numbers, free text."""

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, ValidatedEmail, validate_email

from domain.errors import InvalidInput

MAX_NAME = 200
MAX_FIELD = 500
EMAIL_MAX_BYTES = 254  # RFC 5321, as email-validator counts it
# Unicode's control characters (category Cc) are exactly these 65 code points.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A plain mailbox: a subset of the dot-atom form that email-validator accepts unchanged.
_PLAIN_MAILBOX = re.compile(r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*\Z")


def clean_text(value: str | None, *, field: str, limit: int = MAX_FIELD) -> str | None:
    """Trim, collapse inner whitespace and refuse control characters and overlong values."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if _CONTROL.search(text):
        raise InvalidInput(field, f"The {field} contains control characters.")
    if len(text) > limit:
        raise InvalidInput(field, f"The {field} is {len(text)} characters; keep it under {limit}.")
    return text or None


def clean_name(value: str) -> str:
    name = clean_text(value, field="name", limit=MAX_NAME)
    if not name:
        raise InvalidInput("name", 'A lead needs a name, e.g. `/lead add "Dana Scully"`.')
    return name


def normalize_email(value: str | None) -> str | None:
    """Lower-cased, syntax-checked address; no DNS lookup (no network in the domain)."""
    if not value or not value.strip():
        return None
    address = value.strip()
    fast = _plain_address(address)
    if fast is not None:
        return fast
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput("email", email_refusal(value)) from exc
    return checked.normalized.lower()


def email_refusal(value: str) -> str:
    """What is wrong with an address the library refused, in words a person can act on (the
    library's own are about "the part after the @-sign" and "special-use names")."""
    address = value.strip()
    mailbox, at, domain = address.partition("@")
    if not at:
        problem = "it has no @"
    elif "@" in domain:
        problem = "it has more than one @"
    elif not mailbox or not domain:
        problem = "something is missing " + ("before" if not mailbox else "after") + " the @"
    elif any(ch.isspace() for ch in address):
        problem = "it has a space in it"
    elif "." not in domain:
        problem = f"`{domain}` is not a full domain, like example.com"
    else:
        problem = "it holds a character or a domain an address cannot have"
    return f"'{value}' is not an email address: {problem}. Write it like dana@example.com."


def _plain_address(address: str) -> str | None:
    """What validate_email would make of a plain mailbox at a domain it has already checked,
    or None to ask it. Its checks of a domain (IDNA, the special-use names) are most of its
    cost and depend on the domain alone; a plain mailbox passes its local-part checks as it
    is; the length limits are its own, counted the same way."""
    mailbox, _, domain = address.partition("@")
    if "@" in domain or not _PLAIN_MAILBOX.match(mailbox):
        return None
    checked = _checked_domain(domain)
    if checked is None:
        return None  # a bad domain: validate_email words the reason
    forms = (address, f"{mailbox}@{checked.domain}", f"{mailbox}@{checked.ascii_domain}")
    if any(len(form.encode()) > EMAIL_MAX_BYTES for form in forms):
        return None
    return forms[1].lower()


@lru_cache(maxsize=1 << 14)  # company domains repeat across an import's rows
def _checked_domain(domain: str) -> ValidatedEmail | None:
    try:
        return validate_email(f"x@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None


def normalize_phone(value: str | None, region: str) -> str | None:
    """E.164 form; numbers without a country code are read in the workspace's region."""
    if not value or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("phone", _phone_help(value, region)) from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput("phone", _phone_help(value, region))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_help(value: str, region: str) -> str:
    return (
        f"'{value}' is not a phone number. Write it with a country code, like +1 202 555 0143, "
        f"or as a local number in {region}."
    )


def looks_like_email(token: str) -> bool:
    """Meant as an email (so a typo in it is reported, not taken into the name)."""
    return "@" in token[1:] and " " not in token and not token.startswith("<")


def looks_like_phone(token: str) -> bool:
    """Meant as a phone: six digits or more in a phone's characters, or any number with an
    international `+` (no name starts with one), so that a short number is reported instead
    of taken into the name."""
    digits = sum(ch.isdigit() for ch in token)
    allowed = set("0123456789+-(). ")
    meant = digits >= 6 or (token.startswith("+") and digits > 0)
    return meant and all(ch in allowed for ch in token)


def name_from_email(email: str) -> str:
    """ "dana.scully@fbi.gov" -> "Dana Scully": a readable stand-in when only an address came."""
    local = email.split("@", 1)[0].split("+", 1)[0]
    words = [w for w in local.replace("_", ".").replace("-", ".").split(".") if w]
    return " ".join(w.capitalize() for w in words) or email
