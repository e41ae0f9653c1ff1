"""Fellegi–Sunter matching: comparison vectors, the learned weights, and the vetoes that keep a
lead's colleagues and namesakes apart."""

import pytest

from domain.matching.compare import FIELDS, LEVELS, MISSING
from domain.matching.dedupe import MatchRecord, comparison, likely_duplicate
from domain.matching.score import LEARNED, weights_from

TRADERS = "Northwind Traders International"


def test_each_field_is_sorted_into_levels_and_a_missing_one_into_missing() -> None:
    new = MatchRecord(2, "Smithers, Jon", "jon@northwind.com", None, "Northwind Trdaers International")
    old = MatchRecord(1, "Jonathan Smithers", "jonathan@northwind.com", "+12025550143", TRADERS)

    given, surname, company, email, phone = comparison(new, old)

    assert (given, surname) == (4, 4)  # swapped, and a nickname
    assert company == 3  # a slip
    assert email == 1  # another mailbox at the same company domain
    assert phone == MISSING


def test_the_learned_weights_speak_for_agreement_and_against_difference() -> None:
    for field in FIELDS:
        weights = LEARNED.table[field]
        assert len(weights) == LEVELS[field]
        assert weights[0] < 0 < weights[-1], field


def test_a_near_agreement_never_weighs_more_than_a_closer_one() -> None:
    """EM learned a company one slip away as likelier one person than the same company."""
    m = {field: (0.1,) + (0.9 / (LEVELS[field] - 1),) * (LEVELS[field] - 1) for field in FIELDS}
    u = {field: (0.99,) + (0.01 / (LEVELS[field] - 1),) * (LEVELS[field] - 1) for field in FIELDS}
    m["company"] = (0.08, 0.1, 0.05, 0.26, 0.51)
    u["company"] = (0.995, 0.003, 0.0004, 0.0002, 0.0011)

    table = weights_from(m, u, 12.5).table

    assert list(table["company"]) == sorted(table["company"])
    assert table["company"][3] == table["company"][4] > table["company"][2]
    for field in FIELDS:
        assert list(LEARNED.table[field]) == sorted(LEARNED.table[field]), field


def test_a_pair_the_rule_misses_is_found_by_its_match_weight() -> None:
    old = MatchRecord(1, "Darcy Webb", company="Bywaters Place Lake Munmorah")
    new = MatchRecord(2, "Darcy Webb", company="Bywaters Pilace Lake Mnunorah")  # two slips, a swap

    found = likely_duplicate(new, [old])

    assert found is not None and found.id == 1
    assert found.reasons[0].startswith("match weight ") and "same surname" in found.reasons


@pytest.mark.parametrize(
    "other",
    [
        MatchRecord(2, "Annika Webb", "annika@northwind.com", None, TRADERS),  # a colleague, same surname
        MatchRecord(2, "Darcy Webb", "darcy@initech.com", None, "Initech"),  # a namesake elsewhere
        MatchRecord(2, "Darcy Webb", "darcy.webb@gmail.com", None, None),  # a name alone
        MatchRecord(2, "Darcy Webber", "dw@northwind.com", None, TRADERS),  # another mailbox
    ],
)
def test_the_weights_never_outvote_what_a_lead_says_of_itself(other: MatchRecord) -> None:
    darcy = MatchRecord(1, "Darcy Webb", "darcy@northwind.com", "+12025550143", TRADERS)

    assert likely_duplicate(other, [darcy]) is None


def test_without_an_email_or_phone_a_replaced_given_name_at_the_same_address_is_flagged() -> None:
    """Record linkage proper (Febrl): name and place are all there is, and the weights decide."""
    jack = MatchRecord(1, "Jack Ryan", company="Bayly Place Cleveland")

    found = likely_duplicate(MatchRecord(2, "Annika Ryan", company="Bayly P Lace Cleveland"), [jack])

    assert found is not None and found.id == 1


def test_an_organisation_keeping_most_of_its_words_is_close_and_one_shared_word_is_not() -> None:
    moved_town = comparison(
        MatchRecord(1, "Joshua Linnell", company="Beaumont Close St Ivzes"),
        MatchRecord(2, "Joshua Linnell", company="Beaumont Close Coonabarabran"),
    )
    one_word_of_many = comparison(
        MatchRecord(1, "Brodie Ryan", company="badimara street"),
        MatchRecord(2, "Noah Ryan", company="garrard street port pirie mclaren vale"),
    )
    assert moved_town[FIELDS.index("company")] >= 1
    assert one_word_of_many[FIELDS.index("company")] == 0


def _company_level(one: str, two: str) -> int:
    return comparison(MatchRecord(1, "Ann Lee", company=one), MatchRecord(2, "Ann Lee", company=two))[
        FIELDS.index("company")
    ]


def test_words_naming_a_kind_of_street_or_business_do_not_make_two_organisations_alike() -> None:
    assert _company_level("Levine Street Eastwood", "David Street Heywood") == 0
    assert _company_level("Northwind Consulting Services", "Contoso Consulting Services") == 0
    assert _company_level("Walker Consulting Services", "Walker Consulting") >= 3


def test_an_organisation_named_by_its_telling_word_alone_is_related_to_its_full_name() -> None:
    assert _company_level("Elsternwick", "Tullaroop Street Elsternwick") >= 2
    assert _company_level("Walker Xrescent Belrose", "Walker Crescent Belrose") >= 3


def test_a_one_word_name_needs_more_than_a_related_organisation() -> None:
    """ "White" at one Hurstville address and Maya White at another are not flagged."""
    maya = MatchRecord(1, "Maya White", company="Florence Taylor Street Hurstville South")

    assert (
        likely_duplicate(MatchRecord(2, "White", company="Greenough Circuit Hurstville South"), [maya])
        is None
    )
