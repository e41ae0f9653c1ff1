"""Webhook replays remembered in the database: claimed, settled, released, forgotten."""

from datetime import UTC, datetime, timedelta

from handlers.operations.housekeeping import prune
from handlers.operations.replays import IN_HAND_LIMIT, REPLAY_WINDOW, claim, key_of, release, settle

NOW = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
TEAM, KEY = "T0CONSOLE", "webhook:lead:abc"


def test_the_first_request_claims_and_a_repeat_is_told_it_is_in_hand(uow_factory):
    assert claim(uow_factory, TEAM, KEY, NOW) is None
    assert claim(uow_factory, TEAM, KEY, NOW + timedelta(seconds=1)) == ""


def test_a_repeat_in_the_window_gets_what_the_first_settled(uow_factory):
    claim(uow_factory, TEAM, KEY, NOW)
    settle(uow_factory, TEAM, KEY, "answer")
    assert claim(uow_factory, TEAM, KEY, NOW + REPLAY_WINDOW - timedelta(seconds=1)) == "answer"


def test_after_the_window_the_same_request_is_new_again(uow_factory):
    claim(uow_factory, TEAM, KEY, NOW)
    settle(uow_factory, TEAM, KEY, "answer")
    assert claim(uow_factory, TEAM, KEY, NOW + REPLAY_WINDOW + timedelta(seconds=1)) is None


def test_a_released_request_may_be_done_by_the_next(uow_factory):
    claim(uow_factory, TEAM, KEY, NOW)
    release(uow_factory, TEAM, KEY)
    assert claim(uow_factory, TEAM, KEY, NOW) is None


def test_a_claim_its_holder_never_settled_is_taken_over_after_a_minute(uow_factory):
    claim(uow_factory, TEAM, KEY, NOW)
    assert claim(uow_factory, TEAM, KEY, NOW + IN_HAND_LIMIT - timedelta(seconds=1)) == ""
    assert claim(uow_factory, TEAM, KEY, NOW + IN_HAND_LIMIT + timedelta(seconds=1)) is None


def test_workspaces_do_not_share_requests(uow_factory):
    claim(uow_factory, TEAM, KEY, NOW)
    settle(uow_factory, TEAM, KEY, "answer")
    assert claim(uow_factory, "T0OTHER", KEY, NOW) is None


def test_housekeeping_forgets_webhook_requests_after_the_window_and_other_keys_after_a_week(uow_factory):
    claim(uow_factory, TEAM, key_of("lead", b"{}"), NOW)
    claim(uow_factory, TEAM, "slack:click-1", NOW)

    assert prune(NOW + REPLAY_WINDOW - timedelta(seconds=1), uow_factory) == 0
    assert prune(NOW + REPLAY_WINDOW + timedelta(seconds=1), uow_factory) == 1
    with uow_factory() as uow:
        assert uow.requests.result_of(TEAM, key_of("lead", b"{}")) is None
        assert uow.requests.result_of(TEAM, "slack:click-1") == ""
