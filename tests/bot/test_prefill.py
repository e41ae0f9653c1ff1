"""Reading a lead out of a Slack message, to prefill the capture form."""

from bot.capture.form import FormValues
from bot.capture.prefill import prefill


def test_an_address_in_slacks_mailto_form_gives_email_name_and_company():
    text = "Jon Smithers &lt;<mailto:jon@acme-robotics.com|jon@acme-robotics.com>&gt; wants a demo"
    assert prefill(text, "US") == FormValues(
        name="Jon Smithers", email="jon@acme-robotics.com", company="Acme Robotics"
    )


def test_a_quoted_name_after_a_label_keeps_only_the_name():
    text = "From: “Sean O’Brien” &lt;<mailto:sean@acme.io|sean@acme.io>&gt;"
    assert prefill(text, "US").name == "Sean O’Brien"


def test_without_a_written_name_the_name_comes_from_the_mailbox():
    assert prefill("ping <mailto:dana.scully@fbi.gov|dana.scully@fbi.gov>", "US").name == "Dana Scully"


def test_a_desk_mailbox_gives_no_name():
    found = prefill("write to <mailto:info@acme.com|info@acme.com>", "US")
    assert found.name is None and found.company == "Acme"


def test_a_free_mail_domain_gives_no_company():
    found = prefill("<mailto:jane.doe@gmail.com|jane.doe@gmail.com>", "US")
    assert found.email == "jane.doe@gmail.com" and found.company is None


def test_a_link_gives_the_company_when_the_email_cannot():
    text = "met <mailto:jane@gmail.com|jane@gmail.com>, she runs <https://www.acme-robotics.co.uk/about|acme-robotics.co.uk>"
    assert prefill(text, "US").company == "Acme Robotics"


def test_a_platform_link_is_not_a_company():
    text = "see <https://www.linkedin.com/in/jon|linkedin> and <http://10.0.0.1>"
    assert prefill(text, "US").company is None


def test_the_phone_number_is_read_in_the_workspace_region():
    assert prefill("call (202) 555-0143 after 5", "US").phone == "+1 202-555-0143"
    assert prefill("ring 020 7946 0958", "GB").phone == "+44 20 7946 0958"


def test_dates_and_order_numbers_are_not_phone_numbers():
    assert prefill("order 1234567 shipped 2026-11-23", "US").phone is None


def test_a_message_with_nothing_to_read_leaves_the_form_empty():
    assert prefill("Happy Friday everyone! <@U0REP0ANN> &amp; co", "US") == FormValues()
