"""Every `/lead` subcommand, by area in the order a lead lives: the table parsing looks names
up in, and `/lead help` is made from."""

from bot.grammar import bulk, capture, closing, find, history, lists, privacy, reports, routing, tags, work
from bot.grammar.spec import Area, SubcommandSpec

_OTHERS = (
    capture.AREA,
    find.AREA,
    lists.AREA,
    bulk.AREA,
    history.AREA,
    work.AREA,
    tags.AREA,
    closing.AREA,
    routing.AREA,
    privacy.AREA,
)

AREAS: tuple[Area, ...] = (*_OTHERS, reports.area(spec.name for area in _OTHERS for spec in area.specs))
SPECS: tuple[SubcommandSpec, ...] = tuple(spec for area in AREAS for spec in area.specs)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
