"""Routing in the TOML config: the example documents every key; a bad routing config is
refused at start naming the key and the problem."""

import tomllib
from pathlib import Path
from typing import Any

import pytest
from routing_support import routing_data

from domain.config import parse_config
from domain.errors import ConfigError
from domain.routing.config import Capacity, Routing, RoutingRule, Strategy, TeamRouting


def example_data() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parents[2] / "leadbot.example.toml").read_text("utf-8"))


def keys_used(tables: list[dict[str, Any]]) -> set[str]:
    return {key for table in tables for key in table}


def test_the_example_config_shows_every_routing_key():
    data = example_data()
    team_routing = keys_used([t["routing"] for t in data["teams"] if "routing" in t])
    assert set(TeamRouting.model_fields) <= team_routing
    assert set(Routing.model_fields) <= set(data["routing"])
    assert set(RoutingRule.model_fields) <= keys_used(data["routing"]["rules"])
    na = data["teams"][0]["routing"]
    assert set(Capacity.model_fields) <= set(na["capacity"])


def test_the_example_config_routes_as_it_says():
    config = parse_config(example_data(), "leadbot.example.toml")
    na = config.team("na").routing
    assert (na.strategy, na.auto_approve_after_minutes, na.claim_allowed) == (Strategy.ROUND_ROBIN, 30, True)
    assert na.capacity_of("U0REP0ANN").weight == 2 and na.capacity_of("U0OTHER").open == 50
    assert [r.name for r in config.routing.rules] == ["EMEA-enterprise", "EMEA"]


def refusal(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as refused:
        parse_config(data, origin="leadbot.toml")
    return str(refused.value)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda d: d["routing"]["rules"][0].update(team="apac"),
            "routing.rules.0.team: there is no team 'apac'",
        ),
        (
            lambda d: d["routing"].update(fallback_team="latam"),
            "routing.fallback_team: there is no team 'latam'",
        ),
        (lambda d: d["routing"]["rules"][1].update(name="EMEA-enterprise"), "rule names must be unique"),
        (lambda d: d["routing"]["rules"][0].update(product="X"), "routing.rules.0.product: Extra inputs"),
        (lambda d: d["routing"]["rules"][1].update(score_max=10), "score_max 10 is below score_min 80"),
        (lambda d: d["teams"][1]["routing"].update(strategy="random"), "teams.1.routing.strategy:"),
        (lambda d: d["teams"][1]["routing"].update(capacity={"open": 0}), "teams.1.routing.capacity.open:"),
        (lambda d: d["teams"][1]["routing"].update(reps={"ann": {}}), "'ann' is not a Slack user id"),
        (
            lambda d: d["teams"][1]["routing"].update(working_hours={"start": "09:00", "end": "17:00"}),
            "teams.1.routing: Value error, working_hours moved: set the team's own working_hours",
        ),
        (
            lambda d: d["teams"][1]["routing"].update(reroute_on_breach=True),
            "reroute_on_breach needs first_contact_sla_minutes",
        ),
        (
            lambda d: d["teams"][1]["routing"].update(first_contact_sla_minutes=0),
            "teams.1.routing.first_contact_sla_minutes:",
        ),
    ],
)
def test_a_bad_routing_config_is_refused_naming_the_key_and_the_problem(change: Any, named: str):
    data = routing_data()
    change(data)
    message = refusal(data)
    assert named in message and "leadbot.toml" in message
