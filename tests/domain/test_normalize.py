"""What people type becomes clean values, or a refusal that says how to write it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.capture.normalize import MAX_NAME, clean_name, clean_text, normalize_email, normalize_phone
from domain.errors import InvalidInput

# --- email ------------------------------------------------------------------------------


def test_email_is_trimmed_and_lower_cased() -> None:
    assert normalize_email("  Dana.Scully@FBI.Gov ") == "dana.scully@fbi.gov"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_missing_email_is_none(blank: str | None) -> None:
    assert normalize_email(blank) is None


@pytest.mark.parametrize("bad", ["dana", "dana@", "@fbi.gov", "dana@@fbi.gov", "dana scully@fbi.gov"])
def test_a_malformed_email_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email(bad)

    assert refused.value.field == "email"
    assert f"'{bad}' is not an email address" in str(refused.value)


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("dana.fbi.gov", "it has no @"),
        ("dana@@fbi.gov", "it has more than one @"),
        ("@fbi.gov", "something is missing before the @"),
        ("dana@", "something is missing after the @"),
        ("dana scully@fbi.gov", "it has a space in it"),
        ("dana@fbi", "`fbi` is not a full domain, like example.com"),
        ("dana@fbi.local", "it holds a character or a domain an address cannot have"),
    ],
)
def test_a_refused_email_says_what_is_wrong_in_its_own_words(bad: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email(bad)

    said = f"'{bad}' is not an email address: {problem}. Write it like dana@example.com."
    assert str(refused.value) == said


@given(st.emails())
def test_normalize_email_is_idempotent_on_addresses_it_accepts(address: str) -> None:
    try:
        once = normalize_email(address)
    except InvalidInput:
        return  # hypothesis also generates addresses email-validator rightly refuses
    assert once is not None
    assert normalize_email(once) == once
    assert once == once.lower()


# --- phone ------------------------------------------------------------------------------


@pytest.mark.parametrize("local", ["(202) 555-0143", "202-555-0143", "202.555.0143", "1 202 555 0143"])
def test_a_local_us_number_is_read_in_the_default_region(local: str) -> None:
    assert normalize_phone(local, "US") == "+12025550143"


def test_a_number_with_a_country_code_ignores_the_default_region() -> None:
    assert normalize_phone("+44 20 7946 0958", "US") == "+442079460958"


def test_a_local_number_is_read_in_the_region_given() -> None:
    assert normalize_phone("020 7946 0958", "GB") == "+442079460958"


@pytest.mark.parametrize("garbage", ["call me maybe", "12", "+", "555"])
def test_garbage_is_not_a_phone_number(garbage: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_phone(garbage, "US")

    assert refused.value.field == "phone"
    assert "country code" in str(refused.value)
    assert "US" in str(refused.value)


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_a_missing_phone_is_none(blank: str | None) -> None:
    assert normalize_phone(blank, "US") is None


# --- names and free text ----------------------------------------------------------------


def test_a_name_is_trimmed_and_inner_whitespace_collapsed() -> None:
    assert clean_name("  Dana \t  Scully\n ") == "Dana Scully"


def test_a_name_is_composed_to_one_unicode_form() -> None:
    assert clean_name("Zoe\u0301 Ba\u0308r") == "Zoé Bär"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_a_lead_needs_a_name(blank: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_name(blank)

    assert refused.value.field == "name"
    assert "/lead add" in str(refused.value)


@pytest.mark.parametrize("text", ["Dana\x00Scully", "Dana\x07", "\x1b[31mDana"])
def test_control_characters_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="control characters") as refused:
        clean_name(text)

    assert refused.value.field == "name"


def test_an_overlong_name_is_refused_with_the_limit() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_name("x" * (MAX_NAME + 1))

    assert refused.value.field == "name"
    assert str(MAX_NAME) in str(refused.value)


def test_a_name_at_the_limit_is_kept() -> None:
    assert clean_name("x" * MAX_NAME) == "x" * MAX_NAME


def test_free_text_names_its_own_field_when_too_long() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_text("a" * 11, field="company", limit=10)

    assert refused.value.field == "company"
    assert "company" in str(refused.value)


def test_blank_free_text_is_none() -> None:
    assert clean_text("   ", field="company") is None
    assert clean_text(None, field="company") is None
