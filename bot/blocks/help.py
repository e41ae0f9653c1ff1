"""Help and usage messages, generated from the grammar's subcommand specs."""

from bot.blocks.text import SlackMessage, escape, section
from bot.grammar import SPECS, CommandSyntaxError, SubcommandSpec


def help_message(topic: str | None = None) -> SlackMessage:
    specs = [s for s in SPECS if s.name == topic] or list(SPECS)
    lines = ["*What `/lead` can do*"] if len(specs) > 1 else []
    lines += [_spec_lines(spec) for spec in specs]
    text = "\n".join(lines)
    return SlackMessage(text=text, blocks=[section(text)])


def _spec_lines(spec: SubcommandSpec) -> str:
    examples = "\n".join(f"   `{escape(example)}`" for example in spec.examples)
    return f"• `/lead {escape(spec.usage)}`: {spec.summary}\n{examples}"


def syntax_error_message(error: CommandSyntaxError) -> SlackMessage:
    """What was wrong, then how to write it."""
    text = f"⚠️ {escape(error.problem)}"
    if error.spec is not None:
        text += "\n" + _spec_lines(error.spec)
    return SlackMessage(text=text, blocks=[section(text)])
