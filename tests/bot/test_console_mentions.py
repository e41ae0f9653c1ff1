"""At the console, `@ben` is sent as Slack sends a mention (`<@U…|ben>`), so what the
README shows works there; the grammar stays as strict as Slack's own forms require."""

import io

import pytest
from rich.console import Console
from support import ANN, BEN, MIA

from bot.local.console import LeadbotConsole, mentions_as_slack_sends


@pytest.fixture
def console(runtime, fake_slack, config, slack):
    users = config.console_users
    shown = LeadbotConsole(runtime, fake_slack, users, next(u for u in users if u.id == MIA))
    shown.workspace = slack  # signed with the test app's secret
    shown.out = Console(file=io.StringIO(), width=200, highlight=False)
    yield shown
    fake_slack.on_call = None


def owner_of(runtime, number: int = 1) -> str | None:
    with runtime.uow_factory() as uow:
        return next(lead.owner_id for lead in uow.leads.all() if lead.number == number)


def test_a_manager_assigns_with_an_at_name_as_the_readme_shows(console, slack, runtime):
    slack.slash(ANN, "add Dana Scully")
    console.handle("/lead assign L-1 @ben")
    printed = console.out.file.getvalue()
    assert "is not one person" not in printed and "owns L-1" in printed
    assert owner_of(runtime) == BEN


def test_an_at_name_becomes_the_mention_slack_sends_and_nothing_else_changes(config):
    users = config.console_users
    assert mentions_as_slack_sends("assign L-6 @ben", users) == f"assign L-6 <@{BEN}|ben>"
    assert mentions_as_slack_sends("add Dana dana@fbi.gov", users) == "add Dana dana@fbi.gov"
    assert mentions_as_slack_sends("assign L-1 @nobody", users) == "assign L-1 @nobody"
    assert mentions_as_slack_sends(f"assign L-1 <@{BEN}|ben>", users) == f"assign L-1 <@{BEN}|ben>"


def test_a_plain_at_name_from_slack_is_still_refused(slack, runtime):
    slack.slash(ANN, "add Dana Scully")
    assert "is not one person" in slack.slash(MIA, "assign L-1 @ben").text
    assert owner_of(runtime) == ANN
