"""The `/lead` grammar, declared once: parsing, usage on error, "did you mean" and help."""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.tokens import (
    TokenError,
    Words,
    free_words,
    parse_lead_ref,
    split_key_value,
    split_words,
    user_id_of,
)
from domain.activity import LOGGABLE_KINDS, ActivityKind
from domain.closing import parse_amount, reopen_targets
from domain.errors import InvalidInput
from domain.lifecycle import LeadStatus
from domain.normalize import looks_like_email, looks_like_phone
from domain.qualification import BANT_FIELDS
from domain.report import DEFAULT_DAYS, period_days
from domain.when import WhenError, parse_when
from handlers.commands import (
    AddLead,
    AddNote,
    AssignLead,
    ClaimLead,
    Command,
    ConvertLead,
    EnrollLead,
    ExplainScore,
    FindLeads,
    ListTasks,
    LogActivity,
    LoseLead,
    MergeLeads,
    MyLeads,
    QualifyLead,
    ReopenLead,
    RouteLead,
    SetAway,
    SetProbability,
    SetReminder,
    ShowLead,
    ShowReport,
    StopNurture,
    UndoMerge,
)
from handlers.validation import closest, describe


class CommandSyntaxError(ValueError):
    """Bad input: says what was wrong and how to write it."""

    def __init__(self, problem: str, spec: "SubcommandSpec | None" = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.spec = spec


@dataclass(frozen=True, slots=True)
class HelpRequested:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class OpenCaptureForm:
    """`/lead add` alone: the person wants the capture form rather than a one-liner."""


@dataclass(frozen=True, slots=True)
class ParseEnv:
    now: datetime
    tz: ZoneInfo
    request_key: str | None = None


@dataclass(frozen=True, slots=True)
class OpenQualifyForm:
    """`/lead qualify L-12` with no answers: the person wants the qualification form."""

    number: int


@dataclass(frozen=True, slots=True)
class OpenImportForm:
    """`/lead import`: the upload form (a CSV is attached there, not named)."""


Parsed = Command | HelpRequested | OpenCaptureForm | OpenQualifyForm | OpenImportForm
Builder = Callable[[Words, ParseEnv], Parsed]


@dataclass(frozen=True, slots=True)
class SubcommandSpec:
    name: str
    usage: str
    summary: str
    examples: tuple[str, ...]
    build: Builder
    # Its tail is free text, taken as typed: a lone quote there is a character, not an error.
    free_text: bool = False


def _need(args: list[str], count: int, what: str) -> None:
    if len(args) < count:
        raise CommandSyntaxError(f"Missing {what}.")


def _ref(args: list[str]) -> int:
    _need(args, 1, "the lead id")
    try:
        return parse_lead_ref(args[0])
    except TokenError as exc:
        raise CommandSyntaxError(str(exc)) from exc


_PHONE_START = re.compile(r"^[+(\d][\d()\-.]*$")
_PHONE_PART = re.compile(r"^[\d()\-.]+$")


def join_phone_runs(tokens: list[str]) -> list[str]:
    """`+1 202 555 0143` typed without quotes arrives as four tokens: make it one."""
    joined: list[str] = []
    for token in tokens:
        previous = joined[-1] if joined else ""
        if _PHONE_PART.match(token) and _PHONE_START.match(previous.replace(" ", "")):
            joined[-1] = f"{previous} {token}"
        else:
            joined.append(token)
    return joined


def _build_add(args: list[str], env: ParseEnv) -> AddLead | OpenCaptureForm:
    if not args:
        return OpenCaptureForm()
    name_words: list[str] = []
    values: dict[str, str | None] = {"email": None, "phone": None}
    fields: dict[str, str] = {}
    for token in join_phone_runs(args):
        pair = split_key_value(token)
        if pair is not None:
            _put_field(pair, values, fields)
        elif looks_like_email(token) and values["email"] is None:
            values["email"] = token
        elif looks_like_phone(token) and values["phone"] is None:
            values["phone"] = token
        else:
            name_words.append(token)
    if not name_words and values["email"] is None:  # the capture rule: a name or an email
        example = f"/lead add Jane Doe {values['phone'] or ''}".strip()
        raise CommandSyntaxError(f"A lead needs a name or an email: `{example}`.")
    return AddLead(name=" ".join(name_words) or None, fields=fields, request_key=env.request_key, **values)


def _put_field(pair: tuple[str, str], values: dict[str, str | None], fields: dict[str, str]) -> None:
    key, value = pair
    if key in values:
        values[key] = value
    elif key == "name":
        raise CommandSyntaxError("Give the name first, without `name:`.")
    else:
        fields[key] = value


def _build_log(args: Words, env: ParseEnv) -> LogActivity:
    number = _ref(args)
    kinds = ", ".join(LOGGABLE_KINDS)
    _need(args, 2, f"what happened ({kinds})")
    kind = args[1].lower()
    if kind not in LOGGABLE_KINDS:
        raise CommandSyntaxError(f"`{args[1]}` is not something to log. Log one of: {kinds}.")
    return LogActivity(number=number, kind=ActivityKind(kind), text=args.rest(2), request_key=env.request_key)


def _build_remind(args: Words, env: ParseEnv) -> SetReminder:
    number = _ref(args)
    _need(args, 2, "when to remind you")
    try:
        due, rest = parse_when(args[1:], env.now, env.tz)
    except WhenError as exc:
        raise CommandSyntaxError(str(exc)) from exc
    text = args.rest(len(args) - len(rest))
    return SetReminder(number=number, due_at=due, text=text, request_key=env.request_key)


def _build_note(args: Words, env: ParseEnv) -> AddNote:
    number = _ref(args)
    _need(args, 2, "the note's text")
    return AddNote(number=number, text=args.rest(1), request_key=env.request_key)


def _build_merge(args: list[str], env: ParseEnv) -> MergeLeads:
    # `into` is required: without it, which lead goes and which stays is a guess (issue 13).
    if len(args) != 3 or args[1].lower() != "into":
        raise CommandSyntaxError("Name the duplicate, then `into`, then the lead to keep.")
    return MergeLeads(duplicate=_ref(args[:1]), keep=_ref(args[2:]), request_key=env.request_key)


def _build_mine(args: list[str], env: ParseEnv) -> MyLeads:
    if args and args[0].lower() not in ("all", "open"):
        raise CommandSyntaxError(f"`{args[0]}` is not an option of mine: use `all` or nothing.")
    return MyLeads(include_closed=bool(args) and args[0].lower() == "all")


def _build_find(args: list[str], env: ParseEnv) -> FindLeads:
    _need(args, 1, "what to look for")
    return FindLeads(query=" ".join(args))


def _build_report(args: list[str], env: ParseEnv) -> ShowReport:
    """A period and a team, in either order; each at most once."""
    days: int | None = None
    team: str | None = None
    for word in args:
        try:
            period = period_days(word)
        except InvalidInput as exc:
            raise CommandSyntaxError(str(exc)) from exc
        if period is not None and days is None:
            days = period
        elif period is None and team is None:
            team = word
        else:
            raise CommandSyntaxError(f"Give one period and one team at most, not `{' '.join(args)}`.")
    return ShowReport(days=days or DEFAULT_DAYS, team=team)


# --- qualify and close -------------------------------------------------------------


def _pairs(tokens: list[str], keys: tuple[str, ...], example: str) -> dict[str, str]:
    """`key:value` answers; bare words after one continue its value, so `need:replace the
    spreadsheets` needs no quotes."""
    pairs: dict[str, str] = {}
    last: str | None = None
    for token in tokens:
        pair = split_key_value(token)
        if pair is not None:
            last = _known_key(pair[0], keys)
            pairs[last] = pair[1]
        elif last is not None:
            pairs[last] = f"{pairs[last]} {token}".strip()
        else:
            raise CommandSyntaxError(f"`{token}` is not a key:value pair: write e.g. {example}.")
    return pairs


def _known_key(key: str, keys: tuple[str, ...]) -> str:
    if key in keys:
        return key
    raise CommandSyntaxError(f"`{key}` is not one of {', '.join(keys)}.{_did_you_mean(key, keys)}")


def _build_qualify(args: list[str], env: ParseEnv) -> QualifyLead | OpenQualifyForm:
    number = _ref(args)
    if len(args) == 1:
        return OpenQualifyForm(number)
    answers = _pairs(args[1:], BANT_FIELDS, "budget:yes")
    return QualifyLead(number=number, answers=answers, request_key=env.request_key)


def _build_convert(args: list[str], env: ParseEnv) -> ConvertLead:
    number = _ref(args)
    deal = _pairs(args[1:], ("value", "product"), "value:12000")
    try:
        value = parse_amount(deal["value"]) if "value" in deal else None
    except InvalidInput as exc:
        raise CommandSyntaxError(str(exc)) from exc
    return ConvertLead(number=number, value=value, product=deal.get("product"), request_key=env.request_key)


def _build_lost(args: Words, env: ParseEnv) -> LoseLead:
    number = _ref(args)
    # The reasons are configured per workspace: the handler checks the reason (and lists them).
    reason = args[1] if len(args) > 1 else ""
    return LoseLead(number=number, reason=reason, note=args.rest(2), request_key=env.request_key)


def _build_reopen(args: list[str], env: ParseEnv) -> ReopenLead:
    number = _ref(args)
    targets = reopen_targets()
    if len(args) > 1 and args[1].lower() not in targets:
        raise CommandSyntaxError(f"`{args[1]}` is not a status to reopen to: use {' or '.join(targets)}.")
    status = LeadStatus(args[1].lower()) if len(args) > 1 else None
    return ReopenLead(number=number, status=status, request_key=env.request_key)


CLOSING_SPECS: tuple[SubcommandSpec, ...] = (
    SubcommandSpec(
        "qualify",
        "qualify <lead> [budget:…] [authority:…] [need:…] [timeline:…]",
        "Record BANT answers (no answers: a form with the latest ones)",
        ('/lead qualify L-12 budget:yes authority:"VP Sales" need:"replace spreadsheets" timeline:Q1',),
        _build_qualify,
    ),
    SubcommandSpec(
        "convert",
        "convert <lead> [value:amount] [product:name]",
        "Close a lead as won: it becomes a contact with a deal",
        ("/lead convert L-12 value:12000 product:Pro",),
        _build_convert,
    ),
    SubcommandSpec(
        "lost",
        "lost <lead> <reason> [note]",
        "Close a lead as lost, with a reason (`other` needs a note)",
        ("/lead lost L-12 competitor chose Acme", "/lead lost L-12 other moved in-house"),
        _build_lost,
        free_text=True,
    ),
    SubcommandSpec(
        "reopen",
        "reopen <lead> [nurturing|new]",
        "Bring a lost lead back (to nurturing unless you say new)",
        ("/lead reopen L-12",),
        _build_reopen,
    ),
)


def _build_import(args: list[str], env: ParseEnv) -> OpenImportForm:
    if args:
        raise CommandSyntaxError(
            "`/lead import` takes no file name: run it alone and attach the CSV in the form "
            "(from a terminal: `leadbot import FILE.csv`)."
        )
    return OpenImportForm()


# --- predictive score (issue 4 item 5) ---------------------------------------------------


def _build_probability(args: list[str], env: ParseEnv) -> SetProbability:
    number = _ref(args)
    _need(args, 2, "the chance, 0-100 (or `auto` to leave it to the model)")
    given = args[1].strip().rstrip("%").lower()
    if given != "auto" and not given.isdigit():
        raise CommandSyntaxError(f"`{args[1]}` is not a chance: write a percentage from 0 to 100, or `auto`.")
    percent = None if given == "auto" else int(given)
    return SetProbability(number=number, percent=percent, request_key=env.request_key)


PREDICTIVE_SPECS: tuple[SubcommandSpec, ...] = (
    SubcommandSpec(
        "probability",
        "probability <lead> <0-100|auto>",
        "Set a lead's conversion chance by hand (`auto`: back to the model)",
        ("/lead probability L-12 70", "/lead probability L-12 auto"),
        _build_probability,
    ),
)


# --- scoring (issue 4) ----------------------------------------------------------------


def _build_score(args: list[str], env: ParseEnv) -> ExplainScore:
    number = _ref(args)
    if len(args) > 1:
        raise CommandSyntaxError(f"`score` takes only the lead, but got `{' '.join(args[1:])}` after it.")
    return ExplainScore(number=number)


SCORING_SPECS: tuple[SubcommandSpec, ...] = (
    SubcommandSpec(
        "score",
        "score <lead>",
        "Why a lead has its score: each rule's points, the decay, MQL/SQL and the history",
        ("/lead score L-12",),
        _build_score,
    ),
)


# --- routing (issue 5) ------------------------------------------------------------------

MAX_AWAY = timedelta(days=366)


def _build_route(args: list[str], env: ParseEnv) -> RouteLead:
    number = _ref(args)
    flags = [a.lower() for a in args[1:]]
    if flags and flags != ["--dry-run"]:
        raise CommandSyntaxError(f"`{' '.join(args[1:])}` is not an option of route: only `--dry-run`.")
    return RouteLead(number=number, dry_run=bool(flags), request_key=env.request_key)


def _build_assign(args: list[str], env: ParseEnv) -> AssignLead:
    number = _ref(args)
    _need(args, 2, "who gets it (an @mention)")
    rep = user_id_of(args[1])
    if rep is None or len(args) > 2:
        raise CommandSyntaxError(f"`{' '.join(args[1:])}` is not one person: mention them, like @ann.")
    return AssignLead(number=number, rep=rep, request_key=env.request_key)


def _build_ooo(args: list[str], env: ParseEnv) -> SetAway:
    words = args[1:] if args and args[0].lower() == "until" else args
    if len(words) != 1:
        raise CommandSyntaxError("Say until when, as a date: `/lead ooo until 2026-12-01`.")
    try:
        last_day = date.fromisoformat(words[0])
    except ValueError as exc:
        problem = f"`{words[0]}` is not a date: write it YYYY-MM-DD, like 2026-12-01."
        raise CommandSyntaxError(problem) from exc
    # Away through that whole day, in the person's zone: back the next morning.
    until = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=env.tz).astimezone(UTC)
    if until <= env.now or until - env.now > MAX_AWAY:
        raise CommandSyntaxError(f"{last_day} is not within the next year: give a date from today on.")
    return SetAway(until=until, last_day=last_day)


def _no_args(name: str, command: Command) -> Builder:
    def build(args: list[str], env: ParseEnv) -> Parsed:
        if args:
            raise CommandSyntaxError(f"`{name}` takes nothing after it, but got `{' '.join(args)}`.")
        return command

    return build


ROUTING_SPECS: tuple[SubcommandSpec, ...] = (
    SubcommandSpec(
        "route",
        "route <lead> [--dry-run]",
        "Managers: propose a lead to the rep routing picks (--dry-run: only show who and why)",
        ("/lead route L-12", "/lead route L-12 --dry-run"),
        _build_route,
    ),
    SubcommandSpec(
        "assign",
        "assign <lead> @rep",
        "Managers: give a lead to one of the team's reps",
        ("/lead assign L-12 @ann",),
        _build_assign,
    ),
    SubcommandSpec(
        "claim",
        "claim <lead>",
        "Take an unassigned lead of your team (where the team allows it)",
        ("/lead claim L-12",),
        lambda a, e: ClaimLead(number=_ref(a), request_key=e.request_key),
    ),
    SubcommandSpec(
        "ooo",
        "ooo until <YYYY-MM-DD>",
        "Out of office through that day: no new leads are routed to you",
        ("/lead ooo until 2026-12-01",),
        _build_ooo,
    ),
    SubcommandSpec(
        "back",
        "back",
        "Back in the office: routing includes you again",
        ("/lead back",),
        _no_args("back", SetAway(until=None)),
    ),
)


# --- nurture cadences (issue 6) --------------------------------------------------------


def _build_nurture(args: list[str], env: ParseEnv) -> EnrollLead | StopNurture:
    number = _ref(args)
    if len(args) > 2:
        raise CommandSyntaxError(
            f"After the lead give one cadence name or `stop`, not `{' '.join(args[1:])}`."
        )
    choice = args[1].lower() if len(args) == 2 else None
    if choice == "stop":
        return StopNurture(number=number, request_key=env.request_key)
    return EnrollLead(number=number, cadence=choice, request_key=env.request_key)


NURTURE_SPECS: tuple[SubcommandSpec, ...] = (
    SubcommandSpec(
        "nurture",
        "nurture <lead> [cadence|stop]",
        "Put a lead in a follow-up cadence (steps become your reminders), or stop it",
        ("/lead nurture L-12", "/lead nurture L-12 webinar", "/lead nurture L-12 stop"),
        _build_nurture,
    ),
)


SPECS: tuple[SubcommandSpec, ...] = (
    SubcommandSpec(
        "add",
        "add <name> [email] [phone] [key:value ...]",
        "Capture a new lead (`/lead add` alone opens a form)",
        (
            "/lead add “Dana Scully” dana@fbi.gov +1 202 555 0143 company:FBI",
            '/lead add Jon Smithers company:"ACME Corp" source:referral',
        ),
        _build_add,
    ),
    SubcommandSpec(
        "show",
        "show <lead>",
        "Show a lead, its timeline and reminders",
        ("/lead show L-42", "/lead show #42"),
        lambda a, e: ShowLead(number=_ref(a)),
    ),
    SubcommandSpec(
        "find",
        "find <words>",
        "Search leads by name, company or email",
        ("/lead find scully", "/lead find acme.com"),
        _build_find,
        free_text=True,
    ),
    SubcommandSpec(
        "mine",
        "mine [all]",
        "List your open leads (or all of them)",
        ("/lead mine", "/lead mine all"),
        _build_mine,
    ),
    SubcommandSpec(
        "note",
        "note <lead> <text>",
        "Add a note to a lead's timeline",
        ("/lead note L-42 wants a demo next week",),
        _build_note,
        free_text=True,
    ),
    SubcommandSpec(
        "log",
        "log <lead> <call|email|meeting> [text]",
        "Log a call, email or meeting",
        ("/lead log L-42 call left a voicemail", "/lead log 42 meeting demo done"),
        _build_log,
        free_text=True,
    ),
    SubcommandSpec(
        "remind",
        "remind <lead> <when> [text]",
        "Get a DM about a lead at a time",
        ("/lead remind L-42 in 2 hours call back", "/lead remind L-42 tomorrow 9am send pricing"),
        _build_remind,
        free_text=True,
    ),
    *CLOSING_SPECS,
    *PREDICTIVE_SPECS,
    *ROUTING_SPECS,
    *SCORING_SPECS,
    SubcommandSpec(
        "tasks",
        "tasks",
        "Your open follow-ups, overdue first, with Done and Snooze",
        ("/lead tasks",),
        _no_args("tasks", ListTasks()),
    ),
    SubcommandSpec(
        "report",
        "report [7d|week|month|quarter|year] [team]",
        "The pipeline of a period: captured by source, converted, lost and why, per rep, speed to "
        "first contact (yours; managers their teams)",
        ("/lead report", "/lead report week", "/lead report quarter ldn"),
        _build_report,
    ),
    SubcommandSpec(
        "import",
        "import",
        "Managers: import leads from a CSV attached in a form (rows checked, duplicates flagged)",
        ("/lead import",),
        _build_import,
    ),
    SubcommandSpec(
        "merge",
        "merge <duplicate> into <lead>",
        "Fold a duplicate into the lead to keep (both histories stay)",
        ("/lead merge L-43 into L-42",),
        _build_merge,
    ),
    SubcommandSpec(
        "unmerge",
        "unmerge <lead>",
        "Undo the merge of a lead (whoever merged it, a manager or an admin)",
        ("/lead unmerge L-43",),
        lambda a, e: UndoMerge(number=_ref(a), request_key=e.request_key),
    ),
    *NURTURE_SPECS,
    SubcommandSpec(
        "help",
        "help [subcommand]",
        "List what /lead can do, or one subcommand's usage and examples",
        ("/lead help", "/lead help remind"),
        lambda a, e: _build_help(a),
    ),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}


def parse(text: str, env: ParseEnv) -> Parsed:
    """Text after `/lead` -> a validated command, or CommandSyntaxError with usage."""
    name = _subcommand_of(text)
    if name is None:
        return HelpRequested()
    spec = lookup(name)
    try:
        words = free_words(text) if spec.free_text else _tokens_of(text)
        return spec.build(words.after(1), env)
    except TokenError as exc:
        raise CommandSyntaxError(str(exc), spec) from exc
    except CommandSyntaxError as exc:
        raise CommandSyntaxError(exc.problem, spec) from exc
    except ValidationError as exc:
        raise CommandSyntaxError(describe(exc), spec) from exc


def _subcommand_of(text: str) -> str | None:
    """The first word, read as the rest will be: strictly, or (a lone quote later in the
    line) leniently, so a free-text subcommand is found before its text is read."""
    try:
        words = _tokens_of(text)
    except TokenError:
        words = free_words(text)
    return words[0] if words else None


def asks_for_form(text: str) -> bool:
    """Would parse() answer OpenCaptureForm? Cheap (no command is built), so a listener can
    route on it before the ack."""
    return _is_bare(text, "add", arguments=0)


def asks_for_qualify_form(text: str) -> bool:
    """`/lead qualify <lead>` alone, checked cheaply before the ack like asks_for_form."""
    return _is_bare(text, "qualify", arguments=1)


def asks_for_import_form(text: str) -> bool:
    """`/lead import` alone, checked cheaply before the ack like asks_for_form."""
    return _is_bare(text, "import", arguments=0)


def _is_bare(text: str, subcommand: str, arguments: int) -> bool:
    try:
        tokens = _tokens_of(text)
    except TokenError:
        return False
    return len(tokens) == 1 + arguments and tokens[0].lower() == subcommand


@lru_cache(maxsize=64)
def _tokens_of(text: str) -> Words:
    """The listeners ask of one command's text whether it wants a form, then parse it:
    tokenised once (shared: read it, or copy it with `after`)."""
    return split_words(text)


def lookup(name: str) -> SubcommandSpec:
    spec = SPEC_BY_NAME.get(name.lower())
    if spec is not None:
        return spec
    raise CommandSyntaxError(
        f"`{name}` is not a /lead subcommand.{_did_you_mean(name)} `/lead help` lists them."
    )


def _build_help(args: list[str]) -> HelpRequested:
    if len(args) > 1:
        raise CommandSyntaxError(f"Ask about one subcommand at a time, not `{' '.join(args)}`.")
    if args and args[0].lower() not in SPEC_BY_NAME:
        raise CommandSyntaxError(
            f"There is no subcommand `{args[0]}`.{_did_you_mean(args[0])} `/lead help` lists them all."
        )
    return HelpRequested(args[0].lower() if args else None)


def _did_you_mean(name: str, known: Collection[str] = SPEC_BY_NAME.keys()) -> str:
    close = closest(name, known)
    return f" Did you mean `{close}`?" if close else ""
