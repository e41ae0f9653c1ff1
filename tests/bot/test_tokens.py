"""How `/lead` text from Slack becomes tokens, lead refs, key:value pairs and user ids."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.grammar.tokens import (
    MAX_LEAD_ID,
    TokenError,
    normalize_quotes,
    parse_lead_ref,
    split_args,
    split_key_value,
    unescape_slack,
    user_id_of,
)

TYPOGRAPHIC = "\u201c\u201d\u201e\u201f\u2033\u2018\u2019\u201a\u201b"
DOUBLE_PAIRS = [('"', '"'), ("\u201c", "\u201d"), ("\u201e", "\u201c"), ("\u2033", "\u2033")]
SINGLE_PAIRS = [("'", "'"), ("\u2018", "\u2019")]

# Text Slack could send that has nothing for the tokenizer to interpret.
plain_chars = st.characters(exclude_characters=TYPOGRAPHIC + "\"'<>&")
plain_text = st.text(st.one_of(st.sampled_from(" \t\n\u00a0\u3000"), plain_chars))
safe_token = st.text(plain_chars, min_size=1)
keys = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- unescape_slack -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("<mailto:a@b.co|a@b.co>", "a@b.co"),
        ("<mailto:a@b.co>", "a@b.co"),
        ("<tel:+15551234|+1 555 1234>", "+1 555 1234"),
        ("<tel:+15551234>", "+15551234"),
        ("<https://x.co|x.co>", "https://x.co"),
        ("<https://x.co>", "https://x.co"),
        ("<@U123|ann>", "<@U123>"),
        ("<@U123>", "<@U123>"),
        ("<#C123|sales>", "<#C123>"),
        ("<!channel>", "<!channel>"),
        ("<!here>", "<!here>"),
        ("<!subteam^S1|@team>", "<!subteam^S1|@team>"),
        ("R&amp;D &lt;b&gt;", "R&D <b>"),
    ],
)
def test_slack_escapes_become_what_the_user_typed(raw: str, plain: str) -> None:
    assert unescape_slack(raw) == plain


def test_a_link_gives_its_url_not_its_label_because_the_label_can_lie() -> None:
    assert unescape_slack("<https://evil.example/login|bank.com>") == "https://evil.example/login"


def test_typed_channel_ping_stays_literal_text() -> None:
    assert unescape_slack("&lt;!channel&gt;") == "<!channel>"


def test_entities_are_decoded_once() -> None:
    assert unescape_slack("&amp;lt;") == "&lt;"


def test_escaped_ampersand_inside_a_link_is_decoded() -> None:
    assert unescape_slack("<https://x.co/?a=1&amp;b=2|x.co>") == "https://x.co/?a=1&b=2"


emailish = st.builds(
    "{}@{}.{}".format,
    st.from_regex(r"[A-Za-z0-9._%+&'-]{1,20}", fullmatch=True),
    st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True),
    st.sampled_from(["co", "com", "io", "co.uk"]),
)


@given(emailish)
def test_mailto_form_gives_the_address(address: str) -> None:
    escaped = slack_escape(address)
    assert unescape_slack(f"<mailto:{escaped}|{escaped}>") == address
    assert unescape_slack(f"<mailto:{escaped}>") == address


# --- normalize_quotes -----------------------------------------------------------------


def test_typographic_quotes_become_straight() -> None:
    assert normalize_quotes("\u201ca\u201d \u201eb\u201f \u2033c\u2033") == '"a" "b" "c"'
    assert normalize_quotes("\u2018a\u2019 \u201ab\u201b") == "'a' 'b'"


def test_apostrophe_in_a_word_stays_an_apostrophe() -> None:
    assert normalize_quotes("O\u2019Brien") == "O'Brien"


# --- split_args -----------------------------------------------------------------------


def test_typographic_quotes_group_a_name() -> None:
    assert split_args("add \u201cDana Scully\u201d dana@x.co") == [
        "add",
        "Dana Scully",
        "dana@x.co",
    ]


def test_apostrophe_inside_a_name_does_not_open_a_quote() -> None:
    assert split_args("add Dana O\u2019Brien") == ["add", "Dana", "O'Brien"]


def test_single_quotes_group_at_a_token_start_and_keep_inner_apostrophes() -> None:
    assert split_args("add \u2018Dana O\u2019Brien\u2019 x") == ["add", "Dana O'Brien", "x"]


def test_quoted_value_after_a_key_is_one_token() -> None:
    assert split_args("company:\"ACME Inc\" title:'VP Sales'") == [
        "company:ACME Inc",
        "title:VP Sales",
    ]


def test_whole_key_value_in_quotes_is_one_token() -> None:
    assert split_args('"company:ACME Inc"') == ["company:ACME Inc"]


def test_backslash_is_not_an_escape() -> None:
    assert split_args(r'note C:\Users\dana "a\" b') == ["note", r"C:\Users\dana", "a\\", "b"]


def test_empty_quotes_give_an_empty_token() -> None:
    assert split_args('title:"" x') == ["title:", "x"]
    assert split_args('""') == [""]


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_text_gives_no_tokens(blank: str) -> None:
    assert split_args(blank) == []


def test_slack_forms_are_unescaped_before_splitting() -> None:
    raw = "add Dana <mailto:d@x.co|d@x.co> <@U1|ann> <#C9|sales> R&amp;D"
    assert split_args(raw) == ["add", "Dana", "d@x.co", "<@U1>", "<#C9>", "R&D"]


def test_phone_number_slack_linked_stays_one_token() -> None:
    assert split_args("add Dana <tel:+15551234|+1 555 1234>") == ["add", "Dana", "+1 555 1234"]


def test_unclosed_double_quote_says_how_to_close_it() -> None:
    with pytest.raises(TokenError) as error:
        split_args('add "Dana Scully')
    assert str(error.value) == 'Unclosed quote in: add "Dana Scully — close it like "Dana Scully".'


def test_unclosed_single_quote_suggests_double_quotes() -> None:
    with pytest.raises(TokenError, match="double quotes"):
        split_args("note 'twas late")


def test_token_error_is_a_value_error() -> None:
    assert issubclass(TokenError, ValueError)


@given(plain_text)
def test_text_without_quotes_splits_like_str_split(text: str) -> None:
    assert split_args(text) == text.split()


@given(safe_token, st.sampled_from(DOUBLE_PAIRS + SINGLE_PAIRS))
def test_any_quoted_token_comes_back_whole(token: str, pair: tuple[str, str]) -> None:
    opening, closing = pair
    assert split_args(f"{opening}{token}{closing}") == [token]


@given(keys, safe_token, st.sampled_from(DOUBLE_PAIRS))
def test_key_with_quoted_value_is_one_token_either_way(key: str, value: str, pair: tuple[str, str]) -> None:
    opening, closing = pair
    assert split_args(f"{key}:{opening}{value}{closing}") == [f"{key}:{value}"]
    assert split_args(f"{opening}{key}:{value}{closing}") == [f"{key}:{value}"]


@given(st.text())
def test_any_text_splits_or_raises_token_error(text: str) -> None:
    try:
        tokens = split_args(text)
    except TokenError:
        return
    assert not any(ch in TYPOGRAPHIC for token in tokens for ch in token)


# --- parse_lead_ref -------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["L-42", "l-42", "L42", "#42", "42"])
def test_every_lead_ref_form_is_accepted(ref: str) -> None:
    assert parse_lead_ref(ref) == 42


@pytest.mark.parametrize("ref", ["0", "L-0", "-3", "L--3", "x", "", "L-", "#", "L-4x", "4.2", "M-4"])
def test_non_refs_are_refused_with_the_forms_to_use(ref: str) -> None:
    with pytest.raises(TokenError) as error:
        parse_lead_ref(ref)
    assert str(error.value) == f"'{ref}' is not a lead id. Write it as L-42, #42 or 42."


def test_a_ref_too_large_for_any_lead_is_refused() -> None:
    with pytest.raises(TokenError):
        parse_lead_ref(str(MAX_LEAD_ID + 1))


@given(st.integers(min_value=1, max_value=MAX_LEAD_ID))
def test_lead_ref_round_trips_in_every_form(number: int) -> None:
    for ref in (f"L-{number}", f"l-{number}", f"L{number}", f"#{number}", str(number)):
        assert parse_lead_ref(ref) == number


# --- split_key_value and user_id_of ---------------------------------------------------


@pytest.mark.parametrize(
    ("token", "pair"),
    [
        ("company:ACME", ("company", "ACME")),
        ("Company:ACME", ("company", "ACME")),
        ("source:web:form", ("source", "web:form")),
        ("email:a@b.co", ("email", "a@b.co")),
        ("company:ACME Inc", ("company", "ACME Inc")),
    ],
)
def test_key_value_tokens_split_with_lower_case_keys(token: str, pair: tuple[str, str]) -> None:
    assert split_key_value(token) == pair


@pytest.mark.parametrize(
    "token", ["https://x.co", "http://x.co", "9:30", "a@b.co", "mailto:a@b.co", "Dana", "k-1:v"]
)
def test_urls_times_and_emails_are_not_key_values(token: str) -> None:
    assert split_key_value(token) is None


@given(keys, st.text(st.characters(exclude_characters="/")))
def test_any_key_value_splits_at_the_first_colon(key: str, value: str) -> None:
    if key not in {"http", "https", "mailto", "tel", "ftp"}:
        assert split_key_value(f"{key}:{value}") == (key, value)


@pytest.mark.parametrize(("token", "user_id"), [("<@U123>", "U123"), ("<@W9ABC|ann>", "W9ABC")])
def test_user_id_is_read_from_a_mention(token: str, user_id: str) -> None:
    assert user_id_of(token) == user_id


@pytest.mark.parametrize("token", ["U123", "<#C123>", "<!here>", "@ann", "<@U123>x"])
def test_anything_but_a_mention_has_no_user_id(token: str) -> None:
    assert user_id_of(token) is None
