"""Capturing a lead: cleaned, owned by the rep, audited, and made once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from support import ANN, BEN, NOW, context_of

from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import InvalidInput
from domain.followups.activity import Activity, ActivityKind
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead
from handlers.context import Context
from handlers.results import LeadCaptured
from store.unit_of_work import UowFactory


def capture(uow_factory: UowFactory, ctx: Context, name: str = "Dana Scully", **kw: Any) -> LeadCaptured:
    return add_lead(AddLead(name=name, **kw), uow_factory(), ctx)


def lead_count(uow_factory: UowFactory, workspace: str = CONSOLE_WORKSPACE) -> int:
    with uow_factory() as uow:
        return len(uow.leads.all(workspace))


def test_a_new_lead_is_normalised_and_stored(uow_factory: UowFactory, ann: Context) -> None:
    result = capture(
        uow_factory,
        ann,
        "  Dana   Scully ",
        email=" Dana@FBI.Gov",
        phone="(202) 555-0143",
        fields={"company": "  FBI ", "title": "Special  Agent"},
    )

    assert not result.already_existed
    assert result.lead.ref == "L-1"
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, 1)
    assert lead is not None
    assert (lead.name, lead.email, lead.phone) == ("Dana Scully", "dana@fbi.gov", "+12025550143")
    assert (lead.company, lead.title, lead.status) == ("FBI", "Special Agent", "new")
    assert (lead.created_at, lead.created_by) == (NOW, ANN)


def test_the_rep_who_captures_owns_the_lead_for_their_team(uow_factory: UowFactory, ann: Context) -> None:
    lead = capture(uow_factory, ann).lead

    assert (lead.owner_id, lead.sales_team) == (ANN, "sales")


def test_capture_is_audited_with_the_lead_as_stored(uow_factory: UowFactory, ann: Context) -> None:
    capture(uow_factory, ann, email="dana@fbi.gov")

    with uow_factory() as uow:  # audit rows are live ORM rows: read them inside the unit of work
        [entry] = uow.audit.entries(CONSOLE_WORKSPACE, "L-1")
        assert (entry.action, entry.entity, entry.actor_id, entry.at) == ("lead.captured", "lead", ANN, NOW)
        assert entry.before is None
        assert entry.after is not None
        assert entry.after["email"] == "dana@fbi.gov"
        assert (entry.after["owner_id"], entry.after["status"]) == (ANN, "new")


def test_capture_starts_the_timeline(uow_factory: UowFactory, ann: Context) -> None:
    capture(uow_factory, ann)

    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, 1)
        assert lead is not None
        timeline = uow.activities.latest(lead, 10)
    assert timeline == [Activity(ActivityKind.SYSTEM, "Captured from slash command", ANN, NOW)]


def test_the_same_request_twice_makes_one_lead(uow_factory: UowFactory, ann: Context) -> None:
    first = capture(uow_factory, ann, request_key="trigger-123")
    again = capture(uow_factory, ann, request_key="trigger-123")

    assert not first.already_existed
    assert again.already_existed
    assert again.lead.ref == first.lead.ref
    assert lead_count(uow_factory) == 1


def test_a_burst_of_the_same_request_makes_one_lead(uow_factory: UowFactory, ann: Context) -> None:
    start = threading.Barrier(6)

    def click(_: int) -> LeadCaptured:
        start.wait()
        return capture(uow_factory, ann, request_key="double-click")

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(click, range(6)))

    assert {result.lead.ref for result in results} == {"L-1"}
    assert sum(not result.already_existed for result in results) == 1
    assert lead_count(uow_factory) == 1


def test_a_known_email_updates_the_existing_lead_and_makes_no_new_one(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig
) -> None:
    capture(uow_factory, ann, email="dana@fbi.gov")

    again = capture(uow_factory, context_of(config, BEN), "D. Scully", email="DANA@fbi.gov")

    assert again.already_existed and again.outcome == "updated" and again.matched_on == "email"
    assert (again.lead.ref, again.lead.name, again.lead.owner_id) == ("L-1", "Dana Scully", ANN)
    assert not again.visible  # ben may not see ann's lead: he is told it exists, not what it holds
    assert lead_count(uow_factory) == 1
    with uow_factory() as uow:
        actions = [e.action for e in uow.audit.entries(CONSOLE_WORKSPACE, "L-1")]
        assert actions == ["lead.captured", "lead.recaptured"]
        assert uow.leads.get(CONSOLE_WORKSPACE, 2) is None


def test_the_same_email_in_another_workspace_is_a_new_lead(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig
) -> None:
    capture(uow_factory, ann, email="dana@fbi.gov")

    elsewhere = capture(uow_factory, context_of(config, ANN, team="T0OTHER"), email="dana@fbi.gov")

    assert not elsewhere.already_existed
    assert lead_count(uow_factory, "T0OTHER") == 1


def test_an_unknown_field_is_refused_and_nothing_is_written(uow_factory: UowFactory, ann: Context) -> None:
    with pytest.raises(InvalidInput) as refused:
        capture(uow_factory, ann, fields={"company": "FBI", "budget": "1M"})

    assert refused.value.field == "budget"
    assert "Unknown field `budget`" in str(refused.value)
    assert "company" in str(refused.value)  # the fields that do exist
    assert lead_count(uow_factory) == 0
    assert capture(uow_factory, ann).lead.ref == "L-1"  # no number was used up


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"email": "dana@"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"fields": {"company": "FBI\x00"}}, "company"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_written(
    uow_factory: UowFactory, ann: Context, kw: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        capture(uow_factory, ann, **kw)

    assert refused.value.field == field
    assert lead_count(uow_factory) == 0
    with uow_factory() as uow:
        assert uow.audit.entries(CONSOLE_WORKSPACE, "L-1") == []


# --- one identity rule: a shared phone (a switchboard) is not a person -------------------------


SWITCHBOARD = "+33 1 42 68 53 00"


def test_colleagues_sharing_a_switchboard_are_each_their_own_lead(
    uow_factory: UowFactory, ann: Context
) -> None:
    capture(
        uow_factory,
        ann,
        "Marie Curie",
        email="marie@acme.fr",
        phone=SWITCHBOARD,
        fields={"company": "ACME Corp."},
    )

    second = capture(
        uow_factory, ann, "Jean Martin", email="jean@acme.fr", phone=SWITCHBOARD, fields={"company": "ACME"}
    )

    assert (second.outcome, second.lead.ref, second.duplicate) == ("created", "L-2", None)
    with uow_factory() as uow:
        first, other = uow.leads.get(CONSOLE_WORKSPACE, 1), uow.leads.get(CONSOLE_WORKSPACE, 2)
    assert first is not None and other is not None
    assert (first.name, first.company, first.email) == ("Marie Curie", "ACME Corp.", "marie@acme.fr")
    assert (other.name, other.phone) == ("Jean Martin", first.phone)


def test_a_shared_phone_with_another_given_name_and_no_email_is_another_person(
    uow_factory: UowFactory, ann: Context
) -> None:
    capture(uow_factory, ann, "Marie Curie", phone=SWITCHBOARD)

    second = capture(uow_factory, ann, "Pierre Curie", phone=SWITCHBOARD)

    assert (second.outcome, lead_count(uow_factory)) == ("created", 2)


def test_a_phone_nothing_contradicts_still_finds_the_person(uow_factory: UowFactory, ann: Context) -> None:
    capture(uow_factory, ann, "Marie Curie", email="marie@acme.fr", phone=SWITCHBOARD)

    again = capture(uow_factory, ann, "M. Curie", phone=SWITCHBOARD, fields={"title": "Physicist"})

    assert (again.outcome, again.matched_on, again.changed) == ("updated", "phone", ("title",))
    assert lead_count(uow_factory) == 1


def test_the_phone_finds_the_colleague_it_is_not_only_the_first_holder(
    uow_factory: UowFactory, ann: Context
) -> None:
    capture(uow_factory, ann, "Marie Curie", email="marie@acme.fr", phone=SWITCHBOARD)
    capture(uow_factory, ann, "Jean Martin", email="jean@acme.fr", phone=SWITCHBOARD)

    again = capture(uow_factory, ann, "Jean Martin", phone=SWITCHBOARD, fields={"title": "CFO"})

    assert (again.outcome, again.lead.ref, again.matched_on) == ("updated", "L-2", "phone")


def test_a_look_alike_behind_the_same_phone_is_its_own_lead_flagged_as_related(
    uow_factory: UowFactory, ann: Context
) -> None:
    capture(uow_factory, ann, "Jonathan Smithers", email="jonathan@acme.com", phone=SWITCHBOARD)

    second = capture(uow_factory, ann, "Jon Smithers", email="jon.s@initech.com", phone=SWITCHBOARD)

    assert (second.outcome, second.lead.ref) == ("created", "L-2")
    assert second.duplicate is not None and second.duplicate.lead.ref == "L-1"
