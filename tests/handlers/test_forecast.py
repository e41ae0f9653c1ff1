"""`/lead forecast`: Σ chance × value per month, the best case and the committed sums, the
chance's order (by hand, the model, the win rate), whose deals each role counts, and last
month's recorded forecast beside what it won."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from support import ADA, ANN, BEN, MIA, NOW, context_of

from domain.config import LeadbotConfig, SalesTeam
from domain.errors import InvalidInput, InvalidTransition
from domain.followups.activity import ActivityKind
from domain.lifecycle import LeadStatus
from domain.reporting.forecast import MonthForecast
from domain.scoring.predictive import ALL_TEAMS
from handlers.commands import (
    AddLead,
    ConvertLead,
    LogActivity,
    LoseLead,
    SetLeadValue,
    SetProbability,
    ShowForecast,
)
from handlers.registry import dispatch
from handlers.reporting.forecast import record_month_forecasts
from store.scoring.predictive import StoredModel

LEO, CAT = "U0MGR0LEO", "U0REP0CAT"
DAY = timedelta(days=1)
NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


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


def qualify(uow_factory, number):
    """The status sales-qualified leads reach when their score crosses SQL (handlers/scoring/rescore)."""
    with uow_factory() as uow:
        lead = uow.leads.get("T0CONSOLE", number) or next(iter([]))
        lead.move_to(LeadStatus.QUALIFIED, NOW)
        uow.leads.save(lead)
        uow.commit()


@pytest.fixture
def book(run, uow_factory):
    """Known chances and values (NOW is 23 November 2026):
    L-1 ann 10,000 in November, 50% by hand                  -> 5,000
    L-2 ann  4,000 in December, 25% by hand, qualified       -> 1,000, committed
    L-3 ben  2,000 in January, no model yet: the win rate 1/2 -> 1,000
    L-4 won, L-5 lost on price: the workspace's win rate is 50%
    L-6 ann  3,000 in October: past its month
    L-7 ann  9,999 in February: beyond the quarter
    L-8 cat (London) 7,000 in November, 10% by hand          -> 700"""
    run(AddLead(name="One", fields={"value": "10000", "close": "2026-11"}))
    run(SetProbability(number=1, percent=50))
    run(AddLead(name="Two"))
    run(SetLeadValue(number=2, value=Decimal(4000), close=DEC))
    run(SetProbability(number=2, percent=25))
    qualify(uow_factory, 2)
    run(AddLead(name="Three", fields={"value": "2k", "close": "2027-01-15"}), user=BEN)
    run(AddLead(name="Won"))
    run(ConvertLead(number=4, value=Decimal(800)), at=NOW - 30 * DAY)
    run(AddLead(name="Lost"))
    run(LoseLead(number=5, reason="price"))
    run(AddLead(name="Late", fields={"value": "3000", "close": "2026-10"}))
    run(AddLead(name="Far", fields={"value": "9999", "close": "2027-02"}))
    run(AddLead(name="Eight", sales_team="ldn", fields={"value": "7000", "close": "2026-11"}), user=CAT)
    run(SetProbability(number=8, percent=10), user=CAT)


def test_an_admins_quarter_equals_the_hand_computed_sums(run, book):
    forecast = run(ShowForecast(), user=ADA)

    assert [m.month for m in forecast.months] == [NOV, DEC, JAN]
    assert forecast.months[0] == MonthForecast(NOV, 2, Decimal("5700.00"), Decimal(17000), Decimal(0))
    assert forecast.months[1] == MonthForecast(DEC, 1, Decimal("1000.00"), Decimal(4000), Decimal(4000))
    assert forecast.months[2] == MonthForecast(JAN, 1, Decimal("1000.00"), Decimal(2000), Decimal(0))
    assert forecast.total == MonthForecast(NOV, 4, Decimal("7700.00"), Decimal(23000), Decimal(4000))
    assert (forecast.overdue.deals, forecast.overdue.best_case) == (1, Decimal(3000))
    assert forecast.chance_sources == {"hand": 3, "rate": 1} and forecast.win_rate == 0.5


def test_a_manager_counts_their_teams_and_a_rep_their_own_deals(run, book):
    sales = run(ShowForecast(horizon="month"), user=MIA)
    mine = run(ShowForecast(), user=BEN)
    london = run(ShowForecast(team="ldn"), user=ADA)

    assert sales.scope == "Sales" and sales.total.weighted == Decimal("5000.00")
    assert mine.scope == "your leads" and mine.total == MonthForecast(
        NOV, 1, Decimal("1000.00"), Decimal(2000)
    )
    assert london.total.weighted == Decimal("700.00")


def test_a_rep_may_not_ask_for_a_team(run, book):
    with pytest.raises(Exception, match="Only a manager of London or an admin"):
        run(ShowForecast(team="ldn"), user=ANN)


def test_last_months_recorded_forecast_is_set_beside_what_it_won(run, book, uow_factory):
    # Recorded on the first of November (twice: a second replica's tick changes nothing)...
    first = NOW.replace(day=1, hour=0)
    record_month_forecasts(uow_factory(), first)
    record_month_forecasts(uow_factory(), first + timedelta(hours=1))
    # ...and in November, L-1 is won for 9,000.
    run(ConvertLead(number=1, value=Decimal(9000)), at=NOW)

    december = run(ShowForecast(horizon="month"), at=NOW + 10 * DAY, user=ADA)

    last = december.last
    assert last.month == NOV and last.won == 1 and last.won_value == Decimal(9000)
    assert last.recorded == MonthForecast(NOV, 2, Decimal("5700.00"), Decimal(17000), Decimal(0))
    assert last.accuracy == pytest.approx(9000 / 5700)
    sales = run(ShowForecast(horizon="month"), at=NOW + 10 * DAY, user=MIA)
    assert sales.last.recorded is not None and sales.last.recorded.weighted == Decimal("5000.00")


def test_a_month_nobody_recorded_says_so(run, book):
    assert run(ShowForecast(), user=ADA).last.recorded is None


def test_a_closed_lead_has_no_expected_value_to_set(run, book):
    with pytest.raises(InvalidTransition):
        run(SetLeadValue(number=5, value=Decimal(10)))


def test_a_rep_may_not_value_someone_elses_lead(run, book):
    with pytest.raises(Exception, match="reps work their own leads"):
        run(SetLeadValue(number=3, value=Decimal(10)), user=ANN)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"value": "lots"}, "not an amount"),
        ({"close": "soon"}, "not a close month"),
        ({"close": "2040-01"}, "ten years"),
    ],
)
def test_a_bad_value_or_month_on_add_is_refused_with_how_to_write_it(run, fields, problem):
    with pytest.raises(InvalidInput, match=problem):
        run(AddLead(name="Dana", fields=fields))


def test_the_predictive_scores_chance_comes_before_the_win_rate(run, book, uow_factory):
    # A model that knows nothing beyond its base rate: log-odds ln(3) for everyone, a 75% chance.
    weights = {"bias": math.log(3), "n": 40, "won": 30, "terms": []}
    with uow_factory() as uow:
        uow.predictive.replace_models("T0CONSOLE", [StoredModel(ALL_TEAMS, weights, 40, 40, NOW)])
        uow.commit()

    forecast = run(ShowForecast(), user=ADA)

    # L-3's 2,000 in January at 75% instead of the 50% win rate; the hand-set chances stay.
    assert forecast.months[2].weighted == Decimal("1500.00")
    assert forecast.total.weighted == Decimal("8200.00")
    assert forecast.chance_sources == {"hand": 3, "model": 1} and forecast.win_rate is None


def test_deals_alike_but_for_what_reps_logged_each_get_their_own_chance(run, book, uow_factory):
    """The forecast works features out once for deals alike (handlers/reporting/forecast.py):
    what reps logged, and how long ago, still sets one deal's chance apart from another's."""
    called = [[["calls", "1"]], math.log(3)]  # log-odds 0 -> ln 3: 50% -> 75%
    long_ago = [[["last_touch", "1-3 months ago"]], -math.log(3)]  # and back to 50%
    weights = {"bias": 0.0, "n": 40, "won": 20, "terms": [called, long_ago]}
    with uow_factory() as uow:
        uow.predictive.replace_models("T0CONSOLE", [StoredModel(ALL_TEAMS, weights, 40, 40, NOW)])
        uow.commit()
    for number in (9, 10):  # alike: the same source, title, email kind, team, deal
        run(AddLead(name=f"Deal {number}", fields={"value": "4000", "close": "2026-12"}), user=BEN)
    run(LogActivity(number=9, kind=ActivityKind.CALL), user=BEN)
    run(LogActivity(number=10, kind=ActivityKind.CALL), at=NOW - 40 * DAY, user=BEN)

    forecast = run(ShowForecast(), user=ADA)

    # December: L-2 1,000 by hand, L-9 4,000 x 75% (called this week), L-10 4,000 x 50%
    # (called over a month ago); January: L-3 2,000 x 50% (never called).
    assert [m.weighted for m in forecast.months] == [
        Decimal("5700.00"),
        Decimal("6000.00"),
        Decimal("1000.00"),
    ]
    assert forecast.chance_sources == {"hand": 3, "model": 3}
