"""Enrichment without network: company and website from an email domain, country
from a phone number, each marked with where it came from."""

import phonenumbers

from domain.capture.names import PUBLIC_SECOND_LEVELS
from domain.lead import Lead
from domain.matching.dedupe import is_free_mail

FROM_EMAIL = {"source": "email", "method": "company domain"}
FROM_PHONE = {"source": "phone", "method": "country calling code"}
FROM_CHANNEL = {"source": "channel", "method": "where the lead came in"}


def enrich(lead: Lead, channel: str | None = None) -> None:
    """Fill only what nobody typed; a value a person gave is never replaced.
    `channel` (web form, import) stands in for a source nobody named."""
    if channel:
        _fill(lead, "source", channel, FROM_CHANNEL)
    domain = company_domain(lead.email)
    if domain:
        _fill(lead, "website", f"https://{domain}", FROM_EMAIL)
        _fill(lead, "company", company_from_domain(domain), FROM_EMAIL)
    country = country_of(lead.phone)
    if country:
        _fill(lead, "country", country, FROM_PHONE)


def _fill(lead: Lead, field: str, value: str, provenance: dict[str, str]) -> None:
    if getattr(lead, field) or not value:
        return
    setattr(lead, field, value)
    lead.enriched[field] = dict(provenance)


def company_domain(email: str | None) -> str | None:
    """The organisation's domain of an address, or None for free-mail providers."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].lower().strip(".")
    return None if not domain or is_free_mail(domain) else domain


def company_from_domain(domain: str) -> str:
    """ "mail.acme-robotics.co.uk" -> "Acme Robotics": the registered name, readable."""
    labels = domain.split(".")[:-1]  # drop the top-level domain
    while len(labels) > 1 and labels[-1] in PUBLIC_SECOND_LEVELS:
        labels.pop()
    core = labels[-1] if labels else ""
    # Short labels are usually acronyms (fbi.gov, ibm.com); longer ones words.
    parts = [p for p in core.replace("_", "-").split("-") if p]
    return " ".join(p.upper() if len(p) <= 3 else p.capitalize() for p in parts)


def country_of(phone: str | None) -> str | None:
    """ISO 3166 alpha-2 region of an E.164 number (US for +1 202..., GB for +44...)."""
    if not phone:
        return None
    number = _read_e164(phone)
    if number is None:  # not written the way normalize_phone writes a number
        try:
            number = phonenumbers.parse(phone, None)
        except phonenumbers.NumberParseException:
            return None
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "ZZ" else None


def _read_e164(phone: str) -> phonenumbers.PhoneNumber | None:
    """The number normalize_phone formatted, read back without parsing it again (parsing cost
    as much as the rest of a lead's enrichment): E.164 is "+", the calling code (no code is
    the start of another), then the national significant number, leading zeros included."""
    digits = phone[1:]
    if phone[0] != "+" or not (digits.isascii() and digits.isdigit()):
        return None
    for size in range(1, min(3, len(digits) - 1) + 1):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return _number(code, digits[size:])
    return None


def _number(code: int, national: str) -> phonenumbers.PhoneNumber:
    # As phonenumbers.parse keeps a national number's leading zeros (Italy: +39 06...).
    zeros = min(len(national) - len(national.lstrip("0")), len(national) - 1)
    return phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int(national),
        italian_leading_zero=zeros > 0 or None,
        number_of_leading_zeros=zeros if zeros > 1 else None,
    )
