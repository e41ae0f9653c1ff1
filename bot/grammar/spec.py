"""How a subcommand is declared: its arguments, each once (name, kind, optional or not, an
example), a one-line summary and examples. Usage, parsing (bot/grammar/binding.py), "did
you mean" and help are all read from the declaration, so they cannot drift apart, as
errbot's `arg_botcmd` derives usage and help from one argparse parser."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.grammar.kinds import Kind, LeadRef
from bot.grammar.outcomes import Parsed, ParseEnv
from handlers.commands import Command

Values = dict[str, Any]  # the arguments given, by the command field each fills
Builder = Callable[[Values, ParseEnv], Parsed]


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument of a subcommand; its kind says how it is read and shown."""

    name: str  # also the key of `name:value`, and by default the command's field
    kind: Kind
    optional: bool = False
    # Written `name:value`: by position, only so (after the positional arguments, in any
    # order); in any order (`add`), also so (`email:dana@fbi.gov`).
    keyed: bool = False
    example: str = ""  # a value as typed; else the kind's
    placeholder: str = ""  # the usage word; else the kind's, else the name
    field: str = ""  # the command's field, when not the name
    what: str = ""  # "Missing {what}."; else the kind's
    missing: str = ""  # the whole sentence when it is missing, instead
    # Shown as required, but when absent the command answers (it knows the configured
    # choices and lists them): `/lead lost L-1`.
    command_explains_absence: bool = False

    @property
    def target(self) -> str:
        return self.field or self.name

    @property
    def shown_as(self) -> str:
        return self.placeholder or self.kind.placeholder or self.name

    @property
    def sample(self) -> str:
        return self.example or self.kind.example

    @property
    def required(self) -> bool:
        return not (self.optional or self.command_explains_absence)

    @property
    def missing_message(self) -> str:
        return self.missing or f"Missing {self.what or self.kind.what}."

    @property
    def noun(self) -> str:
        return self.kind.noun or f"`{self.shown_as}`"

    def usage(self, keyed_form: bool) -> str:
        if self.keyed and keyed_form:
            return f"[{self.name}:{self.shown_as}]"
        return self.kind.shape(self.shown_as, self.optional)


LEAD = Arg("lead", LeadRef(), field="number")  # the lead a command is about


@dataclass(frozen=True, slots=True)
class SubcommandSpec:
    """A `/lead` subcommand: everything parsing, usage, errors and help know of it."""

    name: str
    summary: str
    args: tuple[Arg, ...]
    examples: tuple[str, ...]
    build: Builder
    # Tokens matched to arguments by their shape, in any order (`add Dana +1 555 dana@x.co`),
    # rather than by position.
    any_order: bool = False
    # What to say of words beyond the arguments, if not the default. Fields: {name}, {rest}
    # (the words after the lead, or all of them) and {extra} (the words too many).
    extra: str = ""

    @property
    def usage(self) -> str:
        return " ".join([self.name, *(arg.usage(keyed_form=not self.any_order) for arg in self.args)])

    @property
    def free_text(self) -> bool:
        """Its tail is free text, taken as typed: a lone quote there is a character, not an error."""
        return any(arg.kind.free for arg in self.args)

    @property
    def keyed(self) -> tuple[Arg, ...]:
        return tuple(arg for arg in self.args if arg.keyed)

    def too_many(self, words: list[str], at: int) -> str:
        subject = bool(self.args) and self.args[0].kind.subject
        rest, extra = " ".join(words[1:] if subject else words), " ".join(words[at:])
        return (self.extra or self._default_extra()).format(name=self.name, rest=rest, extra=extra)

    def _default_extra(self) -> str:
        if not self.args:
            return "`{name}` takes nothing after it, but got `{rest}`."
        nouns = " and ".join(arg.noun for arg in self.args if arg.kind.binds)
        return f"`{{name}}` takes only {nouns}, but got `{{extra}}` after it."


@dataclass(frozen=True, slots=True)
class Area:
    """Subcommands that belong together: one group of `/lead help`, one module here."""

    title: str
    specs: tuple[SubcommandSpec, ...]


def makes(model: type[Command]) -> Builder:
    """The command built from the arguments by field name, with the request's key when the
    command takes one (so a re-sent request changes things once)."""
    keyed = "request_key" in model.model_fields

    def build(values: Values, env: ParseEnv) -> Command:
        key = {"request_key": env.request_key} if keyed else {}
        return model(**values, **key)

    return build
