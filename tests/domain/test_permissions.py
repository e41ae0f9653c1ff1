"""Who may do what: reps their own leads, managers their team's, admins their workspace, nobody across."""

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.errors import PermissionDenied
from domain.lead import Lead
from domain.permissions import (
    Action,
    Actor,
    Role,
    Visibility,
    can,
    can_see_team_report,
    can_undo_merge,
    require,
    require_merge_undoer,
    require_team_report,
    visibility,
)

HOME, ELSEWHERE = "T1", "T2"
ANN, BEN, MIA, ADA = "UANN", "UBEN", "UMIA", "UADA"

ann = Actor(HOME, ANN, Role.REP, ("na",))
ben = Actor(HOME, BEN, Role.REP, ("na",))
mia = Actor(HOME, MIA, Role.MANAGER, ("na",))
ada = Actor(HOME, ADA, Role.ADMIN, ("na",))
emea_manager = Actor(HOME, "UEVE", Role.MANAGER, ("emea",))
emea_rep = Actor(HOME, "UEMIL", Role.REP, ("emea",))


def make_lead(**overrides: Any) -> Lead:
    values: dict[str, Any] = {
        "team_id": HOME,
        "name": "Dana Scully",
        "created_at": datetime(2026, 11, 23, tzinfo=UTC),
        "created_by": ANN,
        "number": 7,
        "owner_id": ANN,
        "sales_team": "na",
    }
    return Lead(**(values | overrides))


def abroad(actor: Actor) -> Actor:
    return Actor(ELSEWHERE, actor.user_id, actor.role, actor.sales_teams)


def test_a_rep_sees_and_works_their_own_lead() -> None:
    lead = make_lead()
    assert can(ann, Action.VIEW, lead)
    assert can(ann, Action.WORK, lead)


def test_a_rep_cannot_assign_even_their_own_lead() -> None:
    assert not can(ann, Action.ASSIGN, make_lead())


def test_a_rep_sees_the_unassigned_pool_of_their_team_but_cannot_work_it() -> None:
    pooled = make_lead(owner_id=None)
    assert can(ben, Action.VIEW, pooled)
    assert not can(ben, Action.WORK, pooled)
    assert not can(ben, Action.ASSIGN, pooled)


def test_a_rep_does_not_see_another_teams_unassigned_lead() -> None:
    assert not can(emea_rep, Action.VIEW, make_lead(owner_id=None))


@pytest.mark.parametrize("action", [Action.VIEW, Action.WORK, Action.ASSIGN])
def test_a_rep_cannot_touch_another_reps_lead(action: Action) -> None:
    assert not can(ben, action, make_lead(owner_id=ANN))


@pytest.mark.parametrize("action", [Action.VIEW, Action.WORK, Action.ASSIGN])
def test_a_manager_sees_works_and_assigns_their_teams_leads(action: Action) -> None:
    assert can(mia, action, make_lead(owner_id=ANN))
    assert can(mia, action, make_lead(owner_id=None))


@pytest.mark.parametrize("action", [Action.VIEW, Action.WORK, Action.ASSIGN])
def test_a_manager_cannot_touch_another_teams_lead(action: Action) -> None:
    assert not can(emea_manager, action, make_lead(sales_team="na"))


@pytest.mark.parametrize("action", list(Action))
def test_an_admin_may_do_everything_in_their_workspace(action: Action) -> None:
    assert can(ada, action, make_lead(owner_id=BEN, sales_team="emea"))


@pytest.mark.parametrize("actor", [ann, mia, ada], ids=["rep", "manager", "admin"])
@pytest.mark.parametrize("action", list(Action))
def test_nobody_crosses_workspaces_not_even_an_admin(actor: Actor, action: Action) -> None:
    foreign = make_lead(team_id=ELSEWHERE, owner_id=actor.user_id)
    assert not can(actor, action, foreign)
    assert can(abroad(actor), Action.CAPTURE)


@pytest.mark.parametrize("actor", [ann, ben, mia, ada, emea_rep], ids=["ann", "ben", "mia", "ada", "emea"])
def test_everyone_may_capture(actor: Actor) -> None:
    assert can(actor, Action.CAPTURE)


@pytest.mark.parametrize("actor", [ann, mia], ids=["rep", "manager"])
def test_only_admins_configure(actor: Actor) -> None:
    assert not can(actor, Action.CONFIGURE)
    assert can(ada, Action.CONFIGURE)


def test_require_names_the_lead_and_the_way_out() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(ben, Action.WORK, make_lead(number=42))

    assert "L-42" in str(refused.value)
    assert "manager" in str(refused.value)


def test_require_passes_silently_when_allowed() -> None:
    require(ann, Action.WORK, make_lead())


def test_reps_close_their_own_leads_managers_their_teams_and_nobody_else() -> None:
    lead = make_lead()
    assert can(ann, Action.CLOSE, lead) and can(mia, Action.CLOSE, lead) and can(ada, Action.CLOSE, lead)
    assert not can(ben, Action.CLOSE, lead)
    assert not can(ben, Action.CLOSE, make_lead(owner_id=None))  # the pool is closed by a manager
    assert not can(emea_manager, Action.CLOSE, lead)
    assert not can(abroad(ada), Action.CLOSE, lead)


def test_a_teams_report_is_for_its_managers_and_admins() -> None:
    assert [can_see_team_report(actor, "na") for actor in (ann, mia, ada, emea_manager)] == [
        False,
        True,
        True,
        False,
    ]
    with pytest.raises(PermissionDenied, match="Only a manager of North America or an admin sees its report"):
        require_team_report(emea_manager, "na", "North America")


def test_a_merge_is_undone_by_whoever_made_it_a_manager_of_the_team_or_an_admin() -> None:
    merged, kept = make_lead(number=2), make_lead(number=1, owner_id=BEN)  # ann merged her L-2 into L-1
    allowed = [can_undo_merge(actor, ANN, merged, kept) for actor in (ann, ben, mia, ada, emea_manager)]
    assert allowed == [True, False, True, True, False]
    assert not can_undo_merge(abroad(ann), ANN, merged, kept)  # the merger, but in another workspace
    assert not can_undo_merge(mia, ANN, merged, make_lead(number=1, sales_team="emea"))  # not all hers
    with pytest.raises(PermissionDenied, match="Only the person who merged L-2 into L-1"):
        require_merge_undoer(ben, ANN, merged, kept)


# --- lists --------------------------------------------------------------------------------


def _sees(scope: Visibility, lead: Lead) -> bool:
    """What the store's query says of one lead (store/book/lead_lists._visible), in Python."""
    if scope.everything:
        return True
    if scope.owner is None:
        return lead.sales_team in scope.teams
    return lead.owner_id == scope.owner or (lead.owner_id is None and lead.sales_team in scope.pool_teams)


@pytest.mark.parametrize("actor", [ann, ben, mia, ada, emea_manager, emea_rep])
@pytest.mark.parametrize(
    "lead",
    [
        make_lead(),
        make_lead(owner_id=None),
        make_lead(owner_id=BEN),
        make_lead(owner_id=None, sales_team="emea"),
        make_lead(owner_id="UOTHER", sales_team="emea"),
        make_lead(owner_id=None, sales_team=None),
    ],
)
def test_a_lists_visibility_is_the_rule_of_view(actor: Actor, lead: Lead) -> None:
    assert _sees(visibility(actor), lead) is can(actor, Action.VIEW, lead)
