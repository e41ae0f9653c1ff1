"""The console sends what Slack sends: `home` opens the Home tab (app_home_opened), a click on
its buttons goes as a view click with no response_url, and the answer shows as a modal whose
buttons click too; `shortcut` acts on a message as modern clients post it (rich_text)."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from support import printed_until

from domain.book.home import REFRESH_SECONDS

LEADBOT = Path(sys.executable).with_name("leadbot")


def number_of(printed: str, label: str) -> str:
    found = re.findall(rf"\[(\d+)\] {label}", printed)
    assert found, f"no button {label!r} in:\n{printed}"
    return found[-1]


def test_the_home_tab_opens_and_its_show_button_opens_the_lead_in_a_modal(console, capsys):
    console.handle('/lead add "Dana Scully" dana@fbi.gov')
    console.handle("home")
    home = printed_until(capsys, "Show")
    assert "Leadbot's Home tab" in home and "Dana Scully" in home

    console.handle(f"click {number_of(home, 'Show')}")
    card = printed_until(capsys, "Log a call")
    assert "a modal" in card and "Dana Scully" in card and "[Close]" in card

    console.handle(f"click {number_of(card, 'Log a call')}")
    assert "call" in printed_until(capsys, "Logged").lower()


def test_another_persons_home_tab_refreshed_meanwhile_is_named_not_shown_as_ones_own(console, capsys):
    for line in ("as mia", "home", "as ann"):  # Homes are kept up to date for those who opened one
        console.handle(line)
    printed_until(capsys, "YOUR TEAMS TODAY")
    console.handle('/lead add "Dana Scully" dana@fbi.gov')  # ann's new lead: mia's team view changes

    # the console's scheduler publishes it once the refresh's debounce window has passed
    console.runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=REFRESH_SECONDS + 1))

    out = printed_until(capsys, "@mia's Home tab was brought up to date")
    assert "@mia's Home tab was brought up to date" in out
    assert "YOUR TEAMS TODAY" not in out  # mia's manager view, never printed as ann's


def test_a_bare_number_presses_that_button_and_a_forgotten_slash_is_forgiven(console, capsys):
    console.handle("1")
    assert "There is no button '1': no button is shown yet." in capsys.readouterr().out

    console.handle('lead add "Dana Scully" dana@fbi.gov')
    card = printed_until(capsys, "Log a call")
    assert "Added L-1 Dana Scully" in card

    console.handle(number_of(card, "Log a call"))
    assert "call" in printed_until(capsys, "Logged").lower()


def test_the_shortcut_prefills_the_form_from_a_rich_text_message(console, capsys):
    console.handle("shortcut Jon Smithers <jon@acme.com> wants a demo")

    form = printed_until(capsys, "[Save lead]")
    assert "Name: Jon Smithers" in form and "Email: jon@acme.com" in form


def test_typed_ahead_lines_each_show_their_answer_and_quitting_waits_for_work_after_the_ack(tmp_path):
    """Lines piped in (or typed ahead) are answered in turn: the Home tab, published after the
    ack, shows before the next line, and `quit` right after it leaves no error behind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LEADBOT_", "DATABASE_"))}
    typed = '/lead add "Dana Scully" dana@fbi.gov\nhome\nquit\n'

    done = subprocess.run(
        [str(LEADBOT), "console"],
        input=typed,
        env=env,
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert "Leadbot's Home tab" in done.stdout and done.stdout.count("Dana Scully") >= 2
    assert "ERROR" not in done.stderr and "Traceback" not in done.stderr
