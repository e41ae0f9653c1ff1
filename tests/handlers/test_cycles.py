"""A contact who shows new interest becomes a new lead, linked to them as a new cycle."""

from decimal import Decimal

import pytest
from closing_support import contacted_lead, stored
from support import BEN, context_of

from domain.config import CONSOLE_WORKSPACE
from domain.errors import InvalidInput, PermissionDenied
from domain.lifecycle import LeadStatus
from handlers.capture.cycles import link_to_customer
from handlers.capture.pipeline import add_lead
from handlers.capture.precheck import check_duplicate
from handlers.closing.outcomes import convert_lead
from handlers.commands import AddLead, CaptureChannel, ConvertLead, LinkReturning
from handlers.reporting.export import export_leads


def converted_customer(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann, email="dana@fbi.gov", phone="+1 202 555 0143", fields={"company": "FBI"})
    convert_lead(ConvertLead(number=1, value=Decimal("12000")), uow_factory(), ann)


def test_a_converted_persons_new_interest_is_a_new_lead_of_their_contact(uow_factory, ann) -> None:
    converted_customer(uow_factory, ann)

    again = add_lead(AddLead(name="Dana Scully", email="DANA@fbi.gov"), uow_factory(), ann)

    assert again.outcome == "created" and again.lead.ref == "L-2"
    assert again.returning is not None and again.returning.first_lead == "L-1"
    first, second = stored(uow_factory, 1), stored(uow_factory, 2)
    assert (second.contact_id, second.cycle, second.status) == (first.contact_id, 2, LeadStatus.NEW)
    assert (first.status, first.deal_value) == (LeadStatus.CONVERTED, Decimal("12000.00"))  # untouched


def test_the_phone_alone_recognises_the_contact_and_it_is_not_flagged_a_duplicate(uow_factory, ann) -> None:
    converted_customer(uow_factory, ann)

    again = add_lead(AddLead(name="Dana Scully", phone="(202) 555-0143"), uow_factory(), ann)

    assert again.returning is not None and again.duplicate is None
    assert check_duplicate(AddLead(name="Dana Scully", phone="2025550143"), uow_factory(), ann) is None


def test_a_colleague_on_the_customers_line_is_a_new_person_not_the_customer_back(uow_factory, ann) -> None:
    converted_customer(uow_factory, ann)
    fox = AddLead(name="Fox Mulder", email="fox@fbi.gov", phone="(202) 555-0143")

    colleague = add_lead(fox, uow_factory(), ann)

    assert colleague.outcome == "created" and colleague.returning is None
    assert (stored(uow_factory, 2).contact_id, stored(uow_factory, 2).cycle) == (None, 1)
    assert check_duplicate(AddLead(name="Fox Mulder", phone="2025550143"), uow_factory(), ann) is None


def test_while_the_new_cycle_is_open_the_person_is_that_lead(uow_factory, ann) -> None:
    converted_customer(uow_factory, ann)
    add_lead(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), ann)

    third = add_lead(
        AddLead(name="Dana Scully", email="dana@fbi.gov", fields={"title": "SA"}), uow_factory(), ann
    )

    assert (third.outcome, third.lead.ref) == ("updated", "L-2")


def test_each_conversion_of_a_contact_counts_the_next_cycle(uow_factory, ann) -> None:
    converted_customer(uow_factory, ann)
    contacted_lead(uow_factory, ann, email="dana@fbi.gov")
    convert_lead(ConvertLead(number=2), uow_factory(), ann)

    third = add_lead(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), ann)

    assert stored(uow_factory, 3).cycle == 3 and third.returning is not None
    # A returning customer converts into the contact they already are.
    assert stored(uow_factory, 2).contact_id == stored(uow_factory, 1).contact_id
    with uow_factory() as uow:
        assert uow.contacts.matching(CONSOLE_WORKSPACE, email="dana@fbi.gov", phone=None).lead_id == 1


def test_a_web_form_resend_of_the_converted_leads_external_id_still_updates_it(
    uow_factory, ann, config
) -> None:
    webform = context_of(config, BEN)  # any sender; the external id is the form's own key
    contacted_lead(uow_factory, ann, email="dana@fbi.gov", external_id="form-1")
    convert_lead(ConvertLead(number=1), uow_factory(), ann)

    resent = add_lead(
        AddLead(
            name="Dana Scully", email="dana@fbi.gov", external_id="form-1", channel=CaptureChannel.WEBHOOK
        ),
        uow_factory(),
        webform,
    )

    assert (resent.outcome, resent.lead.ref) == ("updated", "L-1")


def test_export_counts_cycles_by_contact(uow_factory, ann) -> None:
    converted_customer(uow_factory, ann)
    add_lead(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), ann)
    add_lead(AddLead(name="Fox Mulder"), uow_factory(), ann)

    rows = {row["id"]: row for row in export_leads(uow_factory(), CONSOLE_WORKSPACE)}

    contact = stored(uow_factory, 1).contact_id
    assert [(rows[r]["contact_id"], rows[r]["cycle"]) for r in ("L-1", "L-2", "L-3")] == [
        (contact, 1),
        (contact, 2),
        (None, 1),
    ]


def test_a_lead_flagged_alike_a_customer_is_linked_as_their_next_cycle_by_the_rep(uow_factory, ann) -> None:
    converted_customer(uow_factory, ann)
    flagged = add_lead(
        AddLead(name="Dana Scully", email="dana.scully@gmail.com", fields={"company": "FBI"}),
        uow_factory(),
        ann,
    )
    assert (
        flagged.duplicate is not None and flagged.duplicate.lead.contact_id is not None
    )  # a new address: only alike

    linked = link_to_customer(LinkReturning(number=2), uow_factory(), ann)
    again = link_to_customer(LinkReturning(number=2), uow_factory(), ann)

    first, second = stored(uow_factory, 1), stored(uow_factory, 2)
    assert (second.contact_id, second.cycle, second.duplicate_of) == (first.contact_id, 2, None)
    assert (linked.contact.first_lead, linked.already_done, again.already_done) == ("L-1", False, True)
    assert (first.status, first.deal_value) == (LeadStatus.CONVERTED, Decimal("12000.00"))  # untouched
    with uow_factory() as uow:
        actions = [entry.action for entry in uow.audit.entries(CONSOLE_WORKSPACE, "L-2")]
        notes = [activity.body for activity in uow.activities.latest(second, 10)]
    assert actions[-1] == "lead.linked_to_contact"
    assert "Linked to returning customer Dana Scully (contact of L-1): cycle 2" in notes


def test_only_a_lead_flagged_alike_a_customer_can_be_linked_and_only_by_whoever_works_it(
    uow_factory, ann, config
) -> None:
    add_lead(
        AddLead(name="Jonathan Smithers", email="jonathan@acme.com", fields={"company": "Acme"}),
        uow_factory(),
        ann,
    )
    add_lead(AddLead(name="Jon Smithers", fields={"company": "ACME Corp."}), uow_factory(), ann)
    with pytest.raises(InvalidInput, match="L-2 is not flagged as alike a customer's lead"):
        link_to_customer(LinkReturning(number=2), uow_factory(), ann)
    with pytest.raises(PermissionDenied):
        link_to_customer(LinkReturning(number=2), uow_factory(), context_of(config, BEN))
    assert stored(uow_factory, 2).contact_id is None
