"""Closing a lead: `convert`, `lost`, `value` (the deal expected), `reopen`."""

from datetime import date
from decimal import Decimal

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Choice, Kind, Text, Word
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import LEAD, Area, Arg, SubcommandSpec, Values, makes
from domain.closing.outcomes import REOPEN_DEFAULT, parse_amount, reopen_targets
from domain.errors import InvalidInput
from domain.lifecycle import LeadStatus
from domain.reporting.forecast import parse_close_month
from handlers.commands import ConvertLead, LoseLead, ReopenLead, SetLeadValue


class Amount(Kind):
    """A deal's value: `12000`, `12,000`, `$12k`, `1.5m` (domain.closing.outcomes.parse_amount)."""

    example = "12000"

    def read(self, token: str) -> Decimal:
        try:
            return parse_amount(token)
        except InvalidInput as exc:
            raise CommandSyntaxError(str(exc)) from exc


class ExpectedValue(Amount):
    """The expected deal value of `/lead value`, typed before any `close:`."""

    def accepts(self, token: str) -> bool:
        return ":" not in token


class CloseMonth(Kind):
    """The month a deal is expected to close: `2027-03` (domain.reporting.forecast.parse_close_month)."""

    example = "2027-03"
    placeholder = "YYYY-MM"

    def read(self, token: str) -> date:
        try:
            return parse_close_month(token)
        except InvalidInput as exc:
            raise CommandSyntaxError(str(exc)) from exc


def _build_value(values: Values, env: ParseEnv) -> SetLeadValue:
    if values.get("value") is None and values.get("close") is None:
        raise CommandSyntaxError(
            "Give the expected value, the close month or both: `/lead value L-42 12000 close:2027-03`."
        )
    return SetLeadValue(**values, request_key=env.request_key)


def _reopen_choice() -> Choice:
    """The statuses a lost lead may go back to; usage shows the default first."""
    targets = reopen_targets()
    return Choice(
        {target: LeadStatus(target) for target in targets},
        f"`{{token}}` is not a status to reopen to: use {' or '.join(targets)}.",
        shown=tuple(sorted(targets, key=lambda target: target != REOPEN_DEFAULT)),
    )


AREA = Area(
    "Close",
    (
        SubcommandSpec(
            "convert",
            "Close a lead as won: it becomes a contact with a deal",
            (
                LEAD,
                Arg("value", Amount(), optional=True, keyed=True, placeholder="amount"),
                Arg("product", Word(), optional=True, keyed=True, placeholder="name", example="Pro"),
            ),
            ("/lead convert L-12 value:12000 product:Pro",),
            makes(ConvertLead),
        ),
        SubcommandSpec(
            "lost",
            "Close a lead as lost, with a reason (`other` needs a note)",
            (
                LEAD,
                # The reasons are configured per workspace: the handler checks (and lists) them.
                Arg("reason", Word(), command_explains_absence=True, example="competitor"),
                Arg("note", Text(), optional=True),
            ),
            ("/lead lost L-12 competitor chose Acme", "/lead lost L-12 other moved in-house"),
            makes(LoseLead),
        ),
        SubcommandSpec(
            "value",
            "Set an open lead's expected deal value and close month (the forecast's input)",
            (
                LEAD,
                Arg("value", ExpectedValue(), optional=True, placeholder="amount"),
                Arg("close", CloseMonth(), optional=True, keyed=True),
            ),
            ("/lead value L-42 12000 close:2027-03", "/lead value L-42 close:2027-06"),
            _build_value,
        ),
        SubcommandSpec(
            "reopen",
            "Bring a lost lead back (to nurturing unless you say new)",
            (LEAD, Arg("status", _reopen_choice(), optional=True)),
            ("/lead reopen L-12",),
            makes(ReopenLead),
        ),
    ),
)
