"""The import's shortcuts through email-validator and phonenumbers give what the libraries
give: the same addresses accepted and refused with the same words, the same countries."""

import sys
import unicodedata
from collections.abc import Callable

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from domain.capture.enrich import country_of
from domain.capture.normalize import clean_text, email_refusal, normalize_email, normalize_phone
from domain.errors import InvalidInput


def email_by_the_library(value: str) -> str | None:
    """normalize_email as it was: every address through validate_email."""
    if not value.strip():
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput("email", email_refusal(value)) from exc


def outcome(normalize: Callable[[str], str | None], value: str) -> str | None:
    try:
        return normalize(value)
    except InvalidInput as exc:
        return f"refused ({exc.field}): {exc}"


def same_answer(value: str) -> bool:
    return outcome(normalize_email, value) == outcome(email_by_the_library, value)


TRICKY = [
    "Dana.Scully@FBI.Gov",
    " dana@fbi.gov ",
    "dana@fbi",
    "dana@localhost",
    "dana@example.com",
    "dana@test",
    "dana@invalid",
    "dana@xn--bcher-kva.de",
    "dana@bücher.de",
    "dana@BÜCHER.DE",
    "dana@-fbi.gov",
    "dana@fbi-.gov",
    "dana@fbi..gov",
    "dana@.fbi.gov",
    "dana@fbi.gov.",
    "dana@[127.0.0.1]",
    "dana@fbi.gov@x.com",
    "dana@@fbi.gov",
    "Postmaster@fbi.gov",
    "dana+crm@fbi.gov",
    "d%x@fbi.gov",
    "dana@" + "a" * 63 + ".com",
    "dana@" + "a" * 64 + ".com",
    "d" * 64 + "@fbi.gov",
    "d" * 65 + "@fbi.gov",
    "d" * 60 + "@" + ".".join(["a" * 60] * 3) + ".com",
    "x@" + ".".join(["b" * 61] * 4) + ".com",
    "dana@fbi.gov>",
    "<dana@fbi.gov>",
    "Dana <dana@fbi.gov>",
    '"dana"@fbi.gov',
    "dana@fbi.gov\u0301",
    "dana@\u0301fbi.gov",
    "dana@ｆｂｉ.gov",
    "dana@fbi.gov\u200b",
    "dana@1.2.3.4",
    "dana@fbi.c",
    "dana@mail.onion",
    "dana@xn--.com",
    "dana@xn--zz.com",
    "d.@fbi.gov",
    ".d@fbi.gov",
]


@pytest.mark.parametrize("address", TRICKY)
def test_an_address_is_accepted_or_refused_as_email_validator_says(address: str) -> None:
    assert same_answer(address)


@given(st.emails())
def test_generated_addresses_get_the_same_answer(address: str) -> None:
    assert same_answer(address)


@given(st.text(alphabet="abcé.-_+@xn0[]:<> \u0301", min_size=1, max_size=30))
def test_near_addresses_get_the_same_answer(text: str) -> None:
    assert same_answer(text)


def test_control_characters_are_exactly_unicodes_category_cc() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cc" and not char.isspace():
            with pytest.raises(InvalidInput):
                clean_text(f"a{char}b", field="title")
        elif code in (0xA0, 0xAD, 0x200B, 0x2028, 0xFEFF):
            assert clean_text(f"a{char}b", field="title") is not None


NUMBERS = [
    "+1 202 555 0143",
    "(202) 555-0143",
    "+1 268 464 1234",
    "+1 416 555 0143",
    "+44 20 7946 0958",
    "+44 1481 256 789",
    "+44 7624 123456",
    "+49 30 901820",
    "+39 06 6982 1234",
    "+39 0669812345",
    "+7 701 123 4567",
    "+7 495 123 4567",
    "+61 8 9162 1234",
    "+358 18 12345",
    "+590 590 27 1234",
    "+800 1234 5678",
    "+262 269 61 1234",
    "+1 153 655 4566",
    "+358 00 5803 2139 15",
    "020 7946 0958",
]


@pytest.mark.parametrize("typed", NUMBERS)
@pytest.mark.parametrize("region", ["US", "GB", "IT"])
def test_the_country_is_that_of_the_number_as_typed(typed: str, region: str) -> None:
    try:
        e164 = normalize_phone(typed, region)
    except InvalidInput:
        return
    region_code = phonenumbers.region_code_for_number(phonenumbers.parse(typed, region))
    assert country_of(e164) == (region_code if region_code != "ZZ" else None)


@given(
    st.sampled_from(["+1", "+44", "+49", "+39", "+7", "+358", "+590", "+800", "00", ""]),
    st.text(alphabet="0123456789", min_size=2, max_size=14),
)
def test_generated_numbers_get_the_country_phonenumbers_gives(prefix: str, digits: str) -> None:
    try:
        e164 = normalize_phone(prefix + digits, "US")
    except InvalidInput:
        return
    region_code = phonenumbers.region_code_for_number(phonenumbers.parse(prefix + digits, "US"))
    assert country_of(e164) == (region_code if region_code != "ZZ" else None)


def test_a_phone_not_in_e164_form_is_still_read() -> None:
    assert (country_of("+44 20 7946 0958"), country_of("not a number")) == ("GB", None)
