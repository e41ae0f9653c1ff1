"""When a merge needs a person's yes: two leads naming different emails or phones."""

from datetime import UTC, datetime
from typing import Any

from domain.lead import Lead
from domain.matching.merging import Difference, differences


def lead(**fields: Any) -> Lead:
    return Lead(
        team_id="T1",
        name="Dana Scully",
        created_at=datetime(2026, 11, 23, tzinfo=UTC),
        created_by="U1",
        **fields,
    )


def test_different_emails_and_phones_are_each_named() -> None:
    dana = lead(email="dana@fbi.gov", phone="+12025550143")
    fox = lead(email="fox@fbi.gov", phone="+12025550100")
    assert differences(dana, fox) == (
        Difference("email", "dana@fbi.gov", "fox@fbi.gov"),
        Difference("phone", "+12025550143", "+12025550100"),
    )


def test_a_value_on_one_side_only_or_the_same_value_needs_no_asking() -> None:
    assert differences(lead(email="dana@fbi.gov"), lead(phone="+12025550143")) == ()
    assert differences(lead(email="Dana@fbi.gov", phone="+1"), lead(email="dana@fbi.gov", phone="+1")) == ()
    assert differences(lead(), lead()) == ()
