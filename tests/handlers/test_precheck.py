"""Checking a capture before it is saved: the same validation, the same duplicate, nothing stored."""

import pytest

from domain.errors import InvalidInput
from handlers.capture.pipeline import add_lead
from handlers.capture.precheck import check_duplicate
from handlers.commands import AddLead, CaptureChannel
from handlers.context import Context
from store.unit_of_work import UowFactory

JONATHAN = AddLead(
    name="Jonathan Smithers", email="jonathan@acme.com", fields={"company": "Acme Corporation"}
)
JON = AddLead(
    name="Jon Smithers", fields={"company": "ACME Corp."}, channel=CaptureChannel.MODAL, request_key="k1"
)


def lead_count(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return len(uow.leads.all())


def test_the_likely_duplicate_is_found_and_nothing_is_stored(uow_factory: UowFactory, ann: Context) -> None:
    add_lead(JONATHAN, uow_factory(), ann)
    duplicate = check_duplicate(JON, uow_factory(), ann)
    assert duplicate is not None and duplicate.lead.ref == "L-1"
    assert duplicate.reasons == ("name 98% (Jon for Jonathan)", "same company")
    assert lead_count(uow_factory) == 1


def test_the_check_agrees_with_what_capture_then_flags(uow_factory: UowFactory, ann: Context) -> None:
    add_lead(JONATHAN, uow_factory(), ann)
    warned = check_duplicate(JON, uow_factory(), ann)
    flagged = add_lead(JON, uow_factory(), ann).duplicate
    assert warned == flagged


def test_a_known_person_or_an_already_saved_request_is_no_duplicate(
    uow_factory: UowFactory, ann: Context
) -> None:
    add_lead(JONATHAN, uow_factory(), ann)
    same_email = AddLead(name="Jon Smithers", email="jonathan@acme.com")
    assert check_duplicate(same_email, uow_factory(), ann) is None
    add_lead(JON, uow_factory(), ann)
    assert check_duplicate(JON, uow_factory(), ann) is None  # a second Save of the same form


def test_bad_input_names_its_field(uow_factory: UowFactory, ann: Context) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_duplicate(AddLead(name="Dana", email="dana@"), uow_factory(), ann)
    assert caught.value.field == "email"
    with pytest.raises(InvalidInput) as caught:
        check_duplicate(AddLead(fields={"company": "FBI"}), uow_factory(), ann)
    assert caught.value.field == "name"
