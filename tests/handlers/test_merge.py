"""Duplicates: flagged on capture with reasons, merged atomically, undone by whoever merged or a
manager; a merged-away lead is live nowhere."""

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from routing_support import routing_config
from sqlalchemy.orm import Session
from support import BEN, MIA, NOW, context_of

from domain.config import CONSOLE_WORKSPACE
from domain.errors import InvalidInput, PermissionDenied
from domain.permissions import system_actor
from domain.routing.assignment import Decision
from handlers.capture.pipeline import add_lead
from handlers.commands import (
    AddLead,
    AddNote,
    CaptureChannel,
    DecideRouting,
    KeepBoth,
    MergeLeads,
    RecordEngagement,
    SetReminder,
    UndoMerge,
)
from handlers.context import Context
from handlers.followups.activity import add_note
from handlers.followups.remind import set_reminder
from handlers.matching.merge import keep_both, merge_leads, undo_merge
from handlers.registry import dispatch
from handlers.reporting.export import export_leads
from handlers.routing.sla import escalate_breaches, speed_figures
from handlers.scoring.engagement import record_engagement
from store.tables import OutboxRow

DAY = timedelta(days=1)


def capture(uow_factory, ctx, name, **kw: Any):
    return add_lead(AddLead(name=name, **kw), uow_factory(), ctx)


@pytest.fixture
def smithers(uow_factory, ann):
    """Jonathan Smithers at Acme Corporation, then Jon Smithers at ACME Corp."""
    capture(
        uow_factory,
        ann,
        "Jonathan Smithers",
        email="jonathan@acme.com",
        fields={"company": "Acme Corporation"},
    )
    add_note(AddNote(number=1, text="met at the fair"), uow_factory(), ann)
    second = capture(
        uow_factory, ann, "Jon Smithers", phone="+1 202 555 0143", fields={"company": "ACME Corp."}
    )
    add_note(AddNote(number=2, text="called about pricing"), uow_factory(), ann)
    set_reminder(SetReminder(number=2, due_at=NOW + timedelta(days=1), text="send quote"), uow_factory(), ann)
    return second


def lead(uow_factory, number):
    with uow_factory() as uow:
        return uow.leads.get(CONSOLE_WORKSPACE, number)


def history(uow_factory, number):
    with uow_factory() as uow:
        found = uow.leads.get(CONSOLE_WORKSPACE, number)
        notes = [a.body for a in uow.activities.latest(found, 50) if a.kind == "note"]
        reminders = [r.text for r in uow.reminders.pending_for_lead(CONSOLE_WORKSPACE, found.id)]
        return sorted(notes), reminders


def test_a_nickname_at_the_same_company_is_flagged_with_reasons(smithers):
    assert smithers.outcome == "created" and smithers.lead.ref == "L-2"
    assert smithers.duplicate is not None and smithers.duplicate.lead.ref == "L-1"
    reasons = " ".join(smithers.duplicate.reasons)
    assert "name" in reasons and "company" in reasons


def test_merge_leaves_one_lead_with_both_histories(uow_factory, ann, smithers):
    merged = merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    assert merged.kept.ref == "L-1" and "phone" in merged.filled
    assert lead(uow_factory, 1).phone == "+12025550143"
    assert lead(uow_factory, 2).merged_into == lead(uow_factory, 1).id
    assert history(uow_factory, 1) == (["called about pricing", "met at the fair"], ["send quote"])
    with uow_factory() as uow:
        assert uow.leads.search_corpus(CONSOLE_WORKSPACE).keys() == {1}
        assert [e.action for e in uow.audit.entries(CONSOLE_WORKSPACE, "L-1")][-1] == "lead.merged"


def test_merging_twice_is_one_merge(uow_factory, ann, smithers):
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    again = merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    assert again.already_done


def test_a_manager_undoes_a_merge_and_each_lead_gets_its_history_back(uow_factory, ann, config, smithers):
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    undone = undo_merge(UndoMerge(number=2), uow_factory(), context_of(config, MIA))
    assert undone.restored.ref == "L-2"
    assert history(uow_factory, 1) == (["met at the fair"], [])
    assert history(uow_factory, 2) == (["called about pricing"], ["send quote"])
    assert lead(uow_factory, 1).phone is None
    assert lead(uow_factory, 2).merged_into is None


def test_the_rep_who_merged_undoes_it_and_no_other_rep_can(uow_factory, ann, config, smithers):
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    with pytest.raises(PermissionDenied, match="who merged L-2 into L-1"):
        undo_merge(UndoMerge(number=2), uow_factory(), context_of(config, BEN))
    assert undo_merge(UndoMerge(number=2), uow_factory(), ann).restored.ref == "L-2"
    with pytest.raises(InvalidInput, match="nothing to undo"):
        undo_merge(UndoMerge(number=2), uow_factory(), ann)


def test_a_rep_cannot_merge_another_reps_lead(uow_factory, config, smithers):
    with pytest.raises(PermissionDenied):
        merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), context_of(config, BEN))
    assert lead(uow_factory, 2).merged_into is None


def test_a_lead_cannot_merge_into_itself_or_a_merged_one(uow_factory, ann, smithers):
    with pytest.raises(InvalidInput):
        merge_leads(MergeLeads(duplicate=1, keep=1), uow_factory(), ann)
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    with pytest.raises(InvalidInput, match="L-2 was merged into L-1: use L-1"):
        merge_leads(MergeLeads(duplicate=1, keep=2), uow_factory(), ann)


def test_a_merge_whose_kept_lead_was_merged_since_comes_apart_in_order(uow_factory, ann, smithers):
    capture(uow_factory, ann, "Jonathan Smithers Sr", fields={"company": "Acme Corporation"})  # L-3
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    merge_leads(MergeLeads(duplicate=1, keep=3), uow_factory(), ann)
    with pytest.raises(InvalidInput, match="L-1, which L-2 was merged into, has been merged"):
        undo_merge(UndoMerge(number=2), uow_factory(), ann)
    with pytest.raises(InvalidInput, match="L-2 was merged into L-3: use L-3"):  # where its history is
        add_note(AddNote(number=2, text="called"), uow_factory(), ann)
    undo_merge(UndoMerge(number=1), uow_factory(), ann)
    assert undo_merge(UndoMerge(number=2), uow_factory(), ann).restored.ref == "L-2"
    assert history(uow_factory, 2) == (["called about pricing"], ["send quote"])


def test_keep_both_clears_the_flag(uow_factory, ann, smithers):
    dismissed = keep_both(KeepBoth(number=2), uow_factory(), ann)
    assert dismissed.was_flagged_as == "L-1"
    assert lead(uow_factory, 2).duplicate_of is None


def test_different_people_at_one_company_are_not_flagged(uow_factory, ann):
    capture(uow_factory, ann, "Dana Scully", fields={"company": "FBI"})
    other = capture(uow_factory, ann, "Fox Mulder", fields={"company": "FBI"})
    assert other.duplicate is None


def test_an_exact_phone_updates_the_known_lead_and_logs_it(uow_factory, ann):
    capture(uow_factory, ann, "Dana Scully", phone="+1 202 555 0143")
    again = capture(uow_factory, ann, "Dana Scully", phone="(202) 555-0143", fields={"title": "Agent"})
    assert again.outcome == "updated" and again.matched_on == "phone" and again.changed == ("title",)
    with uow_factory() as uow:
        first = uow.leads.get(CONSOLE_WORKSPACE, 1)
        assert "same phone" in uow.activities.latest(first, 1)[0].body


def test_a_resend_of_a_merged_leads_external_id_updates_the_lead_it_was_merged_into(uow_factory, ann):
    capture(
        uow_factory, ann, "Jonathan Smithers", external_id="crm-1", fields={"company": "Acme Corporation"}
    )
    capture(uow_factory, ann, "Jon Smithers", external_id="form-7", fields={"company": "ACME Corp."})
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)
    again = capture(uow_factory, ann, "Jon Smithers", external_id="form-7", fields={"title": "CTO"})
    assert (again.outcome, again.lead.ref, again.matched_on) == ("updated", "L-1", "external_id")
    assert lead(uow_factory, 1).title == "CTO"


def test_a_resend_reaches_a_kept_lead_without_an_external_id_and_leaves_the_id_with_the_merged_one(
    uow_factory, ann
):
    capture(uow_factory, ann, "Jonathan Smithers", fields={"company": "Acme Corporation"})
    capture(uow_factory, ann, "Jon Smithers", external_id="form-7", fields={"company": "ACME Corp."})
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), ann)

    again = capture(uow_factory, ann, "Jon Smithers", external_id="form-7", fields={"title": "CTO"})

    assert (again.outcome, again.lead.ref, again.matched_on) == ("updated", "L-1", "external_id")
    assert (lead(uow_factory, 1).title, lead(uow_factory, 1).external_id) == ("CTO", None)
    assert lead(uow_factory, 2).external_id == "form-7"  # an undo gives it back whole


def test_what_the_duplicate_did_counts_for_the_kept_lead_and_goes_back_on_undo(uow_factory, ann, config):
    capture(uow_factory, ann, "Jonathan Smithers", email="jonathan@acme.com")  # L-1
    capture(uow_factory, ann, "Dana Scully", email="dana@fbi.gov")  # L-2
    capture(uow_factory, ann, "Jon Smithers", email="jon@acme.com")  # L-3, to merge into L-1
    pricing = "https://acme.com/pricing"
    events = [
        {"email": "jon@acme.com", "event": "webinar_attended", "external_id": "w-1"},
        {"email": "jon@acme.com", "event": "page_visited", "url": pricing, "external_id": "p-1"},
    ]
    webhook = Context(system_actor(CONSOLE_WORKSPACE, "events webhook"), NOW, config)
    record_engagement(RecordEngagement(events=events), uow_factory(), webhook)
    scores = {n: lead(uow_factory, n).score for n in (1, 3)}
    assert scores[3] > scores[1]

    merged = merge_leads(MergeLeads(duplicate=3, keep=1, confirmed=True), uow_factory(), ann)
    assert merged.kept.score == lead(uow_factory, 1).score > scores[1]  # the webinar counts for L-1 now

    undo_merge(UndoMerge(number=3), uow_factory(), context_of(config, MIA))
    assert {n: lead(uow_factory, n).score for n in (1, 3)} == scores


# --- a merged-away lead is not live ----------------------------------------------------


def routed(uow_factory, config, *names):
    """Web-form leads from Germany for product X: EMEA's, routed as they arrive."""
    for name in names:
        lead = AddLead(name=name, fields={"country": "DE", "product": "X"}, channel=CaptureChannel.IMPORT)
        dispatch(lead, uow_factory(), context_of(config, MIA))


def test_a_merged_away_leads_first_contact_clock_stops_without_an_escalation(database, uow_factory):
    config = routing_config(auto_approve=True, first_contact_sla_minutes=60)
    routed(uow_factory, config, "Greta Gruber", "Greta Gruber-Haas")  # both assigned, both clocks run
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), context_of(config, MIA))

    sweep = escalate_breaches(NOW + 3 * DAY, uow_factory, config)

    assert (sweep.settled, sweep.breached) == (2, 1)  # L-1's own clock, not the merged one's
    assert speed_figures(uow_factory(), CONSOLE_WORKSPACE, "emea", NOW - DAY).assigned == 1  # one person
    with Session(database[0]) as session:
        escalated = session.scalars(sa.select(OutboxRow.payload).where(OutboxRow.kind == "sla_breached"))
        assert [payload["lead"]["ref"] for payload in escalated] == ["L-1"]


def test_a_proposal_waiting_for_a_merged_away_lead_can_no_longer_give_it(uow_factory):
    config = routing_config()
    routed(uow_factory, config, "Greta Gruber", "Greta Gruber-Haas")  # two proposals wait for mia
    mia = context_of(config, MIA)
    with uow_factory() as uow:
        proposal = uow.routing.pending_for(CONSOLE_WORKSPACE, lead(uow_factory, 2).id)
    assert proposal is not None
    merge_leads(MergeLeads(duplicate=2, keep=1), uow_factory(), mia)

    approve = DecideRouting(assignment_id=proposal.id, decision=Decision.APPROVE)
    decided = dispatch(approve, uow_factory(), mia)

    assert decided.settled_by_other and lead(uow_factory, 2).owner_id is None


def test_the_export_leaves_merged_away_leads_out_and_points_flags_to_the_lead_kept(uow_factory, ann):
    capture(uow_factory, ann, "Jonathan Smithers", fields={"company": "Acme Corporation"})  # L-1
    capture(uow_factory, ann, "Dana Scully", fields={"company": "FBI"})  # L-2
    capture(uow_factory, ann, "Jon Smithers", fields={"company": "ACME Corp."})  # L-3, flagged as L-1
    merge_leads(MergeLeads(duplicate=1, keep=2), uow_factory(), ann)

    rows = {row["id"]: row for row in export_leads(uow_factory(), CONSOLE_WORKSPACE)}

    assert rows.keys() == {"L-2", "L-3"}
    assert rows["L-3"]["duplicate_of"] == "L-2"  # L-1's person lives on as L-2
