"""Pydantic's refusals said in words a person can act on: every constraint of every command
model is broken in turn, and no reply carries pydantic's own wording."""

import inspect
import typing

import annotated_types as at
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from support import pydantic_says

from domain.capture.validation import describe, unknown_field
from handlers import commands

MODELS = [
    model
    for _, model in inspect.getmembers(commands, inspect.isclass)
    if issubclass(model, BaseModel) and model.model_fields and model.__module__ == commands.__name__
]


def broken_values(annotation, constraint) -> list:
    """Values that break one constraint, for the kind of field it is on."""
    origin = typing.get_origin(annotation)
    if isinstance(constraint, at.MaxLen):
        size = constraint.max_length + 1
        if origin is dict:
            return [{str(i): "x" for i in range(size)}]
        return [[{}] * size] if origin is tuple else ["x" * size]
    if isinstance(constraint, at.MinLen):
        return [{}] if origin is dict else [[] if origin is tuple else ""]
    bounds = {at.Ge: ("ge", -1), at.Gt: ("gt", 0), at.Le: ("le", 1), at.Lt: ("lt", 0)}
    for kind, (name, step) in bounds.items():
        if isinstance(constraint, kind):
            return [getattr(constraint, name) + step]
    if getattr(constraint, "pattern", None):
        return ["ben", "@ben"]
    return []


CASES = [
    pytest.param(model, name, value, id=f"{model.__name__}.{name}={str(value)[:12]}")
    for model in MODELS
    for name, field in model.model_fields.items()
    for constraint in field.metadata
    for value in broken_values(field.annotation, constraint)
]


def test_every_constrained_field_of_every_command_is_walked():
    walked = {(p.values[0].__name__, p.values[1]) for p in CASES}
    assert ("SetProbability", "percent") in walked and ("AddNote", "text") in walked
    assert ("AssignLead", "rep") in walked and ("RecordEngagement", "events") in walked
    assert len(walked) > 30


@pytest.mark.parametrize(("model", "name", "value"), CASES)
def test_a_broken_constraint_is_said_in_human_words(model, name, value):
    with pytest.raises(ValidationError) as refused:
        model.model_validate({name: value})
    said = describe(refused.value)
    assert said and not pydantic_says(said), said


@pytest.mark.parametrize(
    ("model", "data", "says"),
    [
        (
            commands.SetProbability,
            {"number": 1, "percent": 150},
            "A chance is a percentage from 0 to 100, not 150.",
        ),
        (
            commands.AddNote,
            {"number": 1, "text": "x" * 5000},
            "A note can be at most 4,000 characters (yours has 5,000): split it into two notes.",
        ),
        (commands.AssignLead, {"number": 1, "rep": "ben"}, "Give one person, mentioned like @ann."),
        (commands.ConvertLead, {"number": 1, "value": "lots"}, "A deal's value must be a number"),
        (commands.AddNote, {"number": 1, "text": ""}, "A note cannot be empty."),
    ],
)
def test_the_words_say_the_limit_what_was_given_and_what_to_do(model, data, says):
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    assert says in describe(refused.value)


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@given(st.sampled_from(MODELS), st.data())
def test_any_junk_sent_to_any_command_is_refused_in_human_words(model, data):
    keys = st.sampled_from([*model.model_fields, "compnay", "x"])
    sent = data.draw(st.dictionaries(keys, JUNK, max_size=4))
    try:
        model.model_validate(sent)
    except ValidationError as refused:
        said = describe(refused, model.model_fields)
        assert said and not pydantic_says(said), said


def test_an_unknown_field_names_the_one_meant_or_lists_them():
    assert unknown_field("compnay", ["company", "name"]) == 'Unknown field "compnay": did you mean "company"?'
    assert unknown_field("utm", ["company", "name"]) == 'Unknown field "utm": send only company, name.'
