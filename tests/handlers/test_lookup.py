"""Reading leads: one in full, a fuzzy search, a rep's own list; each only what the actor may see."""

from datetime import timedelta

import pytest
from support import ADA, ANN, BEN, MIA, NOW, context_of

from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import NotFound, PermissionDenied
from domain.followups.activity import ActivityKind
from domain.lifecycle import LeadStatus
from handlers.book.lookup import find_leads, my_leads, show_lead
from handlers.capture.pipeline import add_lead
from handlers.commands import AddLead, AddNote, FindLeads, LogActivity, MyLeads, SetReminder, ShowLead
from handlers.context import Context
from handlers.followups.activity import add_note, log_activity
from handlers.followups.remind import set_reminder
from store.unit_of_work import UowFactory


def capture(uow_factory: UowFactory, ctx: Context, name: str, email: str | None = None) -> int:
    return add_lead(AddLead(name=name, email=email), uow_factory(), ctx).lead.number


def at(ctx: Context, minutes: int) -> Context:
    return Context(ctx.actor, ctx.now + timedelta(minutes=minutes), ctx.config)


def close(uow_factory: UowFactory, number: int) -> None:
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, number)
        assert lead is not None
        lead.move_to(LeadStatus.LOST, NOW)
        uow.leads.save(lead)
        uow.commit()


@pytest.fixture
def ben(config: LeadbotConfig) -> Context:
    return context_of(config, BEN)


def test_show_lists_the_timeline_newest_first(uow_factory: UowFactory, ann: Context) -> None:
    number = capture(uow_factory, ann, "Dana Scully", "dana@fbi.gov")
    add_note(AddNote(number=number, text="met at the expo"), uow_factory(), at(ann, 1))
    log_activity(
        LogActivity(number=number, kind=ActivityKind.CALL, text="left a voicemail"), uow_factory(), at(ann, 2)
    )

    details = show_lead(ShowLead(number=number), uow_factory(), at(ann, 3))

    assert details.lead.email == "dana@fbi.gov"
    assert [(a.kind, a.body) for a in details.activities] == [
        (ActivityKind.CALL, "left a voicemail"),
        (ActivityKind.NOTE, "met at the expo"),
        (ActivityKind.SYSTEM, "Captured from slash command"),
    ]


def test_show_lists_pending_reminders_soonest_first(uow_factory: UowFactory, ann: Context) -> None:
    number = capture(uow_factory, ann, "Dana Scully")
    for hours, text in [(48, "send pricing"), (2, "call back")]:
        set_reminder(
            SetReminder(number=number, due_at=NOW + timedelta(hours=hours), text=text), uow_factory(), ann
        )

    details = show_lead(ShowLead(number=number), uow_factory(), ann)

    assert [(r.text, r.due_at) for r in details.reminders] == [
        ("call back", NOW + timedelta(hours=2)),
        ("send pricing", NOW + timedelta(hours=48)),
    ]


def test_another_workspaces_lead_is_not_found_rather_than_forbidden(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig
) -> None:
    number = capture(uow_factory, ann, "Dana Scully")
    admin_elsewhere = context_of(config, ADA, team="T0OTHER")

    with pytest.raises(NotFound, match="no lead L-1"):
        show_lead(ShowLead(number=number), uow_factory(), admin_elsewhere)


def test_a_lead_that_does_not_exist_is_not_found(uow_factory: UowFactory, ann: Context) -> None:
    with pytest.raises(NotFound, match="/lead find"):
        show_lead(ShowLead(number=404), uow_factory(), ann)


def test_a_rep_cannot_see_another_reps_lead(uow_factory: UowFactory, ann: Context, ben: Context) -> None:
    number = capture(uow_factory, ann, "Dana Scully")

    with pytest.raises(PermissionDenied, match="L-1"):
        show_lead(ShowLead(number=number), uow_factory(), ben)

    details = show_lead(ShowLead(number=number), uow_factory(), ann)
    assert details.lead.owner_id == ANN
    assert len(details.activities) == 1


def test_the_manager_sees_the_teams_leads(
    uow_factory: UowFactory, ann: Context, config: LeadbotConfig
) -> None:
    number = capture(uow_factory, ann, "Dana Scully")

    details = show_lead(ShowLead(number=number), uow_factory(), context_of(config, MIA))

    assert details.lead.ref == "L-1"


def test_find_hides_leads_the_actor_may_not_see(
    uow_factory: UowFactory, ann: Context, ben: Context, config: LeadbotConfig
) -> None:
    capture(uow_factory, ann, "Dana Scully")
    capture(uow_factory, ben, "Dana Katz")

    def found(ctx: Context) -> list[str]:
        return [lead.name for lead in find_leads(FindLeads(query="dana"), uow_factory(), ctx).leads]

    assert found(ann) == ["Dana Scully"]
    assert found(ben) == ["Dana Katz"]
    assert sorted(found(context_of(config, MIA))) == ["Dana Katz", "Dana Scully"]
    assert found(context_of(config, ANN, team="T0OTHER")) == []


def test_find_puts_the_best_match_first_and_respects_the_limit(uow_factory: UowFactory, ann: Context) -> None:
    for name in ("Dana Scully", "Dana Katz", "Walter Skinner"):
        capture(uow_factory, ann, name)

    result = find_leads(FindLeads(query="dana scully", limit=1), uow_factory(), ann)

    assert [lead.name for lead in result.leads] == ["Dana Scully"]


def test_find_says_how_many_more_match_than_it_shows(uow_factory: UowFactory, ann: Context) -> None:
    for n in range(12):
        capture(uow_factory, ann, f"Globex Person{n}", f"p{n}@globex.com")

    result = find_leads(FindLeads(query="globex", limit=10), uow_factory(), ann)

    assert (len(result.leads), result.more) == (10, 2)


def test_find_by_phone_in_any_format(uow_factory: UowFactory, ann: Context) -> None:
    add_lead(AddLead(name="Dana Scully", phone="+49 30 901820"), uow_factory(), ann)
    add_lead(AddLead(name="Fox Mulder", phone="+1 202 555 0143"), uow_factory(), ann)

    for typed in ("+4930901820", "+49 (30) 901-820", "+49.30.901820"):
        assert [lead.name for lead in find_leads(FindLeads(query=typed), uow_factory(), ann).leads] == [
            "Dana Scully"
        ]
    assert [
        lead.name for lead in find_leads(FindLeads(query="(202) 555-0143"), uow_factory(), ann).leads
    ] == ["Fox Mulder"]


def test_find_by_email_domain_newest_first_and_only_visible(
    uow_factory: UowFactory, ann: Context, ben: Context
) -> None:
    capture(uow_factory, ann, "Old Acme", "old@acme.com")
    capture(uow_factory, ann, "New Acme", "new@ACME.com")
    capture(uow_factory, ann, "Not Acme", "x@notacme.com")
    capture(uow_factory, ben, "Bens Acme", "ben@acme.com")

    result = find_leads(FindLeads(query="@acme.com"), uow_factory(), ann)

    assert [lead.name for lead in result.leads] == ["New Acme", "Old Acme"] and result.more == 0


def test_find_with_no_match_says_how_to_search(uow_factory: UowFactory, ann: Context) -> None:
    capture(uow_factory, ann, "Dana Scully")

    result = find_leads(FindLeads(query="zzqqxx"), uow_factory(), ann)

    assert result.leads == ()
    assert "part of a name" in result.empty_hint


def test_mine_lists_only_open_leads_unless_closed_are_asked_for(
    uow_factory: UowFactory, ann: Context, ben: Context
) -> None:
    kept = capture(uow_factory, ann, "Dana Scully")
    lost = capture(uow_factory, ann, "Fox Mulder")
    capture(uow_factory, ben, "Walter Skinner")
    close(uow_factory, lost)

    open_only = my_leads(MyLeads(), uow_factory(), ann)
    everything = my_leads(MyLeads(include_closed=True), uow_factory(), ann)

    assert [lead.number for lead in open_only.leads] == [kept]
    assert sorted(lead.number for lead in everything.leads) == [kept, lost]
    assert open_only.title == "Your open leads"


def test_mine_is_empty_for_someone_without_leads(uow_factory: UowFactory, ann: Context, ben: Context) -> None:
    capture(uow_factory, ann, "Dana Scully")

    result = my_leads(MyLeads(), uow_factory(), ben)

    assert result.leads == ()
    assert "/lead add" in result.empty_hint
