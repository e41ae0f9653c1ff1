"""Reading a subcommand's tokens into its declared arguments. Two layouts:

- by position (most subcommands): each argument in turn from where the last one ended, then
  `key:value` arguments in any order, where bare words after a pair continue its value
  (`need:replace the spreadsheets` needs no quotes);
- in any order (`add`, `report`): each token goes to the first argument whose shape accepts
  it and has room, `key:value` tokens first (a key says what the word is) and catch-alls
  last; a token no argument takes is one too many.
"""

from typing import Any

from bot.grammar.errors import CommandSyntaxError, did_you_mean
from bot.grammar.kinds import KeyValues
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import Arg, SubcommandSpec, Values
from bot.grammar.tokens import Words, split_key_value


def bind(spec: SubcommandSpec, words: Words, env: ParseEnv) -> Values:
    """The arguments given, by command field; an absent optional one is left out, so the
    command's own default applies."""
    if spec.any_order:
        return _in_any_order(spec, words)
    values: Values = {}
    at = _by_position(spec, words, env, values)
    if spec.keyed and at < len(words):
        values |= _key_values(spec.keyed, words[at:])
        at = len(words)
    if at < len(words):
        raise CommandSyntaxError(spec.too_many(words, at))
    return values


def _by_position(spec: SubcommandSpec, words: Words, env: ParseEnv, values: Values) -> int:
    at = 0
    for arg in spec.args:
        if arg.keyed:
            continue
        if at >= len(words) or (arg.optional and not arg.kind.accepts(words[at])):
            if arg.required:
                raise CommandSyntaxError(arg.missing_message)
            continue
        value, after = arg.kind.take(words, at, env)
        if after > at and arg.kind.binds:
            values[arg.target] = value
        at = after
    return at


def _key_values(keyed: tuple[Arg, ...], tokens: list[str]) -> Values:
    by_name = {arg.name: arg for arg in keyed}
    given: dict[str, str] = {}
    last: str | None = None
    for token in tokens:
        pair = split_key_value(token)
        if pair is not None:
            last = _known_key(pair[0], by_name)
            given[last] = pair[1]
        elif last is not None:
            given[last] = f"{given[last]} {token}".strip()
        else:
            first = keyed[0]
            raise CommandSyntaxError(
                f"`{token}` is not a key:value pair: write e.g. {first.name}:{first.sample}."
            )
    return {by_name[key].target: by_name[key].kind.read(value) for key, value in given.items()}


def _known_key(key: str, by_name: dict[str, Arg]) -> str:
    if key in by_name:
        return key
    raise CommandSyntaxError(f"`{key}` is not one of {', '.join(by_name)}.{did_you_mean(key, by_name)}")


def _in_any_order(spec: SubcommandSpec, words: Words) -> Values:
    tokens: list[str] = list(words)
    for arg in spec.args:
        tokens = arg.kind.prepare(tokens)
    pairs = next((arg for arg in spec.args if isinstance(arg.kind, KeyValues)), None)
    keyed = {arg.name: arg for arg in spec.args if arg.keyed}
    order = sorted(spec.args, key=lambda arg: arg.kind.catch_all)
    values: Values = {}
    for token in tokens:
        pair = split_key_value(token) if pairs is not None else None
        if pair is not None and pairs is not None:
            _put_pair(values, pair, keyed.get(pair[0]), pairs)
        else:
            _put_shaped(values, token, order, spec, words)
    return values


def _put_pair(values: Values, pair: tuple[str, str], keyed: Arg | None, pairs: Arg) -> None:
    """`email:dana@fbi.gov` fills the email argument (a later one wins); other keys are the
    pairs argument's, for the command to check."""
    if keyed is not None:
        values[keyed.target] = keyed.kind.read(pair[1])
    else:
        values.setdefault(pairs.target, {})[pair[0]] = pair[1]


def _put_shaped(values: Values, token: str, order: list[Arg], spec: SubcommandSpec, words: Words) -> None:
    _refuse_a_second(values, token, order)
    arg = next((a for a in order if a.kind.accepts(token) and (a.kind.many or a.target not in values)), None)
    if arg is None:
        raise CommandSyntaxError(spec.too_many(words, len(words)))
    value: Any = arg.kind.read(token)
    if arg.kind.many:
        values.setdefault(arg.target, []).append(value)
    else:
        values[arg.target] = value


def _refuse_a_second(values: Values, token: str, order: list[Arg]) -> None:
    """A second email (or phone) would otherwise fall to the catch-all and end up in the name:
    `Jane Roe jane@roe.co.uk extra@x.com` must not make a lead called "Jane Roe extra@x.com"."""
    taken = next((a for a in order if a.keyed and a.target in values and a.kind.accepts(token)), None)
    if taken is not None:
        raise CommandSyntaxError(
            f"`{token}` would be a second {taken.name}, after `{values[taken.target]}`: "
            f"a lead has one {taken.name}. Keep one (the other can go in a note)."
        )
