"""A row's values read in the row's own context: its phone in its own country, its dates in the
forms CRMs and Excel write. A value that cannot be read is dropped from the row with a warning
(handlers.importing.rows); it never costs the row its name and email."""

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import phonenumbers

# Names people write that are not in the phone library's names of regions (every language's
# official short names are): the common English and ISO spellings.
COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "unitedstatesofamerica": "US", "america": "US",
    "uk": "GB", "greatbritain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northernireland": "GB", "britain": "GB",
    "russianfederation": "RU", "southkorea": "KR", "korearepublicof": "KR", "republicofkorea": "KR",
    "czechrepublic": "CZ", "czechia": "CZ", "holland": "NL", "thenetherlands": "NL", "uae": "AE",
    "turkey": "TR",
    "vietnam": "VN", "ivorycoast": "CI", "hongkongsar": "HK", "macausar": "MO",
}  # fmt: skip
# Country-code domains that companies everywhere use as generic ones: they say nothing of
# where the person is.
GENERIC_CCTLDS = frozenset(
    {"io", "co", "ai", "me", "tv", "ly", "fm", "to", "ws", "cc", "gg", "app", "so", "sh", "ac"}
)
TLD_REGION = {"uk": "GB"}
EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)  # Excel's day 0 (its 1900 leap-year bug included)
EXCEL_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")  # 1982 to 2173: no other date form looks like this
EXCEL_SERIAL_RANGE = (20000, 80000)
# Dates as CRMs write them. Day and month in either order are told apart per value when one
# is over 12, else by the file's order (`day_first`).
_ISO_FORMS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_NUMERIC = re.compile(
    r"(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4}|\d{2})"
    r"(?:[ ,T]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?$"
)
_WORDED_FORMS = (
    "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%b %d, %Y", "%d %b %Y %H:%M", "%d %b %Y", "%B %d, %Y",
    "%d %B %Y", "%d-%b-%Y", "%d-%b-%Y %H:%M",
)  # fmt: skip
MIN_YEAR = 1970


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every region's name in every language the phone library knows -> its ISO code. Its
    names are imported here, at the first country column: they take a third of a second to
    load, more than the rest of `leadbot import`'s start, and most files name no country."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    names = dict(COUNTRY_ALIASES)
    for region, by_language in LOCALE_DATA.items():
        for name in by_language.values():
            if name and not name.startswith("*"):
                names.setdefault(_key(name), region)
    return names


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def region_of_country(text: str | None) -> str | None:
    """ "France", "FR", "Frankreich", "Россия", "日本": the ISO region code, or None."""
    if not text or not text.strip():
        return None
    plain = text.strip()
    if len(plain) == 2 and plain.upper() in phonenumbers.SUPPORTED_REGIONS:
        return plain.upper()
    return _country_names().get(_key(plain))


def region_of_email(email: str | None) -> str | None:
    """The country of an address's country-code domain (`.fr` -> FR), not of a generic one."""
    if not email or "@" not in email:
        return None
    tld = email.rsplit(".", 1)[-1].strip().lower()
    if len(tld) != 2 or tld in GENERIC_CCTLDS:
        return None
    region = TLD_REGION.get(tld, tld.upper())
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def row_region(country: str | None, email: str | None, default: str) -> str:
    """Where a row's national phone numbers are read: its country column, else its email's
    country-code domain, else the workspace's default region."""
    return region_of_country(country) or region_of_email(email) or default


def read_date(text: str, *, day_first: bool) -> datetime | None:
    """An instant in UTC from the forms CRMs and Excel write, or None when it reads as none.
    Times without a zone are taken as UTC."""
    plain = text.strip()
    if EXCEL_SERIAL.fullmatch(plain):
        serial = float(plain)
        in_range = EXCEL_SERIAL_RANGE[0] <= serial <= EXCEL_SERIAL_RANGE[1]
        return EXCEL_EPOCH + timedelta(days=serial) if in_range else None
    found = _iso(plain) or _numeric(plain, day_first) or _worded(plain)
    if found is None or found.year < MIN_YEAR:
        return None
    return found.astimezone(UTC) if found.tzinfo else found.replace(tzinfo=UTC)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for form in _ISO_FORMS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def _numeric(text: str, day_first: bool) -> datetime | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    a, b = int(match["a"]), int(match["b"])
    day, month = (a, b) if (a > 12 or day_first) and b <= 12 else (b, a)
    year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    hour, minute, second = int(match["h"] or 0), int(match["m"] or 0), int(match["s"] or 0)
    if match["ampm"]:
        hour = hour % 12 + (12 if match["ampm"][0] in "Pp" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _worded(text: str) -> datetime | None:
    for form in _WORDED_FORMS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def tells_day_first(text: str) -> bool | None:
    """What a date says of its file's order: True for 25/03/2024, False for 03/25/2024, None
    when it cannot tell (03/04/2024, or not a day-month date)."""
    match = _NUMERIC.match(text.strip())
    if not match:
        return None
    a, b = int(match["a"]), int(match["b"])
    return True if a > 12 >= b else False if b > 12 >= a else None


_WEBSITE = re.compile(r"(?:https?://)?[^\s/@:]+\.[^\s/@:]{2,}(?::\d+)?(?:/\S*)?", re.IGNORECASE)


def read_website(text: str) -> str | None:
    """A web address as written, or None for what cannot be one (`n/a`, `see notes`)."""
    plain = text.strip()
    return plain if _WEBSITE.fullmatch(plain) else None
