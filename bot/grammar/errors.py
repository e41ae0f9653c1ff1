"""Bad `/lead` input: what was wrong, with the subcommand whose usage says how to write it."""

from collections.abc import Collection
from typing import TYPE_CHECKING

from domain.capture.validation import closest

if TYPE_CHECKING:  # the spec carries its errors' usage; errors come before specs
    from bot.grammar.spec import SubcommandSpec


class CommandSyntaxError(ValueError):
    """Bad input: says what was wrong and how to write it."""

    def __init__(self, problem: str, spec: "SubcommandSpec | None" = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.spec = spec


def did_you_mean(name: str, known: Collection[str]) -> str:
    """errbot's `unknown_command`: the known name a typo most likely meant, as a sentence."""
    close = closest(name, known)
    return f" Did you mean `{close}`?" if close else ""
