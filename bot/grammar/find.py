"""Finding leads: `show`, `find`, `mine`, `tasks`."""

from bot.grammar.kinds import Choice, Text
from bot.grammar.spec import LEAD, Area, Arg, SubcommandSpec, makes
from handlers.commands import FindLeads, ListTasks, MyLeads, ShowLead

AREA = Area(
    "Find",
    (
        SubcommandSpec(
            "show",
            "Show a lead, its timeline and reminders",
            (LEAD,),
            ("/lead show L-42", "/lead show #42"),
            makes(ShowLead),
        ),
        SubcommandSpec(
            "find",
            "Search leads by name, company or email, by phone (any format) or by email domain",
            (Arg("words", Text(as_typed=False), field="query", what="what to look for", example="acme"),),
            ("/lead find scully", "/lead find acme.com", "/lead find @acme.com", "/lead find +49 30 901820"),
            makes(FindLeads),
        ),
        SubcommandSpec(
            "mine",
            "List your open leads (or all of them)",
            (
                Arg(
                    "all",
                    # `open` says what leaving it out says: allowed, not advertised.
                    Choice(
                        {"all": True, "open": False},
                        "`{token}` is not an option of mine: use `all` or nothing.",
                        shown=("all",),
                    ),
                    optional=True,
                    field="include_closed",
                ),
            ),
            ("/lead mine", "/lead mine all"),
            makes(MyLeads),
        ),
        SubcommandSpec(
            "tasks",
            "Your open follow-ups, overdue first, with Done and Snooze",
            (),
            ("/lead tasks",),
            makes(ListTasks),
        ),
    ),
)
