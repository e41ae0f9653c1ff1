"""Normalisation of what people type: names, emails, phone numbers, free text."""

import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from domain.errors import InvalidInput

MAX_NAME = 200
MAX_FIELD = 500


def clean_text(value: str | None, *, field: str, limit: int = MAX_FIELD) -> str | None:
    """Trim, collapse inner whitespace and refuse control characters and overlong values."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if any(unicodedata.category(ch) == "Cc" for ch in text):
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
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput("email", f"'{value}' is not an email address: {exc}") from exc
    return checked.normalized.lower()


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
    digits = sum(ch.isdigit() for ch in token)
    allowed = set("0123456789+-(). ")
    return digits >= 6 and all(ch in allowed for ch in token)


def name_from_email(email: str) -> str:
    """ "dana.scully@fbi.gov" -> "Dana Scully": a readable stand-in when only an address came."""
    local = email.split("@", 1)[0].split("+", 1)[0]
    words = [w for w in local.replace("_", ".").replace("-", ".").split(".") if w]
    return " ".join(w.capitalize() for w in words) or email
