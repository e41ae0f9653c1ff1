"""Rooms a newcomer can find: every layer groups its modules by capability, under the same
names, and the use cases of one capability call another's only where the bus cannot stand
in (bench/handler_imports.py counts them)."""

from pathlib import Path

from bench.handler_imports import handler_modules, sideways_imports

ROOT = Path(__file__).resolve().parents[2]
SHARED_AT_TOP = {"commands", "results", "context", "registry"}  # the vocabulary and the bus


def capabilities(layer: str) -> set[str]:
    return {path.parent.name for path in (ROOT / layer).glob("*/__init__.py")} - {"migrations"}


def test_every_use_case_lives_in_a_capability() -> None:
    at_top = {name.split(".")[1] for name in handler_modules() if name.count(".") == 1}
    assert at_top - capabilities("handlers") == SHARED_AT_TOP


def test_a_capability_has_the_same_name_in_every_layer() -> None:
    handlers = capabilities("handlers")
    assert capabilities("domain") <= handlers
    assert capabilities("store") <= handlers


def test_use_cases_seldom_call_another_capability() -> None:
    assert len(sideways_imports()) <= 20
