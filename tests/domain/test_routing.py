"""Routing rules pick the team (first match wins, else the fallback); the team's strategy
picks the rep, skipping the absent and the full, and every rep's standing is explained."""

from collections import Counter
from datetime import UTC, datetime, timedelta

from domain.routing.config import Capacity, Routing, RoutingRule, Strategy
from domain.routing.rules import LeadFacts, RepState, choose_rep, choose_team

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ROOMY = Capacity(open=10, per_day=5)
RULES = Routing(
    rules=(
        RoutingRule(name="EMEA-enterprise", team="emea", countries=("DACH",), products=("X",)),
        RoutingRule(name="hot", team="vip", score_min=80, score_max=100),
        RoutingRule(name="referrals", team="partners", sources=("Referral",)),
    ),
    regions={"DACH": ("DE", "Germany", "AT")},
    fallback_team="na",
)


def facts(country=None, product=None, source=None, score=0) -> LeadFacts:
    return LeadFacts(country, product, source, score)


def rep(user_id: str, **figures) -> RepState:
    return RepState(user_id=user_id, capacity=figures.pop("capacity", ROOMY), **figures)


def test_the_first_matching_rule_wins_and_a_region_names_its_countries():
    assert choose_team(RULES, facts("germany", "x", "referral", 90), "na").rule == "EMEA-enterprise"
    assert choose_team(RULES, facts("FR", "X", "referral", 90), "na").team == "vip"
    assert choose_team(RULES, facts("FR", "Y", "REFERRAL", 10), "na").rule == "referrals"


def test_a_lead_no_rule_matches_goes_to_the_fallback_team_and_an_unknown_value_matches_nothing():
    choice = choose_team(RULES, facts(None, "X", None, 79), "first")
    assert (choice.team, choice.rule) == ("na", None)
    assert choose_team(Routing(), facts(), "first").team == "first"


def test_round_robin_gives_the_lead_to_the_rep_with_fewest_turns_and_explains_everyone():
    reps = [rep("UANN", turns=3, open_leads=4), rep("UBOB", turns=2, open_leads=1), rep("UCAT", turns=3)]
    choice = choose_rep(Strategy.ROUND_ROBIN, reps, NOW, seed=1)
    assert choice.rep == "UBOB"
    assert [(n.user_id, n.skipped, n.detail) for n in choice.notes][0] == (
        "UANN",
        False,
        "has 4 of 10 open, 0 of 5 today",
    )


def test_reps_out_of_office_or_at_capacity_are_skipped_with_the_reason():
    reps = [
        rep("UANN", away_until=NOW + timedelta(days=3)),
        rep("UBOB", open_leads=10),
        rep("UCAT", today=5),
        rep("UDAN", turns=9),
    ]
    choice = choose_rep(Strategy.ROUND_ROBIN, reps, NOW, seed=1)
    assert choice.rep == "UDAN"
    assert [n.detail for n in choice.notes if n.skipped] == [
        "out of office until 2026-11-26",
        "at capacity (10 of 10 open)",
        "had 5 of 5 new leads today",
    ]


def test_nobody_with_room_means_no_rep():
    assert choose_rep(Strategy.ROUND_ROBIN, [rep("UANN", open_leads=10)], NOW, seed=1).rep is None


def test_a_skipped_rep_is_credited_later_with_the_turns_they_missed():
    """Ann was away for 4 leads; back, she gets the next two, and then it is round robin."""
    turns = {"UANN": 0, "UBOB": 2, "UCAT": 2}
    given = []
    for seed in range(5):
        reps = [rep(u, turns=t) for u, t in turns.items()]
        chosen = choose_rep(Strategy.ROUND_ROBIN, reps, NOW, seed).rep
        assert chosen is not None
        turns[chosen] += 1
        given.append(chosen)
    assert given[:2] == ["UANN", "UANN"]
    assert sorted(turns.values()) == [3, 3, 3]


def test_weighted_hands_out_leads_in_proportion_to_weight():
    turns, last = Counter[str](), {}
    for decision in range(1, 301):
        reps = [
            rep(
                u,
                turns=turns[u],
                last_turn=last.get(u, 0),
                capacity=Capacity(open=1000, per_day=1000, weight=w),
            )
            for u, w in (("UANN", 2), ("UBOB", 1))
        ]
        chosen = choose_rep(Strategy.WEIGHTED, reps, NOW, decision).rep
        turns[chosen] += 1
        last[chosen] = decision
    assert (turns["UANN"], turns["UBOB"]) == (200, 100)


def test_load_balanced_picks_the_lowest_share_of_capacity():
    reps = [rep("UANN", open_leads=5), rep("UBOB", open_leads=3, capacity=Capacity(open=4, per_day=5))]
    assert choose_rep(Strategy.LOAD_BALANCED, reps, NOW, seed=1).rep == "UANN"  # 5/10 < 3/4


def test_ties_go_to_the_longest_waiting_rep_then_to_a_seeded_shuffle_without_bias():
    waited = [rep("UANN", turns=1, last_turn=7), rep("UBOB", turns=1, last_turn=3)]
    assert choose_rep(Strategy.ROUND_ROBIN, waited, NOW, seed=1).rep == "UBOB"
    fresh = [rep(u) for u in ("UANN", "UBOB", "UCAT", "UDAN", "UEVE")]
    firsts = Counter(choose_rep(Strategy.ROUND_ROBIN, fresh, NOW, seed).rep for seed in range(500))
    assert set(firsts) == {"UANN", "UBOB", "UCAT", "UDAN", "UEVE"}
    assert max(firsts.values()) < 2 * min(firsts.values())  # the config's order gives no edge
    assert choose_rep(Strategy.ROUND_ROBIN, fresh, NOW, 42) == choose_rep(
        Strategy.ROUND_ROBIN, fresh, NOW, 42
    )
