"""Custom fields declared in the config: each type's reading, its refusals, list and routing
conditions, and the config's own checks (clashing keys, rules on undeclared fields)."""

from datetime import UTC, datetime

import pytest

from domain.book.tags import TagChange, applied, read_change, split_tags
from domain.config import parse_config
from domain.custom_fields import CustomField, FieldType, condition, read_fields
from domain.errors import ConfigError, InvalidInput
from domain.routing.config import Routing
from domain.routing.rules import LeadFacts, choose_team
from domain.scoring.config import FitRule, ScoringConfig
from domain.scoring.rules import CompiledRules, score
from domain.scoring.rules import LeadFacts as ScoringFacts

INDUSTRY = CustomField(key="industry", label="Industry", type="choice", choices=("fintech", "retail"))
SIZE = CustomField(key="company_size", label="Company size", type="number")
RENEWAL = CustomField(key="renewal", label="Renewal", type="date")
PARTNER = CustomField(key="partner", label="Partner", type="bool")
NOTE = CustomField(key="segment", label="Segment")
FIELDS = (INDUSTRY, SIZE, RENEWAL, PARTNER, NOTE)


@pytest.mark.parametrize(
    ("field", "given", "value"),
    [
        (INDUSTRY, "FinTech", "fintech"),
        (SIZE, "1,200", 1200),
        (SIZE, 250, 250),
        (SIZE, "12.5", 12.5),
        (RENEWAL, "2027-03-31", "2027-03-31"),
        (PARTNER, "Yes", True),
        (PARTNER, False, False),
        (NOTE, " mid-market ", "mid-market"),
    ],
)
def test_each_type_reads_what_people_and_forms_send(field, given, value):
    assert field.read(given) == value


@pytest.mark.parametrize(
    ("field", "given", "said"),
    [
        (INDUSTRY, "fintch", "`industry` is one of fintech, retail; got `fintch` (did you mean fintech?)."),
        (SIZE, "lots", "`company_size` is a number, like 250; got `lots`."),
        (SIZE, True, "`company_size` is a number, like 250; got `True`."),
        (RENEWAL, "31/03/2027", "`renewal` is a date, written 2027-03-31; got `31/03/2027`."),
        (PARTNER, "maybe", "`partner` is yes or no; got `maybe`."),
        (NOTE, "x" * 501, "`segment` is text of at most 500 characters"),
    ],
)
def test_a_bad_value_names_the_field_what_it_takes_and_what_came(field, given, said):
    with pytest.raises(InvalidInput) as refused:
        field.read(given)
    assert said in str(refused.value) and refused.value.field == field.key


def test_empty_values_are_left_out_and_other_keys_are_the_callers():
    assert read_fields(FIELDS, {"industry": " ", "company_size": "3", "company": "ACME"}) == {
        "company_size": 3
    }


def test_conditions_hold_as_list_filters_and_routing_rules_read_them():
    assert condition(SIZE, [">200"]).holds(201) and not condition(SIZE, [">200"]).holds(200)
    assert condition(SIZE, ["<50", "100..200"]).holds(200) and not condition(SIZE, ["100..200"]).holds(None)
    assert condition(INDUSTRY, ["Retail"]).holds("retail")
    assert condition(RENEWAL, [">2027-01-01"]).holds("2027-03-31")
    assert condition(PARTNER, ["no"]).holds(False) and not condition(PARTNER, ["no"]).holds(None)
    assert condition(SIZE, [">200", "10..20"]).texts() == [">200", "10..20"]
    with pytest.raises(InvalidInput, match="runs backwards"):
        condition(SIZE, ["9..3"])


def test_a_routing_rule_on_custom_fields_sends_the_lead_to_its_team():
    routing = Routing.model_validate(
        {
            "rules": [
                {
                    "name": "big fintech",
                    "team": "emea",
                    "fields": {"industry": "fintech", "company_size": ">200"},
                }
            ]
        }
    )
    big = LeadFacts(None, None, None, 0, {"industry": "fintech", "company_size": 500})
    small = LeadFacts(None, None, None, 0, {"industry": "fintech", "company_size": 20})
    assert choose_team(routing, big, "na", FIELDS).team == "emea"
    assert choose_team(routing, small, "na", FIELDS).team == "na"


def test_fit_rules_score_number_fields_by_bounds_and_the_rest_by_words():
    rules = ScoringConfig(
        fit=(
            FitRule(name="Big", field="company_size", at_least=200, points=10),
            FitRule(name="Fintech", field="industry", any_of=("fintech",), points=5),
            FitRule(name="Partner", field="partner", any_of=("yes",), points=3),
        )
    )
    facts = ScoringFacts(custom={"company_size": 250, "industry": "fintech", "partner": True})
    assert score(facts, [], datetime.now(UTC), CompiledRules(rules)).total == 18


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ([{"key": "status", "label": "Status"}], "fields.0.key: Value error, `status` is a built-in field"),
        ([{"key": "tags", "label": "Tags"}], "`tags` is a built-in field"),
        ([{"key": "Industry", "label": "I"}], "fields.0.key"),
        ([{"key": "industry", "label": "I", "type": "choice"}], "list its `choices`"),
        ([{"key": "size", "label": "S", "type": "number", "choices": ["a"]}], 'make it type = "choice"'),
        ([{"key": "a", "label": "A"}, {"key": "a", "label": "B"}], "the key `a` is used by two"),
        ([{"key": "a", "label": "A", "type": "colour"}], "fields.0.type"),
    ],
)
def test_a_bad_field_declaration_stops_leadbot_naming_the_key(fields, named):
    with pytest.raises(ConfigError) as refused:
        parse_config({"fields": fields}, origin="leadbot.toml")
    assert named in str(refused.value)


def test_rules_must_name_declared_fields_and_match_them_as_their_type_allows():
    fields = [{"key": "industry", "label": "Industry", "type": "choice", "choices": ["fintech"]}]
    on_undeclared = {"fit": [{"name": "x", "field": "segment", "any_of": ["a"], "points": 1}]}
    with pytest.raises(
        ConfigError, match="scoring.fit.0.field: rule `x` looks at `segment`, which is not a field"
    ):
        parse_config({"fields": fields, "scoring": on_undeclared}, origin="leadbot.toml")
    by_number = {"fit": [{"name": "x", "field": "industry", "at_least": 3, "points": 1}]}
    with pytest.raises(ConfigError, match="`industry` is a choice field, so the rule takes `any_of`"):
        parse_config({"fields": fields, "scoring": by_number}, origin="leadbot.toml")
    routing = {"rules": [{"name": "r", "team": "sales", "fields": {"industry": "mining"}}]}
    with pytest.raises(
        ConfigError, match="routing.rules.0 \\(r\\): `industry` is one of fintech; got `mining`"
    ):
        parse_config({"fields": fields, "routing": routing}, origin="leadbot.toml")


def test_tags_are_words_added_and_removed_in_order():
    change = read_change(["Hot", "#enterprise", "-cold", "+q3"])
    assert change == TagChange(("hot", "enterprise", "q3"), ("cold",))
    assert applied(("cold", "vip"), change) == ("vip", "hot", "enterprise", "q3")
    assert split_tags("hot, enterprise;q3 |vip") == ["hot", "enterprise", "q3", "vip"]
    with pytest.raises(InvalidInput, match="both added and removed"):
        read_change(["hot", "-hot"])
    with pytest.raises(InvalidInput, match="at most 20 tags"):
        applied((), TagChange(tuple(f"t{n}" for n in range(21))))
    assert FieldType.CHOICE == "choice"


def test_no_export_column_can_be_taken_by_a_custom_field():
    from domain.custom_fields import RESERVED
    from handlers.reporting.export import EXPORT_FIELDS

    assert set(EXPORT_FIELDS) <= RESERVED
