"""Help and usage messages, generated from the grammar's subcommand specs: one group of the
overview per area of the grammar, so help cannot leave a subcommand out."""

from typing import Any

from bot.blocks.text import SlackMessage, escape, section, sections
from bot.grammar import AREAS, SPEC_BY_NAME, CommandSyntaxError, SubcommandSpec

USAGE = escape("/lead help <subcommand>")
POINTER = f"`{USAGE}` shows one subcommand's usage and examples, e.g. `/lead help remind`."


def help_message(topic: str | None = None) -> SlackMessage:
    """`/lead help`: every subcommand in one line each, grouped; `/lead help <name>`: its detail."""
    spec = SPEC_BY_NAME.get(topic or "")
    return detail_message(spec) if spec is not None else overview_message()


def overview_message() -> SlackMessage:
    blocks: list[dict[str, Any]] = [section("*What `/lead` can do*")]
    for area in AREAS:
        blocks += sections([f"*{area.title}*", *(_summary_line(spec) for spec in area.specs)])
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": POINTER}]})
    return SlackMessage(text=f"What /lead can do. {POINTER}", blocks=blocks)


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
