"""The report's funnel, source effectiveness and speed to lead, from cohort rows."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.funnel import CohortLead, funnel, percentile, source_effects, speeds
from domain.lifecycle import LeadStatus

T0 = datetime(2026, 11, 1, tzinfo=UTC)
D = timedelta(days=1)


def lead(status=LeadStatus.NEW, source="web", **stamps) -> CohortLead:
    return CohortLead(source, stamps.pop("team", "sales"), stamps.pop("owner", "U1"), status, T0, **stamps)


def test_the_funnel_counts_the_furthest_stage_reached_and_the_days_between():
    leads = [
        lead(),  # captured only
        lead(LeadStatus.CONTACTED, contacted_at=T0 + D, handed_over=True),
        lead(LeadStatus.CONTACTED, contacted_at=T0 + 3 * D, mql_at=T0 + 4 * D, handed_over=True),
        # converted on the first call: every stage counts it, its unknown times do not
        lead(LeadStatus.CONVERTED, closed_at=T0 + 10 * D),
    ]
    stages = funnel(leads)

    assert [(s.name, s.reached) for s in stages] == [
        ("captured", 4), ("contacted", 3), ("MQL", 2), ("SQL", 1), ("converted", 1)
    ]  # fmt: skip
    assert [s.rate for s in stages] == [None, 0.75, 2 / 3, 0.5, 1.0]
    assert stages[0].median_days == 2.0 and stages[1].median_days == 1.0 and stages[2].median_days is None


def test_sources_show_conversion_value_and_the_periods_share_of_their_cost():
    leads = [
        lead(LeadStatus.CONVERTED, "webinar", closed_at=T0 + 4 * D, deal_value=Decimal(1000)),
        lead(LeadStatus.CONVERTED, "webinar", closed_at=T0 + 8 * D, deal_value=Decimal(500)),
        lead(LeadStatus.LOST, "webinar"),
        lead(LeadStatus.NEW, "webinar"),
        lead(LeadStatus.NEW, "referral"),
    ]
    costs = {"webinar": Decimal("3044"), "trade fair": Decimal(100)}
    webinar, referral, fair = source_effects(leads, costs, days=30)

    assert (webinar.source, webinar.leads, webinar.converted, webinar.conversion) == ("webinar", 4, 2, 0.5)
    assert webinar.median_days == 6.0 and webinar.value_won == Decimal(1500)
    assert webinar.cost == Decimal("3000.00")  # 30 days of a 30.44-day month
    assert webinar.cost_per_lead == Decimal("750.00") and webinar.cost_per_customer == Decimal("1500.00")
    assert referral.cost is None and referral.cost_per_lead is None
    assert (fair.leads, fair.cost_per_lead, fair.cost_per_customer) == (0, None, None)


def test_speed_to_lead_is_per_team_and_rep_from_handed_over_leads_only():
    minutes = [5, 10, 20, 60, 600]
    leads = [
        lead(LeadStatus.CONTACTED, contacted_at=T0 + timedelta(minutes=m), handed_over=True, owner="U1")
        for m in minutes
    ] + [lead(LeadStatus.CONTACTED, contacted_at=T0 + 9 * D, owner="U2")]  # own capture: not handed over
    (team,) = speeds(leads, lambda one: one.sales_team)
    (rep,) = speeds(leads, lambda one: one.owner_id)

    assert (team.who, team.contacted, team.p50, team.p90) == ("sales", 5, 20.0, 600.0)
    assert rep.who == "U1"
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0 and percentile([7.0], 90) == 7.0
