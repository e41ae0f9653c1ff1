"""/lead list through the real Bolt app with signed requests: pages, paging in place, bad filters."""

import json
from datetime import UTC, datetime, timedelta

from support import ADA, ANN, BEN, MIA, wait_for_calls

from bot.local.standin.workspace import buttons_in
from domain.config import CONSOLE_WORKSPACE
from domain.lead import Lead


def seed(runtime, count, **fields):
    now = datetime.now(UTC)
    with runtime.uow_factory() as uow:
        for n in range(count):
            values = {"sales_team": "sales", "score": n, "source": "webinar"} | fields
            uow.leads.add(Lead(CONSOLE_WORKSPACE, f"Lead {n:03}", now - timedelta(days=1), ANN, **values))
        uow.commit()


def button(blocks, label):
    return next(b for b in buttons_in(blocks) if b.label == label)


def shows(blocks) -> list[str]:
    return [b.value for b in buttons_in(blocks) if b.label == "Show"]


def test_a_manager_pages_through_a_filtered_list_in_place(slack, runtime, fake_slack):
    seed(runtime, 45)
    seed(runtime, 3, source="referral")
    first = slack.slash(MIA, "list source:webinar score:>1")
    assert "*43* leads match `source:webinar` `score:&gt;1`" in first.text
    assert len(shows(first.blocks)) == 20 and "Lead 044" in json.dumps(first.blocks)
    assert [b.label for b in buttons_in(first.blocks) if b.label != "Show"] == ["Next", "Act on all 43…"]
    slack.click(MIA, button(first.blocks, "Next"))
    second = wait_for_calls(fake_slack, "response_url")[0].params
    assert second["replace_original"] is True
    assert "page 2 of 3" in second["text"] and "Lead 024" in json.dumps(second["blocks"])
    pager = [b.label for b in buttons_in(second["blocks"]) if b.label != "Show"]
    assert pager == ["Previous", "Next", "Act on all 43…"]
    slack.click(MIA, button(second["blocks"], "Next"))
    third = wait_for_calls(fake_slack, "response_url", 2)[1].params
    assert len(shows(third["blocks"])) == 3 and "41–43" in third["text"]


def test_a_rows_show_button_opens_the_lead(slack, runtime, fake_slack):
    seed(runtime, 1)
    listed = slack.slash(ADA, "list")
    slack.click(ADA, button(listed.blocks, "Show"))
    card = wait_for_calls(fake_slack, "response_url")[0].params
    assert "Lead 000" in json.dumps(card["blocks"])


def test_a_bad_filter_is_named_with_a_guess_and_how_to_write_it(slack, runtime):
    seed(runtime, 2)
    reply = slack.slash(MIA, "list statu:new")
    assert "`statu:` is not a list filter" in reply.text and "Did you mean `status:`" in reply.text
    assert "Lead 00" not in json.dumps(reply.body)
    assert "not a list filter" in slack.slash(MIA, "list shoe_size:9").text
    assert "not a score filter" in slack.slash(MIA, "list score:lots").text


def test_owners_are_mentions_in_the_filter_and_in_the_header(slack, runtime):
    seed(runtime, 2, owner_id=BEN)
    seed(runtime, 1)
    reply = slack.slash(MIA, f"list owner:<@{BEN}|ben>,none")
    assert f"*3* leads match owner: <@{BEN}>, none" in reply.text


def test_a_filter_that_matches_nothing_says_so(slack, runtime):
    seed(runtime, 2)
    reply = slack.slash(MIA, "list status:lost")
    assert "No lead you can see matches `status:lost`" in reply.text
    assert buttons_in(reply.blocks) == []


def test_a_list_without_a_filter_counts_what_you_can_see(slack, runtime):
    assert "No lead you can see yet. Add one with `/lead add`" in slack.slash(MIA, "list").text
    seed(runtime, 2)
    assert slack.slash(MIA, "list").text.startswith("*2* leads you can see (1–2, ")


def test_help_lists_the_list_subcommand(slack):
    assert "list" in slack.slash(ANN, "help list").text


def test_a_filter_read_from_its_own_text_is_the_same_filter():
    from bot.grammar.lists import read_filter
    from bot.grammar.tokens import split_words

    typed = (
        'source:"trade show",webinar owner:<@U0REP0ANN>,none country:EMEA score:20..60 stale:>14d sort:stale'
    )
    once = read_filter(list(split_words(typed)))
    assert read_filter(list(split_words(once.text()))) == once


def test_find_by_phone_and_domain_says_how_many_more(slack):
    slack.slash(ANN, "add Dana Scully +49 30 901820 dana@globex.com")
    for n in range(11):
        slack.slash(ANN, f"add Globex Person{n} p{n}@globex.com")
    assert "Dana Scully" in json.dumps(slack.slash(ANN, "find +4930901820").blocks)
    by_domain = slack.slash(ANN, "find @globex.com")
    assert "10 of 12 found" in by_domain.text and "and 2 more. Narrow" in json.dumps(by_domain.blocks)


def test_a_saved_list_is_listed_by_its_name_and_is_its_owners_alone(slack, runtime):
    seed(runtime, 3, country="DE")
    seed(runtime, 2, country="US")
    saved = slack.slash(MIA, "list save Germany-Hot country:DE score:>0")
    assert "Saved your list *germany-hot*" in saved.text
    shown = slack.slash(MIA, "list germany-hot")
    assert "*2* leads match your list *germany-hot* (`country:DE` `score:&gt;0`)" in shown.text
    assert "Replaced your list" in slack.slash(MIA, "list save germany-hot country:DE").text
    assert "*3* leads match" in slack.slash(MIA, "list germany-hot").text
    assert "no saved list `germany-hot`. You have none yet." in slack.slash(ADA, "list germany-hot").text
    assert "Yours: germany-hot." in slack.slash(MIA, "list nothing").text


def test_a_saved_lists_next_page_keeps_its_name(slack, runtime, fake_slack):
    seed(runtime, 25)
    slack.slash(MIA, "list save webinars source:webinar")
    first = slack.slash(MIA, "list webinars")
    slack.click(MIA, button(first.blocks, "Next"))
    second = wait_for_calls(fake_slack, "response_url")[0].params
    assert "your list *webinars*" in second["text"] and "page 2 of 2" in second["text"]


def test_saving_a_list_checks_its_name_and_filter(slack):
    assert "cannot name a list" in slack.slash(MIA, "list save a:b status:new").text
    assert "Give the list a name and its filters" in slack.slash(MIA, "list save hot").text
    assert "not a country I know" in slack.slash(MIA, "list save hot country:Atlantis").text


def test_a_page_of_long_names_stays_inside_slacks_limits(slack, runtime):
    seed(runtime, 25, company="<!channel> " + "C" * 480)
    with runtime.uow_factory() as uow:
        for lead in uow.leads.all():
            lead.name = "N" * 195 + f"{lead.number:05}"
            uow.leads.save(lead)
        uow.commit()
    reply = slack.slash(ADA, "list")
    assert reply.refused == "" and len(json.dumps(reply.blocks)) > 9000
    assert "<!channel>" not in json.dumps(reply.blocks)
    assert [b.label for b in buttons_in(reply.blocks)][-1] == "Next"
    assert len([b for b in buttons_in(reply.blocks) if b.label == "Show"]) == 20
