"""leadbot.example.toml stays valid, documents every key, and bad configs are refused by name."""

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from domain.config import ConsoleUser, LeadbotConfig, SalesTeam, parse_config
from domain.errors import ConfigError
from domain.permissions import Role

EXAMPLE = Path(__file__).resolve().parents[2] / "leadbot.example.toml"


def example_data() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def keys_used(entries: list[dict[str, Any]]) -> set[str]:
    return {key for entry in entries for key in entry}


def test_example_config_yields_the_teams_it_documents() -> None:
    config = parse_config(example_data(), origin=str(EXAMPLE))

    assert [(t.key, t.name, t.timezone) for t in config.teams] == [
        ("na", "North America", "America/New_York"),
        ("emea", "EMEA", "Europe/Berlin"),
    ]
    assert config.team("emea").channel == "C0EMEASALES"
    assert config.actor("T1", "U0MGR0MIA").role is Role.MANAGER
    assert config.actor("T1", "U0ADM0ADA").role is Role.ADMIN
    assert config.actor("T1", "U0REP0BEN").sales_teams == ("emea",)
    assert config.actor("T1", "U0SOMEONE").sales_teams == ("na",)  # unknown: first team
    assert [u.name for u in config.console_users] == ["ann", "ben", "mia", "ada"]


@pytest.mark.parametrize(
    ("model", "section"),
    [(LeadbotConfig, None), (SalesTeam, "teams"), (ConsoleUser, "console_users")],
)
def test_example_config_shows_every_key_the_models_accept(
    model: type[BaseModel],
    section: str | None,
) -> None:
    data = example_data()
    shown = set(data) if section is None else keys_used(data[section])

    keys = {field.alias or name for name, field in model.model_fields.items()}  # as the TOML spells them
    assert keys <= shown, "document new config keys in leadbot.example.toml"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.update(default_timezon="UTC"), "default_timezon"),
        (lambda d: d["teams"][1].update(timezon="Europe/Berlin"), "teams.1.timezon"),
        (lambda d: d["console_users"][0].update(timezone="UTC"), "console_users.0.timezone"),
        (lambda d: d.update(default_timezone="Mars/Olympus_Mons"), "default_timezone"),
        (lambda d: d["teams"][0].update(timezone="America/Gotham"), "teams.0.timezone"),
        (lambda d: d["console_users"][1].update(tz="Berlin"), "console_users.1.tz"),
    ],
)
def test_a_misspelt_key_or_bad_time_zone_is_refused_naming_the_key(change: Any, named: str) -> None:
    data = example_data()
    change(data)

    with pytest.raises(ConfigError) as refused:
        parse_config(data, origin="leadbot.toml")

    assert f"{named}:" in str(refused.value)
    assert "leadbot.toml" in str(refused.value)


# --- digests, working hours and cadences -----------------------------------------------


@pytest.mark.parametrize(
    ("change", "named", "says"),
    [
        (lambda d: d["teams"][0].update(digest_time="7:3"), "teams.0.digest_time", "not a time of day"),
        (lambda d: d["teams"][0].update(digest_time="19:00"), "teams.0", "outside working_hours"),
        (lambda d: d["teams"][0].update(working_hours=["18:00", "09:00"]), "teams.0.working_hours", "start"),
        (lambda d: d["teams"][0].update(working_days=["mon", "funday"]), "teams.0.working_days", "funday"),
        (lambda d: d.update(default_cadence="weekly"), "(top level)", "default_cadence 'weekly'"),
        (lambda d: d["cadences"][0]["steps"][0].update(channel="fax"), "cadences.0.steps.0.channel", "call"),
        (lambda d: d["cadences"][0]["steps"].reverse(), "cadences.0.steps", "day order"),
    ],
)
def test_a_bad_digest_hours_or_cadence_setting_is_refused_naming_the_key(change: Any, named: str, says: str):
    data = example_data()
    change(data)

    with pytest.raises(ConfigError) as refused:
        parse_config(data, origin="leadbot.toml")

    assert f"{named}:" in str(refused.value) and says in str(refused.value)


def test_the_example_cadences_and_hours_are_read_as_documented() -> None:
    config = parse_config(example_data(), origin=str(EXAMPLE))

    assert [s.day for s in config.cadence(None).steps] == [2, 5, 9, 14]
    assert config.cadence(config.long_term_cadence).name == "long-term"
    hours = config.team("na").hours_in()
    assert (str(hours.start), str(hours.end), sorted(hours.days)) == ("08:00:00", "18:00:00", [0, 1, 2, 3, 4])
