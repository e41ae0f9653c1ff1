"""The report's funnel, source effectiveness and speed to lead, from the cohort as the store
sums it (the sums and medians themselves: tests/store/test_report_cohort.py)."""

from decimal import Decimal

from domain.lifecycle import LeadStatus
from domain.reporting.funnel import (
    Cohort,
    CohortGroup,
    FirstContact,
    funnel,
    percentile,
    source_effects,
    speeds,
)


def group(status=LeadStatus.NEW, source="web", leads=1, **known) -> CohortGroup:
    return CohortGroup(source, status, leads, **known)


def test_the_funnel_counts_the_furthest_stage_reached_and_the_days_between():
    groups = (
        group(),  # captured only
        group(LeadStatus.CONTACTED, contacted=True, handed_over=1),
        group(LeadStatus.CONTACTED, contacted=True, mql=True, handed_over=1),
        # converted on the first call: every stage counts it, its unknown times do not
        group(LeadStatus.CONVERTED),
    )
    stages = funnel(Cohort(groups, stage_days=(2.0, 1.0, None, None)))

    assert [(s.name, s.reached) for s in stages] == [
        ("captured", 4), ("contacted", 3), ("MQL", 2), ("SQL", 1), ("converted", 1)
    ]  # fmt: skip
    assert [s.rate for s in stages] == [None, 0.75, 2 / 3, 0.5, 1.0]
    assert stages[0].median_days == 2.0 and stages[1].median_days == 1.0 and stages[2].median_days is None


def test_sources_show_conversion_value_and_the_periods_share_of_their_cost():
    groups = (
        group(LeadStatus.CONVERTED, "webinar", leads=2, value_won=Decimal(1500)),
        group(LeadStatus.LOST, "webinar"),
        group(LeadStatus.NEW, "webinar"),
        group(LeadStatus.NEW, "referral"),
    )
    costs = {"webinar": Decimal("3044"), "trade fair": Decimal(100)}
    webinar, referral, fair = source_effects(Cohort(groups, convert_days={"webinar": 6.0}), costs, days=30)

    assert (webinar.source, webinar.leads, webinar.converted, webinar.conversion) == ("webinar", 4, 2, 0.5)
    assert webinar.median_days == 6.0 and webinar.value_won == Decimal(1500)
    assert webinar.cost == Decimal("3000.00")  # 30 days of a 30.44-day month
    assert webinar.cost_per_lead == Decimal("750.00") and webinar.cost_per_customer == Decimal("1500.00")
    assert referral.cost is None and referral.cost_per_lead is None
    assert (fair.leads, fair.cost_per_lead, fair.cost_per_customer) == (0, None, None)


def test_speed_to_lead_is_per_team_and_rep_from_handed_over_leads_only():
    # The store hands over handed-over leads only (a rep's own capture has no first contact)
    contacts = [FirstContact("sales", "U1", minutes) for minutes in (5.0, 10.0, 20.0, 60.0, 600.0)]
    (team,) = speeds(contacts, lambda one: one.sales_team)
    (rep,) = speeds(contacts, lambda one: one.owner_id)

    assert (team.who, team.contacted, team.p50, team.p90) == ("sales", 5, 20.0, 600.0)
    assert rep.who == "U1"
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0 and percentile([7.0], 90) == 7.0
