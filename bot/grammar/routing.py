"""Routing: `route`, `assign`, `claim`, `ooo`, `back`."""

from datetime import UTC, date, datetime, time, timedelta

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Choice, Keyword, Kind, Mention
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import LEAD, Area, Arg, SubcommandSpec, Values, makes
from handlers.commands import AssignLead, ClaimLead, RouteLead, SetAway

MAX_AWAY = timedelta(days=366)
ROUTE_OPTIONS = "`{rest}` is not an option of route: only `--dry-run`."
NOT_ONE_PERSON = "`{rest}` is not one person: mention them, like @ann."
SAY_WHEN = "Say until when, as a date: `/lead ooo until 2026-12-01`."


class IsoDate(Kind):
    placeholder = "YYYY-MM-DD"
    example = "2026-12-01"

    def read(self, token: str) -> date:
        try:
            return date.fromisoformat(token)
        except ValueError as exc:
            raise CommandSyntaxError(
                f"`{token}` is not a date: write it YYYY-MM-DD, like 2026-12-01."
            ) from exc


def _build_away(values: Values, env: ParseEnv) -> SetAway:
    """Away through that whole day, in the person's zone: back the next morning."""
    last_day: date = values["last_day"]
    until = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=env.tz).astimezone(UTC)
    if until <= env.now or until - env.now > MAX_AWAY:
        raise CommandSyntaxError(f"{last_day} is not within the next year: give a date from today on.")
    return SetAway(until=until, last_day=last_day)


AREA = Area(
    "Routing",
    (
        SubcommandSpec(
            "route",
            "Managers: propose a lead to the rep routing picks (--dry-run: only show who and why)",
            (
                LEAD,
                Arg("--dry-run", Choice({"--dry-run": True}, ROUTE_OPTIONS), optional=True, field="dry_run"),
            ),
            ("/lead route L-12", "/lead route L-12 --dry-run"),
            makes(RouteLead),
            extra=ROUTE_OPTIONS,
        ),
        SubcommandSpec(
            "assign",
            "Managers: give a lead to one of the team's reps",
            (LEAD, Arg("rep", Mention(NOT_ONE_PERSON), what="who gets it (an @mention)")),
            ("/lead assign L-12 @ann",),
            makes(AssignLead),
            extra=NOT_ONE_PERSON,
        ),
        SubcommandSpec(
            "claim",
            "Take an unassigned lead of your team (where the team allows it)",
            (LEAD,),
            ("/lead claim L-12",),
            makes(ClaimLead),
        ),
        SubcommandSpec(
            "ooo",
            "Out of office through that day: no new leads are routed to you",
            (
                Arg("until", Keyword("until"), optional=True),  # a filler word: may be left out
                Arg("date", IsoDate(), field="last_day", missing=SAY_WHEN),
            ),
            ("/lead ooo until 2026-12-01",),
            _build_away,
            extra=SAY_WHEN,
        ),
        SubcommandSpec(
            "back",
            "Back in the office: routing includes you again",
            (),
            ("/lead back",),
            makes(SetAway),
        ),
    ),
)
