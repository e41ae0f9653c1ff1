"""Help and usage messages, generated from the grammar's subcommand specs."""

from typing import Any

from bot.blocks.text import SlackMessage, escape, section, sections
from bot.grammar import SPEC_BY_NAME, SPECS, CommandSyntaxError, SubcommandSpec

# The overview's groups, in the order a lead lives. A subcommand added to the grammar but
# not here still shows, under "More": help cannot leave one out.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Capture", ("add", "import", "merge", "unmerge")),
    ("Find", ("show", "find", "mine", "tasks")),
    ("Work a lead", ("note", "log", "remind", "qualify", "nurture", "score", "probability")),
    ("Close", ("convert", "lost", "reopen")),
    ("Routing", ("route", "assign", "claim", "ooo", "back")),
    ("Reports and help", ("report", "help")),
)
MORE = "More"
USAGE = escape("/lead help <subcommand>")
POINTER = f"`{USAGE}` shows one subcommand's usage and examples, e.g. `/lead help remind`."


def help_message(topic: str | None = None) -> SlackMessage:
    """`/lead help`: every subcommand in one line each, grouped; `/lead help <name>`: its detail."""
    spec = SPEC_BY_NAME.get(topic or "")
    return detail_message(spec) if spec is not None else overview_message()


def overview_message() -> SlackMessage:
    blocks: list[dict[str, Any]] = [section("*What `/lead` can do*")]
    for title, specs in grouped():
        blocks += sections([f"*{title}*", *(_summary_line(spec) for spec in specs)])
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": POINTER}]})
    return SlackMessage(text=f"What /lead can do. {POINTER}", blocks=blocks)


def grouped() -> list[tuple[str, list[SubcommandSpec]]]:
    """GROUPS with their specs, then any spec no group names."""
    named = {name for _, names in GROUPS for name in names}
    groups = [(title, [SPEC_BY_NAME[n] for n in names if n in SPEC_BY_NAME]) for title, names in GROUPS]
    groups.append((MORE, [spec for spec in SPECS if spec.name not in named]))
    return [(title, specs) for title, specs in groups if specs]


def detail_message(spec: SubcommandSpec) -> SlackMessage:
    text = _spec_lines(spec)
    return SlackMessage(text=text, blocks=[section(text)])


def _summary_line(spec: SubcommandSpec) -> str:
    return f"• `/lead {escape(spec.usage)}`: {spec.summary}"


def _spec_lines(spec: SubcommandSpec) -> str:
    examples = "\n".join(f"   `{escape(example)}`" for example in spec.examples)
    return f"{_summary_line(spec)}\n{examples}"


def syntax_error_message(error: CommandSyntaxError) -> SlackMessage:
    """What was wrong, then how to write it."""
    text = f"⚠️ {escape(error.problem)}"
    if error.spec is not None:
        text += "\n" + _spec_lines(error.spec)
    return SlackMessage(text=text, blocks=[section(text)])
