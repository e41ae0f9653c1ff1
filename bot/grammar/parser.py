"""`/lead` text -> a validated command, help, a form to open, or CommandSyntaxError saying
what was wrong with the usage of its subcommand."""

from functools import lru_cache

from pydantic import ValidationError

from bot.grammar.binding import bind
from bot.grammar.errors import CommandSyntaxError, did_you_mean
from bot.grammar.outcomes import HelpRequested, Parsed, ParseEnv
from bot.grammar.spec import SubcommandSpec
from bot.grammar.table import SPEC_BY_NAME
from bot.grammar.tokens import TokenError, Words, free_words, split_words
from domain.capture.validation import describe


def parse(text: str, env: ParseEnv) -> Parsed:
    """Text after `/lead` -> a validated command, or CommandSyntaxError with usage."""
    name = _subcommand_of(text)
    if name is None:
        return HelpRequested()
    spec = lookup(name)
    try:
        words = free_words(text) if spec.free_text else _tokens_of(text)
        return spec.build(bind(spec, words.after(1), env), env)
    except TokenError as exc:
        raise CommandSyntaxError(str(exc), spec) from exc
    except CommandSyntaxError as exc:
        raise CommandSyntaxError(exc.problem, spec) from exc
    except ValidationError as exc:
        raise CommandSyntaxError(describe(exc), spec) from exc


def lookup(name: str) -> SubcommandSpec:
    spec = SPEC_BY_NAME.get(name.lower())
    if spec is not None:
        return spec
    raise CommandSyntaxError(
        f"`{name}` is not a /lead subcommand.{did_you_mean(name, SPEC_BY_NAME)} `/lead help` lists them."
    )


def _subcommand_of(text: str) -> str | None:
    """The first word, read as the rest will be: strictly, or (a lone quote later in the
    line) leniently, so a free-text subcommand is found before its text is read."""
    try:
        words = _tokens_of(text)
    except TokenError:
        words = free_words(text)
    return words[0] if words else None


def asks_for_form(text: str) -> bool:
    """Would parse() answer OpenCaptureForm? Cheap (no command is built), so a listener can
    route on it before the ack."""
    return _is_bare(text, "add", arguments=0)


def asks_for_qualify_form(text: str) -> bool:
    """`/lead qualify <lead>` alone, checked cheaply before the ack like asks_for_form."""
    return _is_bare(text, "qualify", arguments=1)


def asks_for_import_form(text: str) -> bool:
    """`/lead import` alone, checked cheaply before the ack like asks_for_form."""
    return _is_bare(text, "import", arguments=0)


def _is_bare(text: str, subcommand: str, arguments: int) -> bool:
    try:
        tokens = _tokens_of(text)
    except TokenError:
        return False
    return len(tokens) == 1 + arguments and tokens[0].lower() == subcommand


@lru_cache(maxsize=64)
def _tokens_of(text: str) -> Words:
    """The listeners ask of one command's text whether it wants a form, then parse it:
    tokenised once (shared: read it, or copy it with `after`)."""
    return split_words(text)
