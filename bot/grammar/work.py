"""Working a lead: `note`, `log`, `remind`, `qualify`, `nurture`, `score`, `probability`."""

from datetime import datetime
from typing import Any

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Choice, Kind, Text, Word
from bot.grammar.outcomes import OpenQualifyForm, ParseEnv
from bot.grammar.spec import LEAD, Area, Arg, SubcommandSpec, Values, makes
from bot.grammar.tokens import Words
from domain.followups.activity import LOGGABLE_KINDS, ActivityKind
from domain.scoring.qualification import BANT_FIELDS
from domain.when import WhenError, parse_when
from handlers.commands import (
    AddNote,
    EnrollLead,
    ExplainScore,
    LogActivity,
    QualifyLead,
    SetProbability,
    SetReminder,
    StopNurture,
)


class When(Kind):
    """A time in words (`in 2 hours`, `tomorrow 9am`, `fri 14:00`), in the person's zone;
    as many words as the time takes."""

    what = "when to remind you"
    example = "tomorrow 9am"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[datetime, int]:
        try:
            due, rest = parse_when(words[at:], env.now, env.tz)
        except WhenError as exc:
            raise CommandSyntaxError(str(exc)) from exc
        return due, len(words) - len(rest)


class Chance(Kind):
    """A percentage (`70`, `70%`), or `auto`: None, the model's again."""

    placeholder = "0-100|auto"
    what = "the chance, 0-100 (or `auto` to leave it to the model)"
    noun = "the chance"
    example = "70"

    def read(self, token: str) -> Any:
        given = token.strip().rstrip("%").lower()
        if given != "auto" and not given.isdigit():
            raise CommandSyntaxError(
                f"`{token}` is not a chance: write a percentage from 0 to 100, or `auto`."
            )
        return None if given == "auto" else int(given)


def _build_qualify(values: Values, env: ParseEnv) -> QualifyLead | OpenQualifyForm:
    number = values.pop("number")
    if not values:
        return OpenQualifyForm(number)
    return QualifyLead(number=number, answers=values, request_key=env.request_key)


def _build_nurture(values: Values, env: ParseEnv) -> EnrollLead | StopNurture:
    if values.get("cadence") == "stop":
        return StopNurture(number=values["number"], request_key=env.request_key)
    return EnrollLead(**values, request_key=env.request_key)


LOGGABLE = ", ".join(LOGGABLE_KINDS)

AREA = Area(
    "Work a lead",
    (
        SubcommandSpec(
            "note",
            "Add a note to a lead's timeline",
            (LEAD, Arg("text", Text(), what="the note's text")),
            ("/lead note L-42 wants a demo next week",),
            makes(AddNote),
        ),
        SubcommandSpec(
            "log",
            "Log a call, email or meeting",
            (
                LEAD,
                Arg(
                    "kind",
                    Choice(
                        {kind: ActivityKind(kind) for kind in LOGGABLE_KINDS},
                        "`{token}` is not something to log. Log one of: " + LOGGABLE + ".",
                    ),
                    what=f"what happened ({LOGGABLE})",
                    example="call",
                ),
                Arg("text", Text(), optional=True),
            ),
            ("/lead log L-42 call left a voicemail", "/lead log 42 meeting demo done"),
            makes(LogActivity),
        ),
        SubcommandSpec(
            "remind",
            "Get a DM about a lead at a time",
            (LEAD, Arg("when", When(), field="due_at"), Arg("text", Text(), optional=True)),
            ("/lead remind L-42 in 2 hours call back", "/lead remind L-42 tomorrow 9am send pricing"),
            makes(SetReminder),
        ),
        SubcommandSpec(
            "qualify",
            "Record BANT answers (no answers: a form with the latest ones)",
            (
                LEAD,
                *(
                    Arg(key, Word(), optional=True, keyed=True, placeholder="…", example="yes")
                    for key in BANT_FIELDS
                ),
            ),
            ('/lead qualify L-12 budget:yes authority:"VP Sales" need:"replace spreadsheets" timeline:Q1',),
            _build_qualify,
        ),
        SubcommandSpec(
            "nurture",
            "Put a lead in a follow-up cadence (steps become your reminders), or stop it",
            (
                LEAD,
                Arg(
                    "cadence", Word(lower=True), optional=True, placeholder="cadence|stop", example="webinar"
                ),
            ),
            ("/lead nurture L-12", "/lead nurture L-12 webinar", "/lead nurture L-12 stop"),
            _build_nurture,
            extra="After the lead give one cadence name or `stop`, not `{rest}`.",
        ),
        SubcommandSpec(
            "score",
            "Why a lead has its score: each rule's points, the decay, MQL/SQL and the history",
            (LEAD,),
            ("/lead score L-12",),
            makes(ExplainScore),
        ),
        SubcommandSpec(
            "probability",
            "Set a lead's conversion chance by hand (`auto`: back to the model)",
            (LEAD, Arg("chance", Chance(), field="percent")),
            ("/lead probability L-12 70", "/lead probability L-12 auto"),
            makes(SetProbability),
        ),
    ),
)
