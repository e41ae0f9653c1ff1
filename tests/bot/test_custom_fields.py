"""Custom fields and tags with the example config, through the real Bolt app and signed
requests: `/lead add … industry:fintech company_size:250`, bad values refused by name, the card,
`/lead set`, `/lead tag`, list filters, and the "Company of 200+" rule scoring."""

import json
from pathlib import Path

import pytest
from support import ADA, ANN, MIA

from bot.operations.config_file import load_config
from domain.config import LeadbotConfig

EXAMPLE = Path(__file__).resolve().parents[2] / "leadbot.example.toml"


@pytest.fixture
def config() -> LeadbotConfig:
    return load_config(str(EXAMPLE))


def lead(runtime, number):
    with runtime.uow_factory() as uow:
        return uow.leads.get(uow_workspace(runtime), number)


def uow_workspace(runtime) -> str:
    from domain.config import CONSOLE_WORKSPACE

    return CONSOLE_WORKSPACE


def history(runtime, ref):
    from store.tables import ActivityRow, AuditRow

    with runtime.uow_factory() as uow:
        session = uow._session
        actions = [a.action for a in session.query(AuditRow).filter_by(entity_ref=ref).order_by(AuditRow.id)]
        number = int(ref.removeprefix("L-"))
        found = uow.leads.get(uow_workspace(runtime), number)
        lines = [
            a.body for a in session.query(ActivityRow).filter_by(lead_id=found.id).order_by(ActivityRow.id)
        ]
    return actions, lines


def test_custom_fields_given_on_add_are_typed_shown_on_the_card_and_score(slack, runtime):
    reply = slack.slash(ANN, "add Dana Scully dana@fbi.gov industry:FinTech company_size:1,200")
    assert "L-1" in reply.text
    dana = lead(runtime, 1)
    assert dana.custom == {"industry": "fintech", "company_size": 1200}
    card = json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert "*Industry:* fintech" in card and "*Company size:* 1200" in card
    assert "Company of 200+" in json.dumps(slack.slash(ANN, "score L-1").body)
    assert dana.score >= 10


def test_a_bad_value_names_the_field_its_type_and_choices_and_changes_nothing(slack, runtime):
    reply = slack.slash(ANN, "add Dana Scully dana@fbi.gov industry:fintch")
    assert (
        "`industry` is one of fintech, retail, health, public; got `fintch` (did you mean fintech?)"
        in reply.text
    )
    assert slack.slash(ANN, "add Dana company_size:lots").text.count("`company_size` is a number, like 250")
    assert lead(runtime, 1) is None
    assert "Unknown field `industy`" in slack.slash(ANN, "add Dana industy:retail").text


def test_set_changes_a_custom_field_with_a_timeline_line_an_audit_entry_and_a_new_score(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov company_size:50")
    before = lead(runtime, 1).score
    reply = slack.slash(ANN, "set L-1 company_size:500 industry:retail")
    assert "set industry, company_size" in reply.text
    dana = lead(runtime, 1)
    assert dana.custom == {"company_size": 500, "industry": "retail"} and dana.score == before + 10
    actions, lines = history(runtime, "L-1")
    assert "lead.fields_set" in actions
    assert any("company_size: 50 → 500" in line and "industry: — → retail" in line for line in lines)
    assert "is one of" in slack.slash(ANN, "set L-1 industry:mining").text
    assert lead(runtime, 1).custom["industry"] == "retail"
    slack.slash(ANN, "set L-1 industry:-")
    assert lead(runtime, 1).custom == {"company_size": 500}


def test_tags_are_added_and_removed_shown_audited_and_a_repeat_changes_nothing(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    reply = slack.slash(ANN, "tag L-1 hot enterprise cold")
    assert "added `hot`, `enterprise`, `cold`" in reply.text
    reply = slack.slash(ANN, "tag L-1 -cold #Q3-event")
    assert "added `q3-event`; removed `cold`" in reply.text
    assert lead(runtime, 1).tags == ("hot", "enterprise", "q3-event")
    assert "nothing changed" in slack.slash(ANN, "tag L-1 hot").text
    assert "*Tags:* `hot` `enterprise` `q3-event`" in json.dumps(slack.slash(ANN, "show L-1").blocks)
    actions, lines = history(runtime, "L-1")
    assert actions.count("lead.tagged") == 2
    assert "Tagged hot, enterprise, cold" in lines and "Tagged q3-event; untagged cold" in lines


def test_a_rep_may_not_tag_someone_elses_lead(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    reply = slack.slash("U0REP0BEN", "tag L-1 hot")
    assert "hot" not in str(lead(runtime, 1).tags) and reply.status == 200


def test_lists_filter_on_tags_choices_and_numbers(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov industry:fintech company_size:250")
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov industry:retail company_size:200")
    slack.slash(ANN, "add Walter Skinner walter@fbi.gov industry:health company_size:5000")
    slack.slash(ANN, "tag L-2 hot")
    slack.slash(ANN, "tag L-3 hot")

    def listed(text):
        body = json.dumps(slack.slash(ADA, f"list {text}").body)
        return [name for name in ("Dana", "Fox", "Walter") if name in body]

    assert listed("industry:fintech,retail") == ["Dana", "Fox"]
    assert listed("company_size:>200") == ["Dana", "Walter"]
    assert listed("company_size:200..250") == ["Dana", "Fox"]
    assert listed("tag:hot company_size:<1000") == ["Fox"]
    assert listed("tag:hot,cold industry:health") == ["Walter"]
    assert "did you mean fintech" in slack.slash(MIA, "list industry:fintch").text
    assert "not a number filter" in slack.slash(MIA, "list company_size:big").text


def open_form(slack, fake_slack):
    from support import wait_for_calls

    slack.slash(ANN, "add", channel_id="C0NASALES", trigger_id="T-FORM-1")
    return wait_for_calls(fake_slack, "views.open")[-1].params["view"]


def test_the_capture_form_offers_a_menu_of_choices_and_a_number_and_saves_them(slack, fake_slack, runtime):
    from bot.ids import FIELD_INPUT, FormInput
    from bot.local.standin.workspace import inputs_in

    view = open_form(slack, fake_slack)  # the stand-in refuses a view Slack would refuse
    elements = {b["block_id"]: b["element"] for b in inputs_in(view)}
    industry, size = elements[f"{FIELD_INPUT}industry"], elements[f"{FIELD_INPUT}company_size"]
    assert industry["type"] == "static_select" and len(industry["options"]) == 4
    assert size["type"] == "number_input"
    assert list(elements)[-1] == FormInput.NOTES  # the notes stay last
    typed = {
        FormInput.NAME: "Dana Scully",
        f"{FIELD_INPUT}industry": "health",
        f"{FIELD_INPUT}company_size": "300",
    }
    reply = slack.submit_view(ANN, view, typed)
    assert reply.body == {"response_action": "clear"}
    assert lead(runtime, 1).custom == {"industry": "health", "company_size": 300}


def test_a_bad_number_in_the_form_is_shown_next_to_its_input(slack, fake_slack, runtime):
    from bot.ids import FIELD_INPUT, FormInput

    view = open_form(slack, fake_slack)
    reply = slack.submit_view(ANN, view, {FormInput.NAME: "Dana", f"{FIELD_INPUT}company_size": "-"})
    assert reply.body["response_action"] == "errors"
    assert "`company_size` is a number" in reply.body["errors"][f"{FIELD_INPUT}company_size"]
    assert lead(runtime, 1) is None


def test_a_merge_fills_custom_fields_and_joins_tags_and_its_undo_takes_them_back(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov company_size:40")
    slack.slash(ANN, "add Dana Scully +1 202 555 0143 industry:health company_size:90")
    slack.slash(ANN, "tag L-1 vip")
    slack.slash(ANN, "tag L-2 hot vip")
    reply = slack.slash(ANN, "merge L-2 into L-1")
    assert "industry" in reply.text
    kept = lead(runtime, 1)
    assert kept.custom == {"company_size": 40, "industry": "health"} and kept.tags == ("vip", "hot")
    slack.slash(ANN, "unmerge L-2")
    kept = lead(runtime, 1)
    assert kept.custom == {"company_size": 40} and kept.tags == ("vip",)


def test_a_routing_rule_on_a_custom_field_chooses_the_team(slack, runtime):
    # The example's EMEA-enterprise rule asks for company_size > 200 on top of country and product.
    slack.slash(ADA, "add Hans hans@big.de country:DE product:Enterprise source:referral company_size:500")
    slack.slash(ADA, "add Jo Small jo@small.de country:DE product:Enterprise source:referral company_size:50")
    assert "EMEA-enterprise" in slack.slash(MIA, "route L-1 --dry-run").text
    small = slack.slash(MIA, "route L-2 --dry-run").text
    assert "EMEA" in small and "EMEA-enterprise" not in small


def test_help_lists_tag_and_set_with_examples(slack):
    overview = json.dumps(slack.slash(ANN, "help").body)
    assert "/lead tag &lt;lead&gt;" in overview and "/lead set &lt;lead&gt;" in overview
    assert "/lead tag L-42 hot enterprise -cold" in slack.slash(ANN, "help tag").text
    assert "/lead set L-42 industry:fintech company_size:250" in slack.slash(ANN, "help set").text


def test_a_value_kept_from_before_a_fields_type_changed_is_left_out_of_filters_not_an_error(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov company_size:300")
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov")
    with runtime.uow_factory() as uow:  # as a config with company_size as text once stored it
        fox = uow.leads.get(uow_workspace(runtime), 2)
        fox.custom = {"company_size": "big"}
        uow.leads.save(fox)
        uow.commit()
    body = json.dumps(slack.slash(ADA, "list company_size:>200").body)
    assert "Dana" in body and "Fox" not in body
