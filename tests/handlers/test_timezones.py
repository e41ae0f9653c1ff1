"""Whose clock a rep's "tomorrow 9am" is read on: Slack's last answer, then the config."""

from datetime import timedelta

from support import ANN, BEN, MIA, NOW, context_of

from domain.config import LeadbotConfig, SalesTeam
from handlers.operations.timezones import (
    REFRESH_AFTER,
    RETRY_AFTER,
    look_up_zone,
    needs_refresh,
    note_failed_lookup,
    remember_timezone,
)
from store.unit_of_work import UowFactory

TEAM = "T0CONSOLE"


def zone(uow_factory: UowFactory, config: LeadbotConfig, user: str) -> str:
    return look_up_zone(uow_factory(), context_of(config, user)).zone


def test_slacks_zone_wins_over_the_config(uow_factory: UowFactory, config: LeadbotConfig) -> None:
    remember_timezone(uow_factory(), TEAM, BEN, "America/New_York", NOW)
    assert zone(uow_factory, config, BEN) == "America/New_York"


def test_without_slacks_answer_the_configured_zone_is_used(
    uow_factory: UowFactory, config: LeadbotConfig
) -> None:
    assert zone(uow_factory, config, BEN) == "Europe/Berlin"  # the console config's ben


def test_an_unknown_person_gets_their_teams_zone(uow_factory: UowFactory) -> None:
    config = LeadbotConfig(teams=(SalesTeam(key="emea", name="EMEA", timezone="Europe/London"),))
    assert zone(uow_factory, config, "U0NOBODY") == "Europe/London"


def test_a_stale_zone_is_still_used_and_a_failed_lookup_keeps_it(
    uow_factory: UowFactory, config: LeadbotConfig
) -> None:
    remember_timezone(uow_factory(), TEAM, ANN, "Australia/Sydney", NOW)
    later = NOW + REFRESH_AFTER
    assert needs_refresh(uow_factory(), TEAM, ANN, later)
    note_failed_lookup(uow_factory(), TEAM, ANN, later)  # Slack down
    assert zone(uow_factory, config, ANN) == "Australia/Sydney"
    assert not needs_refresh(uow_factory(), TEAM, ANN, later + RETRY_AFTER - timedelta(seconds=1))
    assert needs_refresh(uow_factory(), TEAM, ANN, later + RETRY_AFTER)


def test_the_lookup_says_when_to_ask_slack_again(uow_factory: UowFactory, config: LeadbotConfig) -> None:
    ctx = context_of(config, ANN)
    assert look_up_zone(uow_factory(), ctx).ask_slack_after == NOW  # never asked: ask now
    remember_timezone(uow_factory(), TEAM, ANN, "Europe/London", NOW)
    assert look_up_zone(uow_factory(), ctx).ask_slack_after == NOW + REFRESH_AFTER


def test_a_zone_slack_gives_that_we_do_not_know_counts_as_none(
    uow_factory: UowFactory, config: LeadbotConfig
) -> None:
    remember_timezone(uow_factory(), TEAM, MIA, "Mars/Olympus_Mons", NOW)
    assert zone(uow_factory, config, MIA) == "UTC"
    assert not needs_refresh(uow_factory(), TEAM, MIA, NOW + RETRY_AFTER - timedelta(seconds=1))
