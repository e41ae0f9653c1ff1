"""Closing a lead: `convert`, `lost`, `reopen`."""

from decimal import Decimal

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Choice, Kind, Text, Word
from bot.grammar.spec import LEAD, Area, Arg, SubcommandSpec, makes
from domain.closing import REOPEN_DEFAULT, parse_amount, reopen_targets
from domain.errors import InvalidInput
from domain.lifecycle import LeadStatus
from handlers.commands import ConvertLead, LoseLead, ReopenLead


class Amount(Kind):
    """A deal's value: `12000`, `12,000`, `$12k`, `1.5m` (domain.closing.parse_amount)."""

    example = "12000"

    def read(self, token: str) -> Decimal:
        try:
            return parse_amount(token)
        except InvalidInput as exc:
            raise CommandSyntaxError(str(exc)) from exc


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
            "reopen",
            "Bring a lost lead back (to nurturing unless you say new)",
            (LEAD, Arg("status", _reopen_choice(), optional=True)),
            ("/lead reopen L-12",),
            makes(ReopenLead),
        ),
    ),
)
