"""When a bulk action may be undone, and who may run one or read the audit trail."""

from datetime import UTC, datetime, timedelta

from domain.book.bulk import BulkAction, BulkKind, BulkState
from domain.lead import Lead
from domain.permissions import Action, Actor, Role, can

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def action(state: BulkState, applied_ago: timedelta | None) -> BulkAction:
    applied = NOW - applied_ago if applied_ago is not None else None
    return BulkAction(
        "T1", BulkKind.REASSIGN, {}, "owner:none", "U0MGR", NOW, state, applied_at=applied, id=7
    )


def test_an_applied_action_is_undone_within_a_day_only():
    assert action(BulkState.APPLIED, timedelta(hours=23)).undo_refusal(NOW) is None
    assert "within a day" in (action(BulkState.APPLIED, timedelta(hours=25)).undo_refusal(NOW) or "")


def test_an_action_still_running_waits_but_one_that_died_half_way_can_be_undone():
    assert "still being applied" in (action(BulkState.RUNNING, timedelta(minutes=1)).undo_refusal(NOW) or "")
    assert action(BulkState.RUNNING, timedelta(hours=1)).undo_refusal(NOW) is None


def test_pending_cancelled_and_undone_actions_have_nothing_to_undo():
    assert "never applied" in (action(BulkState.PENDING, None).undo_refusal(NOW) or "")
    assert "never applied" in (action(BulkState.CANCELLED, None).undo_refusal(NOW) or "")
    assert "already undone" in (action(BulkState.UNDONE, timedelta(hours=1)).undo_refusal(NOW) or "")


def test_managers_and_admins_run_bulk_actions_and_read_their_leads_audit_trail():
    lead = Lead("T1", "Dana", NOW, "U0REP", owner_id="U0REP", sales_team="emea")
    rep = Actor("T1", "U0REP", Role.REP, ("emea",))
    manager = Actor("T1", "U0MGR", Role.MANAGER, ("emea",))
    other_manager = Actor("T1", "U0MGR2", Role.MANAGER, ("na",))
    admin = Actor("T1", "U0ADM", Role.ADMIN)
    assert [can(who, Action.BULK) for who in (rep, manager, admin)] == [False, True, True]
    assert [can(who, Action.AUDIT, lead) for who in (rep, manager, other_manager, admin)] == [
        False,
        True,
        False,
        True,
    ]
    assert not can(Actor("T2", "U0ADM", Role.ADMIN), Action.AUDIT, lead)  # another workspace
