"""The audit trail: `history <lead>` (managers and admins; the handler checks)."""

from bot.grammar.spec import LEAD, Area, SubcommandSpec, makes
from handlers.commands import ShowHistory

HISTORY = SubcommandSpec(
    "history",
    "Managers: a lead's audit trail, who changed which field from what to what and when, newest first",
    (LEAD,),
    ("/lead history L-42",),
    makes(ShowHistory),
)

AREA = Area("History", (HISTORY,))
