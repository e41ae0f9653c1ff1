"""The console sends what Slack sends: `home` opens the Home tab (app_home_opened), a click on
its buttons goes as a view click with no response_url, and the answer shows as a modal whose
buttons click too; `shortcut` acts on a message as modern clients post it (rich_text)."""

import re

from support import printed_until


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


def test_the_shortcut_prefills_the_form_from_a_rich_text_message(console, capsys):
    console.handle("shortcut Jon Smithers <jon@acme.com> wants a demo")

    form = printed_until(capsys, "[Save lead]")
    assert "Name: Jon Smithers" in form and "Email: jon@acme.com" in form
