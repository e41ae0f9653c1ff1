"""The identity rule: an email or external id is a person's own; a shared phone is one only
when no other email or given name says it is a switchboard."""

import pytest

from domain.matching.identity import phone_identifies

PHONE = "+33142685300"


@pytest.mark.parametrize(
    ("new", "old"),
    [
        (("Marie Curie", None), ("Marie Curie", "marie@acme.fr")),  # no email to contradict
        (("M. Curie", None), ("Marie Curie", None)),  # an initial
        (("Jon Smith", "jon@acme.com"), ("Jonathan Smith", "jon@acme.com")),  # a nickname, same mailbox
        (("Curie, Marie", None), ("Marie Curie", None)),  # written surname first
        (("Curie", None), ("Marie Curie", None)),  # a surname alone
        (("Marie Curie", "marie.curie+crm@acme.fr"), ("Marie Curie", "mariecurie@acme.fr")),  # dots, tags
    ],
)
def test_a_phone_nothing_contradicts_identifies(
    new: tuple[str, str | None], old: tuple[str, str | None]
) -> None:
    assert phone_identifies(*new, *old, PHONE)


@pytest.mark.parametrize(
    ("new", "old"),
    [
        (("Marie Curie", "marie@acme.fr"), ("Marie Curie", "m.curie@other.fr")),  # another email
        (("Jean Martin", None), ("Marie Martin", None)),  # another given name, one family
        (("Jean Martin", "jean@acme.fr"), ("Marie Curie", "marie@acme.fr")),  # colleagues
        (("Reception", "info@acme.fr"), ("Reception", "sales@acme.fr")),  # two role mailboxes
    ],
)
def test_a_shared_line_does_not(new: tuple[str, str | None], old: tuple[str, str | None]) -> None:
    assert not phone_identifies(*new, *old, PHONE)
