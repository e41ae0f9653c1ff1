"""Turn the raw text Slack sends for `/lead ...` into tokens, lead refs and key:value pairs."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SLACK_FORM = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_PHONE_LABEL = re.compile(r"[0-9+().\- ]+")
_LEAD_REF = re.compile(r"(?:[Ll]-?|#)?([0-9]+)")
_KEY_VALUE = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)
_KEY_PREFIX = re.compile(r"[A-Za-z_]+:")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")  # Slack user ids are U… or W…
_NOT_KEYS = frozenset({"http", "https", "mailto", "tel", "ftp"})

# “ ” „ ‟ ″ and ‘ ’ ‚ ‛ as typed by macOS/iOS smart punctuation.
_QUOTES = str.maketrans("\u201c\u201d\u201e\u201f\u2033\u2018\u2019\u201a\u201b", '"""""\'\'\'\'')
_SINGLE_CLOSE = re.compile(r"'(?!\w)")  # a ' followed by a letter is an apostrophe (O'Brien)
_PLAIN_RUN = re.compile(r"""[^\s"']+""")  # what _read_token copies as it is

# Postgres INTEGER is the narrowest id column we may sit on; larger refs would crash the query.
MAX_LEAD_ID = 2**31 - 1


class TokenError(ValueError):
    """The text cannot be tokenized; the message says what is wrong and how to write it."""


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping: links become what was typed, mentions become ``<@U123>``.

    Entities are decoded last so that a typed ``&lt;!channel&gt;`` ends up as the literal
    text ``<!channel>`` rather than being read as a Slack form.
    """
    return _decode_entities(_SLACK_FORM.sub(_plain_form, text))


def _plain_form(match: re.Match[str]) -> str:
    target, label = match[1], match[2]
    if target.startswith(("@", "#")):
        return f"<{target}>"  # canonical mention: the id survives, the display name may lie
    if target.startswith("!"):
        return match[0]  # <!channel>, <!here>, <!subteam^S1|@team> are left for the renderer
    if target.startswith("mailto:"):
        return target.removeprefix("mailto:")
    if target.startswith("tel:"):
        return label if label is not None else target.removeprefix("tel:")
    return target  # a URL: its label is display text and can say anything


def _decode_entities(text: str) -> str:
    # One pass, so "&amp;lt;" becomes "&lt;" and not "<".
    return _ENTITY.sub(lambda m: _ENTITIES[m[1]], text)


def normalize_quotes(text: str) -> str:
    """Map typographic quotes to straight ones.

    A ’ inside a word becomes a plain ' which `split_args` treats as an apostrophe,
    because single quotes only open a group at the start of a token.
    """
    return text.translate(_QUOTES)


class Words(list[str]):
    """Tokens that remember where each began in the line, so that a subcommand whose tail
    is free text (a note, a reminder's words) can take that tail as it was typed."""

    def __init__(self, tokens: Iterable[str] = (), starts: Iterable[int] = (), line: str = "") -> None:
        super().__init__(tokens)
        self.starts, self.line = tuple(starts), line

    def after(self, count: int) -> Words:
        return Words(self[count:], self.starts[count:], self.line)

    def rest(self, index: int) -> str:
        """The line from token `index` on, as typed (quotes and spacing kept); "" past the end."""
        return self.line[self.starts[index] :].strip() if index < len(self) else ""


def split_args(text: str) -> list[str]:
    """Split on whitespace; double quotes group anywhere, single quotes only at a token start.

    Backslash is an ordinary character because people paste Windows paths.
    """
    return split_words(text)


def split_words(text: str) -> Words:
    """split_args, remembering where each token began; an unclosed quote is an error."""
    clean = normalize_quotes(_decode_entities(_SLACK_FORM.sub(_keep_phone_whole, text)))
    return _tokenize(clean, clean, lenient=False)


def free_words(text: str) -> Words:
    """Words of a line whose tail is free text: a quote that never closes is a character of
    its word (`she said "call me later`, `'twas`), and `rest()` gives the tail after Slack's
    escaping is undone, typographic quotes and all."""
    line = unescape_slack(text)
    return _tokenize(normalize_quotes(line), line, lenient=True)


def _tokenize(clean: str, line: str, lenient: bool) -> Words:
    """`clean` is `line` with quotes made straight, one character for one, so a token's
    start in one is its start in the other."""
    tokens: list[str] = []
    starts: list[int] = []
    i = _skip_space(clean, 0)
    while i < len(clean):
        starts.append(i)
        token, i = _read_token(clean, i, lenient)
        tokens.append(token)
        i = _skip_space(clean, i)
    return Words(tokens, starts, line)


def _keep_phone_whole(match: re.Match[str]) -> str:
    # Slack recognised "+1 555 1234" as one number, so keep it one token.
    plain = _plain_form(match)
    is_phone = match[1].startswith("tel:") and _PHONE_LABEL.fullmatch(plain)
    return f'"{plain}"' if is_phone and " " in plain else plain


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _read_token(text: str, i: int, lenient: bool) -> tuple[str, int]:
    parts: list[str] = []
    while i < len(text) and not text[i].isspace():
        if text[i] == '"' or (text[i] == "'" and _may_open_single("".join(parts))):
            end = _closing_quote(text, i, lenient)
            parts.append(text[i + 1 : end] if end > i else text[i])
            i = max(end, i) + 1
        elif text[i] == "'":  # an apostrophe inside a word
            parts.append("'")
            i += 1
        else:  # a run of plain characters at once: this runs before every ack
            run = _PLAIN_RUN.match(text, i)
            assert run is not None
            parts.append(run[0])
            i = run.end()
    return "".join(parts), i


def _may_open_single(so_far: str) -> bool:
    # At a token start, or right after `key:` so that company:'ACME Inc' groups too.
    return so_far == "" or _KEY_PREFIX.fullmatch(so_far) is not None


def _closing_quote(text: str, start: int, lenient: bool) -> int:
    """Where the quote at `start` closes; `start` itself when it never does and that is
    allowed (the quote is then an ordinary character)."""
    quote = text[start]
    if quote == '"':
        end = text.find('"', start + 1)
    else:
        found = _SINGLE_CLOSE.search(text, start + 1)
        end = found.start() if found else -1
    if end < 0 and not lenient:
        raise TokenError(_unclosed_message(text, start))
    return end if end >= 0 else start


def _unclosed_message(text: str, start: int) -> str:
    quote = text[start]
    message = f"Unclosed quote in: {text} — close it like {text[start:].rstrip()}{quote}."
    if quote == "'":
        message += ' For an apostrophe at the start of a word, put the value in "double quotes".'
    return message


def parse_lead_ref(token: str) -> int:
    """Read a lead reference written as L-42, l-42, L42, #42 or 42."""
    match = _LEAD_REF.fullmatch(token.strip())
    number = int(match[1]) if match and len(match[1]) <= 10 else 0
    if not 0 < number <= MAX_LEAD_ID:
        raise TokenError(f"'{token}' is not a lead id. Write it as L-42, #42 or 42.")
    return number


def split_key_value(token: str) -> tuple[str, str] | None:
    """``company:ACME`` -> ("company", "ACME"); URLs, times and emails are not key:value."""
    match = _KEY_VALUE.fullmatch(token)
    if match is None:
        return None
    key, value = match[1].lower(), match[2]
    if key in _NOT_KEYS or value.startswith("//"):
        return None
    return key, value


def user_id_of(token: str) -> str | None:
    """The user id in a ``<@U123>`` mention (or Slack's raw ``<@U123|ann>``), else None."""
    match = _USER_MENTION.fullmatch(token)
    return match[1] if match else None
