"""`/lead report`: the period's cohort, what closed in it, per source and rep, speed to first
contact, and whose leads each role may count."""

from datetime import timedelta
from decimal import Decimal

import pytest
from support import ADA, ANN, BEN, MIA, NOW, context_of

from domain.config import Campaign, LeadbotConfig, SalesTeam
from domain.errors import InvalidInput, PermissionDenied
from domain.reporting.digest import Tally
from domain.reporting.report import RepLine, SourceLine
from handlers.commands import (
    AddLead,
    AssignLead,
    CaptureChannel,
    ConvertLead,
    LogActivity,
    LoseLead,
    SetReminder,
    ShowReport,
)
from handlers.registry import dispatch

LEO, CAT = "U0MGR0LEO", "U0REP0CAT"
DAY = timedelta(days=1)


@pytest.fixture
def config() -> LeadbotConfig:
    sales = SalesTeam(key="sales", name="Sales", managers=(MIA,), members=(ANN, BEN))
    london = SalesTeam(key="ldn", name="London", managers=(LEO,), members=(CAT,))
    return LeadbotConfig(teams=(sales, london), admins=(ADA,))


@pytest.fixture
def run(uow_factory, config):
    def command(cmd, at=NOW, user=ANN):
        return dispatch(cmd, uow_factory(), context_of(config, user, now=at))

    return command


@pytest.fixture
def pipeline(run):
    """A month of Sales (and one London lead):
    L-1 ann, referral, 40 days ago, won 6 days ago for 5,000 (closed in the period, captured before it)
    L-2 ann, referral, 3 days ago, won yesterday for 1,200
    L-3 ben, trade fair, 2 days ago, lost yesterday on price
    L-4 web form, no team (Sales'), 2 days ago: assigned to ben, who called 90 minutes later
    L-5 web form, London, yesterday: nobody's
    L-6 ann, no source, today, with a follow-up overdue"""
    run(AddLead(name="Old Deal", fields={"source": "referral"}), at=NOW - 40 * DAY)
    run(LogActivity(number=1, kind="call"), at=NOW - 39 * DAY)
    run(ConvertLead(number=1, value=Decimal("5000")), at=NOW - 6 * DAY)
    run(AddLead(name="Dana Scully", fields={"source": "referral"}), at=NOW - 3 * DAY)
    run(LogActivity(number=2, kind="call"), at=NOW - 2 * DAY)
    run(ConvertLead(number=2, value=Decimal("1200")), at=NOW - DAY)
    run(AddLead(name="Fox Mulder", fields={"source": "trade fair"}), at=NOW - 2 * DAY, user=BEN)
    run(LoseLead(number=3, reason="price"), at=NOW - DAY, user=BEN)
    web = {"channel": CaptureChannel.WEBHOOK, "fields": {"source": "web form"}}
    run(AddLead(name="Walter Skinner", **web), at=NOW - 2 * DAY, user="web form")
    run(AssignLead(number=4, rep=BEN), at=NOW - 2 * DAY, user=MIA)
    run(LogActivity(number=4, kind="call"), at=NOW - 2 * DAY + timedelta(minutes=90), user=BEN)
    run(AddLead(name="Monica Reyes", sales_team="ldn", **web), at=NOW - DAY, user="web form")
    run(AddLead(name="John Doggett"), at=NOW - timedelta(hours=5))
    run(SetReminder(number=6, due_at=NOW - timedelta(hours=1), text="call"), at=NOW - timedelta(hours=4))


def test_a_manager_sees_the_cohort_the_closes_the_sources_and_the_reps_of_their_team(run, pipeline):
    report = run(ShowReport(), user=MIA)

    assert (report.scope, report.days, report.captured) == ("Sales", 30, 4)
    assert sorted(report.captured_by_status, key=lambda t: t.label) == [
        Tally("contacted", 1),
        Tally("converted", 1),
        Tally("lost", 1),
        Tally("new", 1),
    ]
    assert report.by_source == (
        SourceLine("referral", 1, 1),
        SourceLine("trade fair", 1, 0),
        SourceLine("unknown", 1, 0),
        SourceLine("web form", 1, 0),
    )
    assert (report.won, report.won_value, report.lost_by_reason) == (2, Decimal("6200"), (Tally("price", 1),))
    assert report.win_rate == pytest.approx(2 / 3)
    assert (report.average_deal, report.won_days) == (Decimal("3100"), (2.0, 34.0))  # L-2 and L-1
    assert report.median_sales_cycle == timedelta(days=18)
    assert (report.handed_over, report.first_contact_minutes) == (
        1,
        (90.0,),
    )  # own captures are not handed over
    assert report.by_rep == (RepLine(ANN, 1, 2, 0, 1), RepLine(BEN, 1, 0, 1, 0))
    assert (report.open_now, report.unassigned_now) == (2, 0)


def test_the_period_decides_what_counts(run, pipeline):
    week = run(ShowReport(days=7), user=MIA)
    assert (week.captured, week.won, week.won_value) == (4, 2, Decimal("6200"))  # L-1 closed 6 days ago
    three_days = run(ShowReport(days=3), user=MIA)  # from the moment L-2 came in, not counting it
    assert (three_days.captured, three_days.won, three_days.lost) == (3, 1, 1)
    quarter = run(ShowReport(days=91), user=MIA)
    assert quarter.captured == 5 and quarter.by_source[0] == SourceLine("referral", 2, 2)


def test_a_rep_sees_their_own_leads_only(run, pipeline):
    report = run(ShowReport(), user=BEN)

    assert (report.scope, report.captured, report.won, report.lost) == ("your leads", 2, 0, 1)
    assert [line.rep for line in report.by_rep] == [BEN]


def test_an_admin_sees_every_team_or_one(run, pipeline):
    everyone = run(ShowReport(), user=ADA)
    london = run(ShowReport(team="ldn"), user=ADA)

    assert (everyone.scope, everyone.captured, everyone.unassigned_now) == ("all teams", 5, 1)
    assert (london.scope, london.captured, london.by_source) == ("London", 1, (SourceLine("web form", 1, 0),))


def test_a_manager_asks_for_their_own_team_by_name_but_not_for_another(run, pipeline):
    assert run(ShowReport(team="ldn"), user=LEO).captured == 1
    with pytest.raises(PermissionDenied, match="Only a manager of Sales or an admin"):
        run(ShowReport(team="sales"), user=LEO)
    with pytest.raises(PermissionDenied):
        run(ShowReport(team="sales"), user=ANN)


def test_an_unknown_team_names_the_teams_there_are(run):
    with pytest.raises(InvalidInput, match=r"no team `emea`.*`sales` \(Sales\), `ldn` \(London\)"):
        run(ShowReport(team="emea"), user=ADA)


def test_an_empty_workspace_reports_zeros(run):
    report = run(ShowReport(), user=MIA)
    assert (report.captured, report.won, report.win_rate, report.median_first_contact) == (0, 0, None, None)
    assert report.by_source == report.by_rep == ()


def test_a_lead_handed_over_and_not_contacted_yet_counts_as_waiting(run):
    web = {"channel": CaptureChannel.WEBHOOK, "fields": {"source": "web form"}}
    run(AddLead(name="Walter Skinner", **web), at=NOW - DAY, user="web form")
    run(AssignLead(number=1, rep=BEN), at=NOW - DAY, user=MIA)

    report = run(ShowReport(), user=MIA)

    assert (report.handed_over, report.first_contact_minutes, report.median_first_contact) == (1, (), None)


@pytest.mark.parametrize("closer", [BEN, MIA], ids=["the owner", "their manager"])
def test_converting_a_lead_nobody_contacted_is_its_first_contact(run, closer):
    """A buyer who signs on the first call was reached: the conversion stops the clock."""
    web = {"channel": CaptureChannel.WEBHOOK, "fields": {"source": "web form"}}
    run(AddLead(name="Walter Skinner", **web), at=NOW - DAY, user="web form")
    run(AssignLead(number=1, rep=BEN), at=NOW - DAY, user=MIA)
    run(ConvertLead(number=1, value=Decimal("900")), at=NOW - DAY + timedelta(minutes=45), user=closer)

    report = run(ShowReport(), user=MIA)

    assert (report.handed_over, report.first_contact_minutes, report.won) == (1, (45.0,), 1)


def test_a_conversion_after_the_first_contact_leaves_it_as_it_was(run):
    web = {"channel": CaptureChannel.WEBHOOK, "fields": {"source": "web form"}}
    run(AddLead(name="Walter Skinner", **web), at=NOW - DAY, user="web form")
    run(AssignLead(number=1, rep=BEN), at=NOW - DAY, user=MIA)
    run(LogActivity(number=1, kind="call"), at=NOW - DAY + timedelta(minutes=20), user=BEN)
    run(ConvertLead(number=1), at=NOW - DAY + timedelta(minutes=45), user=MIA)

    assert run(ShowReport(), user=MIA).first_contact_minutes == (20.0,)


def test_the_funnel_lost_reasons_by_source_and_speed_by_team_and_rep(run, pipeline):
    report = run(ShowReport(), user=MIA)

    stages = {stage.name: stage.reached for stage in report.funnel}
    assert (stages["captured"], stages["contacted"], stages["converted"]) == (4, 2, 1)
    assert report.lost_by_source == (("trade fair", (Tally("price", 1),)),)
    assert [(s.who, s.contacted, s.p50) for s in report.speed_by_team] == [("sales", 1, 90.0)]
    assert [(s.who, s.p90) for s in report.speed_by_rep] == [(BEN, 90.0)]
    referral = next(line for line in report.sources if line.source == "referral")
    assert (referral.leads, referral.converted, referral.value_won, referral.cost) == (
        1,
        1,
        Decimal(1200),
        None,
    )


def test_configured_campaign_costs_give_cost_per_lead_and_customer(uow_factory, config, run, pipeline):
    costed = config.model_copy(
        update={"campaigns": (Campaign(source="referral", monthly_cost=Decimal("3044")),)}
    )
    report = dispatch(ShowReport(), uow_factory(), context_of(costed, MIA))

    referral = next(line for line in report.sources if line.source == "referral")
    assert referral.cost == Decimal("3000.00") and referral.cost_per_customer == Decimal("3000.00")
