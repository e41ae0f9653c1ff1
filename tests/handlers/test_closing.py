"""Convert, lost and reopen: status per the lifecycle table, audited, timelined, once."""

from decimal import Decimal

import pytest
from closing_support import audit_actions, contacted_lead, stored, timeline
from support import ANN, BEN, MIA, NOW, context_of

from domain.config import CONSOLE_WORKSPACE
from domain.errors import InvalidInput, InvalidTransition, PermissionDenied
from domain.lifecycle import LeadStatus
from handlers.capture.pipeline import add_lead
from handlers.closing.outcomes import convert_lead, lose_lead, reopen_lead
from handlers.commands import AddLead, ConvertLead, LoseLead, ReopenLead
from store.unit_of_work import UowFactory


def contacts(uow_factory: UowFactory, email: str):
    with uow_factory() as uow:
        return uow.contacts.matching(CONSOLE_WORKSPACE, email=email, phone=None)


def test_converting_makes_a_contact_and_puts_the_deal_on_the_lead(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann, email="dana@fbi.gov", fields={"company": "FBI"})

    result = convert_lead(ConvertLead(number=1, value=Decimal("12000"), product="Pro"), uow_factory(), ann)

    lead = stored(uow_factory, 1)
    contact = contacts(uow_factory, "dana@fbi.gov")
    assert (lead.status, lead.deal_value, lead.deal_product, lead.closed_at) == (
        LeadStatus.CONVERTED,
        Decimal("12000.00"),
        "Pro",
        NOW,
    )
    assert contact is not None and lead.contact_id == contact.id
    assert (contact.name, contact.company, contact.lead_id, contact.created_at) == (
        "Dana Scully",
        "FBI",
        lead.id,
        NOW,
    )
    assert result.contact is not None and result.contact.first_lead == "L-1"


def test_conversion_keeps_the_history_and_is_audited_before_and_after(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)

    convert_lead(ConvertLead(number=1, value=Decimal("500")), uow_factory(), ann)

    assert timeline(uow_factory, 1)[0] == "Converted a deal of 500.00"
    assert "Captured from slash command" in timeline(uow_factory, 1)  # nothing was dropped
    action, before, after = audit_actions(uow_factory, "L-1")[-1]
    assert action == "lead.converted"
    assert (before["status"], after["status"], after["deal_value"]) == ("contacted", "converted", "500.00")
    with uow_factory() as uow:
        [made] = [e for e in uow.audit.entries(CONSOLE_WORKSPACE, f"contact:{after['contact_id']}")]
        assert made.action == "contact.created"


def test_a_retried_convert_changes_nothing_twice(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann, email="dana@fbi.gov")
    command = ConvertLead(number=1, value=Decimal("10"), request_key="trigger-1")

    first, again = convert_lead(command, uow_factory(), ann), convert_lead(command, uow_factory(), ann)

    assert not first.repeated and again.repeated and again.lead.status == "converted"
    assert [a for a, _, _ in audit_actions(uow_factory, "L-1")].count("lead.converted") == 1


def test_a_lead_nobody_contacted_yet_converts_and_becomes_a_contact(uow_factory, ann) -> None:
    add_lead(AddLead(name="Dana Scully", email="dana@fbi.gov"), uow_factory(), ann)

    convert_lead(ConvertLead(number=1, value=Decimal("900")), uow_factory(), ann)

    lead, contact = stored(uow_factory, 1), contacts(uow_factory, "dana@fbi.gov")
    assert (lead.status, lead.deal_value) == (LeadStatus.CONVERTED, Decimal("900.00"))
    assert contact is not None and lead.contact_id == contact.id
    assert [a for a, _, _ in audit_actions(uow_factory, "L-1")][-1] == "lead.converted"


def test_reps_close_their_own_leads_managers_their_teams(uow_factory, ann, config) -> None:
    contacted_lead(uow_factory, ann)
    contacted_lead(uow_factory, ann, name="Fox Mulder")

    with pytest.raises(PermissionDenied, match="You can't close L-1"):
        lose_lead(LoseLead(number=1, reason="price"), uow_factory(), context_of(config, BEN))
    lose_lead(LoseLead(number=1, reason="price"), uow_factory(), context_of(config, MIA))
    convert_lead(ConvertLead(number=2), uow_factory(), ann)

    assert (stored(uow_factory, 1).status, stored(uow_factory, 2).status) == ("lost", "converted")


def test_lost_takes_a_configured_reason_with_its_note(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)

    lose_lead(LoseLead(number=1, reason="competitor", note="chose Acme"), uow_factory(), ann)

    lead = stored(uow_factory, 1)
    assert (lead.status, lead.lost_reason, lead.lost_note) == (LeadStatus.LOST, "competitor", "chose Acme")
    assert timeline(uow_factory, 1)[0] == "Lost: competitor (chose Acme)"
    assert audit_actions(uow_factory, "L-1")[-1][2]["lost_reason"] == "competitor"


@pytest.mark.parametrize(
    ("reason", "note", "problem"),
    [("other", "", "needs a note"), ("pricey", "", "Did you mean `price`"), ("", "", "Say why")],
)
def test_a_bad_reason_changes_nothing(uow_factory, ann, reason, note, problem) -> None:
    contacted_lead(uow_factory, ann)

    with pytest.raises(InvalidInput, match=problem):
        lose_lead(LoseLead(number=1, reason=reason, note=note), uow_factory(), ann)

    assert stored(uow_factory, 1).status is LeadStatus.CONTACTED
    assert "lead.lost" not in [a for a, _, _ in audit_actions(uow_factory, "L-1")]


def test_the_workspace_config_decides_the_reasons(uow_factory, config) -> None:
    custom = config.model_copy(update={"lost_reasons": ("ghosted", "other")})
    rep = context_of(custom, ANN)
    contacted_lead(uow_factory, rep)

    with pytest.raises(InvalidInput, match="Reasons: ghosted, other"):
        lose_lead(LoseLead(number=1, reason="price"), uow_factory(), rep)
    lose_lead(LoseLead(number=1, reason="ghosted"), uow_factory(), rep)


def test_reopen_brings_a_lost_lead_back_to_nurture(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)
    lose_lead(LoseLead(number=1, reason="timing", note="next year"), uow_factory(), ann)

    result = reopen_lead(ReopenLead(number=1), uow_factory(), ann)

    lead = stored(uow_factory, 1)
    assert (result.lead.status, lead.lost_reason, lead.closed_at) == ("nurturing", None, None)
    assert timeline(uow_factory, 1)[0] == "Reopened as nurturing (was lost: timing)"
    assert "Lost: timing (next year)" in timeline(uow_factory, 1)
    assert audit_actions(uow_factory, "L-1")[-1][0] == "lead.reopened"


@pytest.mark.parametrize(
    ("close", "message"),
    [
        (lambda: LoseLead(number=1, reason="price"), "From lost it can become: new, nurturing"),
        (lambda: ConvertLead(number=1), "From lost it can become: new, nurturing"),
        (
            lambda: ReopenLead(number=1, status=LeadStatus.QUALIFIED),
            "From lost it can become: new, nurturing",
        ),
    ],
)
def test_a_move_the_table_forbids_lists_the_allowed_ones(uow_factory, ann, close, message) -> None:
    contacted_lead(uow_factory, ann)
    lose_lead(LoseLead(number=1, reason="price"), uow_factory(), ann)
    handler = {LoseLead: lose_lead, ConvertLead: convert_lead, ReopenLead: reopen_lead}
    command = close()

    with pytest.raises(InvalidTransition, match=message):
        handler[type(command)](command, uow_factory(), ann)

    assert stored(uow_factory, 1).lost_reason == "price"


def test_a_converted_lead_is_closed_for_good(uow_factory, ann) -> None:
    contacted_lead(uow_factory, ann)
    convert_lead(ConvertLead(number=1), uow_factory(), ann)

    for command, handler in (
        (ReopenLead(number=1), reopen_lead),
        (LoseLead(number=1, reason="price"), lose_lead),
    ):
        with pytest.raises(InvalidTransition, match="closed"):
            handler(command, uow_factory(), ann)
