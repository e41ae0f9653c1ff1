"""Rule scores: fit, engagement with half-life decay, first-match rules, caps, stages."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.scoring.config import EngagementRule, FitRule, ScoringConfig
from domain.scoring.rules import (
    CompiledRules,
    Engagement,
    LeadFacts,
    Stage,
    bant_count,
    day_of,
    reached,
    score,
    stage_for,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DEFAULTS = CompiledRules(ScoringConfig())
NOBODY = LeadFacts()


def event(kind: str, days_ago: float = 0, url: str | None = None) -> Engagement:
    return (kind, day_of(NOW - timedelta(days=days_ago)), url)


def points(facts: LeadFacts = NOBODY, events: list[Engagement] | None = None, rules=DEFAULTS) -> dict:
    return {part.rule: round(part.points, 2) for part in score(facts, events or [], NOW, rules).contributions}


def test_a_senior_title_earns_fit_points_as_a_word_not_inside_another() -> None:
    assert points(LeadFacts(title="VP Sales")) == {"Senior title": 15}
    assert points(LeadFacts(title="Head of Marketing")) == {"Senior title": 15}
    assert points(LeadFacts(title="Overhead planner")) == {}  # "head" inside a word


def test_a_free_mail_address_is_a_negative_rule() -> None:
    assert points(LeadFacts(email="dana@gmail.com")) == {"Free-mail address": -10}
    assert points(LeadFacts(email="dana@fbi.gov")) == {}


def test_bant_completeness_counts_answers_that_are_not_no() -> None:
    assert bant_count(["yes", "VP Sales", "replace spreadsheets", "Q1"]) == 4
    assert bant_count(["no", "VP Sales", None, " "]) == 1
    assert points(LeadFacts(bant_answers=4)) == {"BANT complete": 30}
    assert points(LeadFacts(bant_answers=2)) == {"BANT partly answered": 10}


def test_an_event_counts_for_the_first_rule_it_matches() -> None:
    visits = [
        event("page_visited", url="https://acme.com/Pricing"),
        event("page_visited", url="https://acme.com/blog"),
    ]

    assert points(events=visits) == {"Pricing page": 10, "Page visited": 2}


def test_engagement_halves_every_half_life_and_the_decay_is_reported() -> None:
    breakdown = score(LeadFacts(), [event("webinar_attended", days_ago=30)], NOW, DEFAULTS)

    [part] = breakdown.contributions
    assert (part.points, part.undecayed) == (pytest.approx(10), 20)
    assert breakdown.decay == pytest.approx(10)
    assert breakdown.total == 10


def test_an_unsubscribe_does_not_fade_and_counts_once() -> None:
    events = [event("unsubscribed", days_ago=90), event("unsubscribed", days_ago=10)]

    assert points(events=events) == {"Unsubscribed": -40}


def test_max_times_counts_the_most_recent_events() -> None:
    rules = CompiledRules(
        ScoringConfig(
            fit=(),
            engagement=(EngagementRule(name="Opened", event="email_opened", points=10, max_times=1),),
            half_life_days=10,
        )
    )
    breakdown = score(LeadFacts(), [event("email_opened", 20), event("email_opened", 0)], NOW, rules)

    assert breakdown.total == 10 and breakdown.contributions[0].times == 1


def test_a_group_is_held_to_its_cap_and_the_cut_is_shown() -> None:
    rules = CompiledRules(
        ScoringConfig(
            fit=(FitRule(name="Any title", field="title", any_of=("agent",), points=50),),
            engagement=(EngagementRule(name="Webinar", event="webinar_attended", points=30),),
            caps={"engagement": 40},
        )
    )
    breakdown = score(LeadFacts(title="Agent"), [event("webinar_attended")] * 2, NOW, rules)

    assert breakdown.total == 90
    assert [(c.group, c.cap, c.cut) for c in breakdown.capped] == [("engagement", 40, 20)]


def test_events_from_the_future_do_not_grow_past_their_points() -> None:
    assert points(events=[event("webinar_attended", days_ago=-1)]) == {"Webinar attended": 20}


def test_stages_follow_the_thresholds_and_never_go_back() -> None:
    config = ScoringConfig()

    assert [stage_for(t, config) for t in (39, 40, 69, 70)] == [Stage.LEAD, Stage.MQL, Stage.MQL, Stage.SQL]
    assert reached(Stage.SQL, 10, config) is Stage.SQL
    assert reached(Stage.LEAD, 75, config) is Stage.SQL
