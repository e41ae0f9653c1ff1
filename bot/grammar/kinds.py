"""The kinds of argument most subcommands share: a lead, a word, one of some choices, a fixed
word of the grammar, free text, a mention, key:value pairs. A kind says how its argument is
read from the tokens and how usage shows it; kinds only one area uses live in that area's
module (a time in work.py, an amount in closing.py...)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.outcomes import ParseEnv
from bot.grammar.tokens import TokenError, Words, parse_lead_ref, user_id_of


class Kind:
    """How one kind of argument is written and read. By default an argument is one token,
    taken as it is and shown `<name>` (`[name]` when it may be left out)."""

    placeholder = ""  # the usage word, when the argument's own name is not it
    what = "a value"  # said when it is missing: "Missing the lead id."
    noun = ""  # said of a subcommand given too much: "`score` takes only the lead"
    example = ""  # a value as a person types it
    free = False  # the rest of the line as typed: the line is then read leniently
    subject = False  # the lead the command is about (messages quote the words after it)
    binds = True  # False: a word of the grammar (`into`) that gives the command no value
    # Read in any order (`add`, `report`), each token goes to the first kind that accepts it:
    catch_all = False  # accepts anything, so it is tried last
    many = False  # takes every token it accepts, not one

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        """The value at `at`, and where the next argument starts."""
        return self.read(words[at]), at + 1

    def read(self, token: str) -> Any:
        return token

    def accepts(self, token: str) -> bool:
        """Has the token this argument's shape? In any order: whether it goes here; by
        position: whether an optional argument was given at all (a filler word)."""
        return True

    def prepare(self, tokens: list[str]) -> list[str]:
        """In any order, before tokens are matched: a kind may mend how they were split."""
        return tokens

    def shape(self, placeholder: str, optional: bool) -> str:
        return f"[{placeholder}]" if optional else f"<{placeholder}>"


class LeadRef(Kind):
    """`L-42`, `#42` or `42` (DESIGN.md)."""

    placeholder = "lead"
    what = "the lead id"
    noun = "the lead"
    example = "L-42"
    subject = True

    def read(self, token: str) -> int:
        try:
            return parse_lead_ref(token)
        except TokenError as exc:
            raise CommandSyntaxError(str(exc)) from exc


@dataclass(frozen=True)
class Word(Kind):
    """One word, as typed or in lower case."""

    lower: bool = False

    def read(self, token: str) -> str:
        return token.lower() if self.lower else token


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few words (any case), each standing for a value. `invalid` says what was wrong
    with `{token}`, or with `{rest}`: the words from it on. Usage shows the choices `shown`
    (all, unless some are synonyms best left unsaid)."""

    options: Mapping[str, Any]
    invalid: str
    shown: tuple[str, ...] = ()

    @property
    def placeholder(self) -> str:  # type: ignore[override]
        return "|".join(self.shown or self.options)

    @property
    def example(self) -> str:  # type: ignore[override]
        return (self.shown or tuple(self.options))[0]

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        word = words[at].lower()
        if word not in self.options:
            raise CommandSyntaxError(self.invalid.format(token=words[at], rest=" ".join(words[at:])))
        return self.options[word], at + 1


@dataclass(frozen=True)
class Keyword(Kind):
    """A word of the grammar itself (`merge L-43 into L-42`), shown as it is even when it
    may be left out (`ooo until 2026-12-01` or `ooo 2026-12-01`)."""

    word: str
    invalid: str = ""
    binds = False

    @property
    def example(self) -> str:  # type: ignore[override]
        return self.word

    def accepts(self, token: str) -> bool:
        return token.lower() == self.word

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[Any, int]:
        if not self.accepts(words[at]):
            raise CommandSyntaxError(self.invalid)
        return self.word, at + 1

    def shape(self, placeholder: str, optional: bool) -> str:
        return self.word


@dataclass(frozen=True)
class Text(Kind):
    """Free text to the end of the line: as typed (quotes, spacing, a lone quote), or for a
    search as its words."""

    as_typed: bool = True
    free = True
    example = "call back"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[str, int]:
        text = words.rest(at) if self.as_typed else " ".join(words[at:])
        return text, len(words)


@dataclass(frozen=True)
class Mention(Kind):
    """One person, @-mentioned (Slack sends `<@U123|ann>`), shown `@name`; `invalid` as
    Choice's."""

    invalid: str
    example = "@ann"

    def take(self, words: Words, at: int, env: ParseEnv) -> tuple[str, int]:
        user = user_id_of(words[at])
        if user is None:
            raise CommandSyntaxError(self.invalid.format(token=words[at], rest=" ".join(words[at:])))
        return user, at + 1

    def shape(self, placeholder: str, optional: bool) -> str:
        return f"[@{placeholder}]" if optional else f"@{placeholder}"


class KeyValues(Kind):
    """Any number of `key:value` pairs whose keys the command checks (`add`'s fields): a
    dict. Read in any order, so pairs reach it before any shape is tried."""

    placeholder = "key:value"
    example = "company:ACME"
    many = True

    def accepts(self, token: str) -> bool:
        return False  # pairs are handed over before shapes are matched

    def shape(self, placeholder: str, optional: bool) -> str:
        return f"[{placeholder} ...]"
