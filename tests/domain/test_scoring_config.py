"""The [scoring] section: documented in full by the example, and refused by key when wrong."""

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from domain.config import parse_config
from domain.errors import ConfigError
from domain.scoring.config import EngagementRule, FitRule, ScoringConfig

EXAMPLE = Path(__file__).resolve().parents[2] / "leadbot.example.toml"


def example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_spells_out_exactly_the_defaults() -> None:
    assert parse_config(example(), "example").scoring == ScoringConfig()


@pytest.mark.parametrize(
    ("model", "keys"),
    [
        (ScoringConfig, lambda s: set(s)),
        (FitRule, lambda s: {k for rule in s["fit"] for k in rule} | {"group"}),
        (EngagementRule, lambda s: {k for rule in s["engagement"] for k in rule}),
    ],
)
def test_the_example_documents_every_scoring_key(model: type[BaseModel], keys: Any) -> None:
    assert set(model.model_fields) <= keys(example()["scoring"])


@pytest.mark.parametrize(
    ("scoring", "named"),
    [
        ({"mql": 50, "sql": 50}, "scoring: Value error, `sql` (50) must be above `mql` (50)"),
        ({"half_life": 10}, "scoring.half_life:"),
        ({"half_life_days": 0}, "scoring.half_life_days:"),
        ({"engagement": [{"name": "x", "event": "tweeted", "points": 1}]}, "scoring.engagement.0.event:"),
        ({"fit": [{"name": "x", "field": "title", "points": 1}]}, "needs `any_of`"),
        ({"fit": [{"name": "x", "field": "bant", "any_of": ["yes"], "points": 1}]}, "scoring.fit.0:"),
        (
            {"fit": [{"name": "x", "field": "shoe_size", "any_of": ["9"], "points": 1}]},
            "scoring.fit.0.field:",
        ),
        ({"caps": {"fit": -1}}, "the cap of `fit`"),
    ],
)
def test_a_bad_scoring_section_is_refused_naming_the_key(scoring: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config({"scoring": scoring}, origin="leadbot.toml")

    assert named in str(refused.value)


def test_two_rules_with_one_name_are_refused() -> None:
    twice = [{"name": "Webinar", "event": "webinar_attended", "points": 1}] * 2
    with pytest.raises(ConfigError, match="`Webinar` is used twice"):
        parse_config({"scoring": {"engagement": twice}}, origin="leadbot.toml")
