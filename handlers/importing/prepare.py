"""A row of an import made a lead, in the row's own context: its phones read in its own country,
its dates in the forms CRMs and Excel write, its status read into the lifecycle. A value that
cannot be read is dropped with a warning, never the row's name and email; what the lead has no
field for (notes, a second phone) becomes its first note. A Tags column gives the lead's tags,
custom fields (`[[fields]]`) their values; one that cannot be read is left out with a warning."""

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from domain.book.tags import MAX_TAGS, split_tags
from domain.capture.normalize import normalize_phone
from domain.capture.recapture import match_record
from domain.capture.validation import explain, field_of
from domain.closing.outcomes import NOTE_REQUIRED_REASON
from domain.config import LeadbotConfig
from domain.custom_fields import CustomField
from domain.errors import InvalidInput
from domain.importing.status import lifecycle_of
from domain.lead import PROFILE_FIELDS, Lead
from domain.lifecycle import LeadStatus
from domain.matching.dedupe import blocking_keys
from domain.reporting.forecast import DEAL_FIELDS, parse_value
from handlers.capture.pipeline import build_lead
from handlers.commands import AddLead, CaptureChannel
from handlers.context import Context
from handlers.importing.rows import ImportProblem, ImportRow, Incoming
from handlers.importing.values import read_date, read_website, row_region

# Regions that write the month first (03/25/2024); elsewhere the day comes first.
MONTH_FIRST_REGIONS = frozenset({"US", "CA", "PH", "FM", "MH", "PW", "BZ"})
# What the lead has no field for goes into its first note, under these labels, in this order.
NOTE_LABELS = {
    "deal": "Deal",
    "notes": "Notes",
    "email2": "Second email",
    "phone2": "Second phone",
}
CLOSED = (LeadStatus.CONVERTED, LeadStatus.LOST)


@dataclass(slots=True)
class _Reading:
    """What one row's reading found beside the command."""

    values: dict[str, str]
    region: str = ""  # where the row's national phone numbers are read
    warnings: list[str] = field(default_factory=list)
    noted: dict[str, str] = field(default_factory=dict)

    def drop(self, key: str, why: str) -> None:
        self.warnings.append(f"{why}: left out, the rest of the row is kept")
        self.values.pop(key, None)


def prepare(row: ImportRow, ctx: Context) -> Incoming | ImportProblem:
    """The row through build_lead, as every capture channel's input goes, and keyed for
    matching; or the reason it cannot be a lead."""
    reading = read_values(row, ctx.config)
    try:
        lead = _built(row, reading, ctx)
        _keep_history(lead, reading, row, ctx)
    except InvalidInput as exc:
        return ImportProblem(row.number, "rejected", None, str(exc))
    note = "\n".join(
        f"{NOTE_LABELS[key]}: {reading.noted[key]}" for key in NOTE_LABELS if key in reading.noted
    )
    return Incoming(
        row.number,
        lead,
        blocking_keys(match_record(lead)),
        tuple(reading.warnings),
        reading.values.get("owner", "").strip() or None,
        note or None,
    )


def read_values(row: ImportRow, config: LeadbotConfig) -> "_Reading":
    """The row's values as the lead will take them: phones in the row's country, and what
    cannot be read left out with a warning."""
    reading = _Reading(dict(row.values))
    _read_phones(reading, config.default_region)
    _read_website(reading)
    _read_team(reading, config)
    _read_deal(reading, _day_first(row, config))
    _read_tags(reading)
    _note_the_rest(reading)
    return reading


def lead_command(
    row: ImportRow, values: dict[str, str] | None = None, custom: tuple[CustomField, ...] = ()
) -> AddLead:
    """The row as the command every capture channel sends; a bad value raises InvalidInput."""
    if row.extra:
        raise InvalidInput("row", f"The row has {row.extra} more value(s) than the header has columns.")
    values = dict(row.values) if values is None else values
    name = values.get("name", "").strip() or " ".join(
        part for part in (values.get("first_name", "").strip(), values.get("last_name", "").strip()) if part
    )
    try:
        return AddLead(
            name=name or None,
            email=values.get("email"),
            phone=values.get("phone") or values.get("phone2"),
            fields={
                key: values[key]
                for key in (*PROFILE_FIELDS, *DEAL_FIELDS, *(f.key for f in custom))
                if key in values
            },
            tags=tuple(split_tags(values.get("tags", ""))),
            external_id=values.get("external_id"),
            sales_team=values.get("team", "").strip() or None,
            channel=CaptureChannel.IMPORT,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(field_of(error["loc"]), explain(error, exc.title)) from exc


def _read_phones(reading: _Reading, default_region: str) -> None:
    """Each number in the row's own country; a second one stands in for a missing first, or is
    noted. One that cannot be read is left out. A lone number in the workspace's own region is
    left for build_lead to read, as every channel's is: parsing a number is the dearest step
    of a row, and is done once (`_built` drops it if it cannot be read)."""
    values = reading.values
    reading.region = row_region(values.get("country"), values.get("email"), default_region)
    both = bool(values.get("phone", "").strip() and values.get("phone2", "").strip())
    for key in ("phone", "phone2"):
        if key in values and (both or reading.region != default_region):
            try:
                values[key] = normalize_phone(values[key], reading.region) or ""
            except InvalidInput:
                reading.drop(key, _unreadable_phone(values[key], reading.region))
    if values.get("phone") and values.get("phone2") and values["phone2"] != values["phone"]:
        reading.noted["phone2"] = values.pop("phone2")


def _unreadable_phone(text: str, region: str) -> str:
    return f"Phone `{text.strip()}` cannot be read as a number in {region}"


def _built(row: ImportRow, reading: _Reading, ctx: Context) -> Lead:
    """build_lead of the row; a phone or a custom field's value it cannot read is left out of
    the row, not the row."""
    custom = ctx.config.fields
    for _ in range(len(custom) + 2):  # each pass leaves out one more value, or succeeds
        try:
            return build_lead(lead_command(row, reading.values, custom), ctx)
        except InvalidInput as exc:
            if not _drop_unreadable(reading, exc, custom):
                raise
    return build_lead(lead_command(row, reading.values, custom), ctx)


def _drop_unreadable(reading: _Reading, exc: InvalidInput, custom: tuple[CustomField, ...]) -> bool:
    """Leave out the value build_lead refused, if it is one a row can do without."""
    if exc.field in {f.key for f in custom} and exc.field in reading.values:
        reading.drop(exc.field, str(exc).rstrip("."))
        return True
    key = "phone" if reading.values.get("phone") else "phone2"
    if exc.field != "phone" or key not in reading.values:
        return False
    reading.drop(key, _unreadable_phone(reading.values[key], reading.region))
    return True


def _read_tags(reading: _Reading) -> None:
    """Each word of the Tags cell a tag; one that cannot be a tag is left out, said so."""
    text = reading.values.get("tags", "")
    kept = []
    for word in text.replace(";", ",").split(","):
        try:
            kept += split_tags(word)
        except InvalidInput as exc:
            reading.warnings.append(f"{str(exc).rstrip('.')}: left out, the rest of the row is kept")
    if text:
        reading.values["tags"] = ", ".join(dict.fromkeys(kept[:MAX_TAGS]))


def _note_the_rest(reading: _Reading) -> None:
    """What the lead has no field for is kept in its first note, not lost."""
    for key in NOTE_LABELS:
        text = " ".join(reading.values.get(key, "").split())
        if text and key not in reading.noted:
            reading.noted[key] = text


def _read_website(reading: _Reading) -> None:
    website = reading.values.get("website")
    if website is not None and read_website(website) is None:
        reading.drop("website", f"Website `{website.strip()}` is not a web address")


def _read_deal(reading: _Reading, day_first: bool) -> None:
    """The expected deal: an amount, and a close date in the row's own date forms, kept as its
    month. One that cannot be read is left out with a warning, as a bad phone is."""
    value = reading.values.get("value", "").strip()
    if value:
        try:
            reading.values["value"] = str(parse_value(value))
        except InvalidInput:
            reading.drop("value", f"Amount `{value}` is not an amount")
    close = reading.values.get("close", "").strip()
    if close:
        when = read_date(close, day_first=day_first)
        if when is None:
            reading.drop("close", f"Close date `{close}` is not a date")
        else:
            reading.values["close"] = f"{when:%Y-%m}"


def _day_first(row: ImportRow, config: LeadbotConfig) -> bool:
    return row.day_first if row.day_first is not None else config.default_region not in MONTH_FIRST_REGIONS


def _read_team(reading: _Reading, config: LeadbotConfig) -> None:
    """A CRM's team by its key or its name here (`Sales` is the team `sales`); another CRM's
    team name is no reason to lose the row: routing decides."""
    text = reading.values.get("team", "").strip()
    if not text:
        return
    wanted = text.casefold()
    team = next((t.key for t in config.teams if wanted in (t.key.casefold(), t.name.casefold())), None)
    if team is None:
        reading.warnings.append(f"There is no team `{text}`: left out, routing decides")
        reading.values.pop("team")
    else:
        reading.values["team"] = team


def _keep_history(lead: Lead, reading: _Reading, row: ImportRow, ctx: Context) -> None:
    """When the CRM captured the person and where they stand: the lead's own capture date and
    status, so reports count the lead in its own period."""
    created = _created(reading, row, ctx)
    if created is not None:
        lead.created_at = created
    text = reading.values.get("status", "").strip()
    if not text:
        return
    status = lifecycle_of(text, ctx.config.imports.statuses)
    if status is None:
        reading.warnings.append(
            f"Status `{text}` is not one Leadbot knows: the lead starts as new "
            "(name it under [import.statuses] in the config)"
        )
        return
    lead.status = status
    if status in CLOSED:
        lead.closed_at = lead.created_at if created is not None else ctx.now
        # A closed deal is no longer expected: a won one's amount is its deal value.
        if status is LeadStatus.CONVERTED:
            lead.deal_value = lead.expected_value
        lead.expected_value = lead.expected_close = None
    if status is LeadStatus.LOST:
        reasons = ctx.config.lost_reasons
        lead.lost_reason = NOTE_REQUIRED_REASON if NOTE_REQUIRED_REASON in reasons else reasons[-1]
        lead.lost_note = f"Imported as {text}"


def _created(reading: _Reading, row: ImportRow, ctx: Context) -> datetime | None:
    text = reading.values.get("created", "").strip()
    if not text:
        return None
    when = read_date(text, day_first=_day_first(row, ctx.config))
    if when is None:
        reading.warnings.append(f"Created date `{text}` is not a date: the lead is dated today")
    elif when > ctx.now:
        reading.warnings.append(f"Created date `{text}` is in the future: the lead is dated today")
        when = None
    return when
