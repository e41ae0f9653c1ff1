"""Reports and help: `report`, `forecast`, and `help`, which knows every subcommand."""

from collections.abc import Iterable
from dataclasses import dataclass

from bot.grammar.errors import CommandSyntaxError, did_you_mean
from bot.grammar.kinds import Kind
from bot.grammar.outcomes import HelpRequested, ParseEnv
from bot.grammar.spec import Area, Arg, SubcommandSpec, Values, makes
from domain.errors import InvalidInput
from domain.reporting.forecast import HORIZONS
from domain.reporting.report import PERIOD_WORDS, period_days
from handlers.commands import ShowForecast, ShowReport


def _period(word: str) -> int | None:
    try:
        return period_days(word)
    except InvalidInput as exc:
        raise CommandSyntaxError(str(exc)) from exc


class Period(Kind):
    """`7d`, `week`, `month`, `quarter` or `year`, as a number of days."""

    placeholder = f"7d|{'|'.join(PERIOD_WORDS)}"
    example = "week"

    def accepts(self, token: str) -> bool:
        return _period(token) is not None

    def read(self, token: str) -> int | None:
        return _period(token)


OUTPUTS = ("csv", "chart")


class Output(Kind):
    """`csv` or `chart`: the figures as a file (a CSV, a PNG) instead of a message."""

    placeholder = "|".join(OUTPUTS)
    example = "csv"

    def accepts(self, token: str) -> bool:
        return token.lower() in OUTPUTS

    def read(self, token: str) -> str:
        return token.lower()


class TeamKey(Kind):
    """A sales team's key: any word that is not a period, nor an output."""

    example = "ldn"

    def accepts(self, token: str) -> bool:
        return token.lower() not in OUTPUTS and _period(token) is None


def asks_for_report_file(text: str) -> bool:
    """`/lead report … csv|chart`: its own listener answers (the file is made after the ack)."""
    words = text.lower().split()
    return bool(words) and words[0] == "report" and any(word in OUTPUTS for word in words[1:])


@dataclass(frozen=True)
class Subcommand(Kind):
    """The name of a subcommand (`help remind`), in any case."""

    names: frozenset[str]
    example = "remind"

    def read(self, token: str) -> str:
        if token.lower() not in self.names:
            guess = did_you_mean(token, self.names)
            raise CommandSyntaxError(f"There is no subcommand `{token}`.{guess} `/lead help` lists them all.")
        return token.lower()


REPORT = SubcommandSpec(
    "report",
    "The pipeline of a period: the stage funnel, sources (conversion, value, cost), closes and "
    "lost reasons, speed to lead, per rep (yours; managers their teams); `csv` or `chart` "
    "sends it as a file",
    (
        Arg("period", Period(), optional=True, field="days"),
        Arg("team", TeamKey(), optional=True),
        Arg("output", Output(), optional=True),
    ),
    (
        "/lead report",
        "/lead report week",
        "/lead report quarter ldn",
        "/lead report month csv",
        "/lead report chart",
    ),
    makes(ShowReport),
    any_order=True,
    extra="Give one period, one team and `csv` or `chart` at most, not `{rest}`.",
)


class Horizon(Kind):
    """How far a forecast looks: this `month` or this `quarter` (three months from this one)."""

    placeholder = "|".join(HORIZONS)
    example = "quarter"

    def accepts(self, token: str) -> bool:
        return token.lower() in HORIZONS

    def read(self, token: str) -> str:
        return token.lower()


class ForecastTeam(Kind):
    """A sales team's key: any word that is not a horizon."""

    example = "ldn"

    def accepts(self, token: str) -> bool:
        return token.lower() not in HORIZONS


FORECAST = SubcommandSpec(
    "forecast",
    "The open pipeline by expected close month: weighted by chance, best case, committed "
    "(qualified), and last month's forecast against what was won",
    (Arg("horizon", Horizon(), optional=True), Arg("team", ForecastTeam(), optional=True)),
    ("/lead forecast", "/lead forecast month", "/lead forecast quarter ldn"),
    makes(ShowForecast),
    any_order=True,
    extra="Give `month` or `quarter` and one team at most, not `{rest}`.",
)


def _ask_for_help(values: Values, env: ParseEnv) -> HelpRequested:
    return HelpRequested(values.get("topic"))


def area(others: Iterable[str]) -> Area:
    """Reports, and help, which must know the name of every subcommand: the `others`, and
    this area's own."""
    names = frozenset([*others, REPORT.name, FORECAST.name, "help"])
    help_spec = SubcommandSpec(
        "help",
        "List what /lead can do, or one subcommand's usage and examples",
        (Arg("subcommand", Subcommand(names), optional=True, field="topic"),),
        ("/lead help", "/lead help remind"),
        _ask_for_help,
        extra="Ask about one subcommand at a time, not `{rest}`.",
    )
    return Area("Reports and help", (REPORT, FORECAST, help_spec))
