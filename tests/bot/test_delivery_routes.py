"""Delivery knows every outbox kind: one entry each, rendered from that kind's model."""

import typing

from bot.delivery.send import ROUTES
from domain.delivery.messages import MessageBody, MessageKind


def model_of() -> dict[MessageKind, type]:
    union, _ = typing.get_args(MessageBody)
    return {model.model_fields["kind"].default: model for model in typing.get_args(union)}


def body_type(function) -> object:
    """The annotation of the parameter a renderer or destination takes the message by."""
    hints = typing.get_type_hints(function)
    hints.pop("return", None)
    name = "body" if "body" in hints else next(iter(hints))
    return hints[name]


def accepts(annotation: object, model: type) -> bool:
    options = typing.get_args(annotation) or (annotation,)
    return any(isinstance(option, type) and issubclass(model, option) for option in options)


def test_every_kind_has_exactly_one_entry_in_the_delivery_table():
    assert sorted(ROUTES) == sorted(MessageKind)


def test_each_entry_renders_and_sends_its_own_kinds_model():
    models = model_of()
    for kind, (where, render) in ROUTES.items():
        assert body_type(render) is models[kind], kind
        assert accepts(body_type(where), models[kind]), kind
