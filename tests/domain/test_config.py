"""The TOML config decides roles and teams; a bad one is refused by key path."""

from typing import Any

import pytest

from domain.config import default_config, parse_config
from domain.errors import ConfigError
from domain.permissions import Role

WORKSPACE = "T1"


def config_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "admins": ["UADA"],
        "teams": [
            {"key": "na", "name": "North America", "managers": ["UMIA"], "members": ["UANN"]},
            {"key": "emea", "name": "EMEA", "managers": ["UEVE"], "members": ["UBEN", "UMIA"]},
        ],
    }
    return data | overrides


def refusal(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as refused:
        parse_config(data, origin="leadbot.toml")
    return str(refused.value)


def test_a_member_is_a_rep_of_their_team() -> None:
    actor = parse_config(config_data(), "x").actor(WORKSPACE, "UBEN")

    assert (actor.team_id, actor.user_id, actor.role, actor.sales_teams) == (
        WORKSPACE,
        "UBEN",
        Role.REP,
        ("emea",),
    )


def test_a_manager_manages_their_teams_first_and_keeps_memberships() -> None:
    actor = parse_config(config_data(), "x").actor(WORKSPACE, "UMIA")

    assert actor.role is Role.MANAGER
    assert actor.sales_teams == ("na", "emea")


def test_an_admin_is_admin_whatever_else_they_are() -> None:
    data = config_data(admins=["UMIA"])

    assert parse_config(data, "x").actor(WORKSPACE, "UMIA").role is Role.ADMIN


def test_an_unknown_user_is_a_rep_of_the_first_team() -> None:
    actor = parse_config(config_data(), "x").actor(WORKSPACE, "UNOBODY")

    assert actor.role is Role.REP
    assert actor.sales_teams == ("na",)


def test_the_default_config_knows_the_console_people() -> None:
    config = default_config()

    assert config.actor(WORKSPACE, "U0REP0ANN").role is Role.REP
    assert config.actor(WORKSPACE, "U0MGR0MIA").role is Role.MANAGER
    assert config.actor(WORKSPACE, "U0ADM0ADA").role is Role.ADMIN


def test_a_misspelt_key_is_refused_by_its_path() -> None:
    data = config_data()
    data["teams"][1]["timezon"] = "Europe/Berlin"

    message = refusal(data)

    assert message.startswith("leadbot.toml is not a valid Leadbot config")
    assert "teams.1.timezon" in message


def test_a_bad_time_zone_is_refused_by_its_path() -> None:
    data = config_data()
    data["teams"][0]["timezone"] = "Mars/Olympus"

    message = refusal(data)

    assert "teams.0.timezone" in message
    assert "IANA time zone" in message


def test_duplicate_team_keys_are_refused() -> None:
    data = config_data(teams=[{"key": "na", "name": "A"}, {"key": "na", "name": "B"}])

    assert "team keys must be unique" in refusal(data)


def test_no_teams_at_all_is_refused() -> None:
    assert "at least one [[teams]]" in refusal(config_data(teams=[]))


@pytest.mark.parametrize("region", ["XX", "USA", "1"])
def test_a_bad_region_is_refused(region: str) -> None:
    message = refusal(config_data(default_region=region))

    assert "default_region" in message
    assert f"'{region}'" in message


def test_a_region_is_accepted_in_lower_case() -> None:
    assert parse_config(config_data(default_region="gb"), "x").default_region == "GB"


def test_a_team_lookup_falls_back_to_the_first_team() -> None:
    config = parse_config(config_data(), "x")

    assert config.team("emea").name == "EMEA"
    assert config.team("nope").key == "na"
    assert config.team(None).key == "na"
