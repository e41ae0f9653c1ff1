"""BANT qualification: budget, authority, need and timeline answers, kept as a history."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.capture.normalize import clean_text
from domain.errors import InvalidInput

BANT_FIELDS = ("budget", "authority", "need", "timeline")
MAX_ANSWER = 500


@dataclass(slots=True, frozen=True)
class Qualification:
    """One qualification record: the whole BANT picture as of `answered_at`."""

    answered_by: str
    answered_at: datetime
    budget: str | None = None
    authority: str | None = None
    need: str | None = None
    timeline: str | None = None

    def answers(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in BANT_FIELDS}


def check_answer_names(names: list[str] | tuple[str, ...]) -> None:
    unknown = [name for name in names if name not in BANT_FIELDS]
    if unknown:
        raise InvalidInput(
            unknown[0], f"`{unknown[0]}` is not a BANT answer. Answers: {', '.join(BANT_FIELDS)}."
        )


def answer(latest: Qualification | None, given: Mapping[str, str], by: str, now: datetime) -> Qualification:
    """Answers given replace the latest ones and the rest carry over, so the newest
    record always holds the whole picture (and the history shows how it grew).
    An empty answer clears that answer."""
    check_answer_names(list(given))
    values = latest.answers() if latest else dict.fromkeys(BANT_FIELDS)
    for name, text in given.items():
        values[name] = clean_text(text, field=name, limit=MAX_ANSWER)
    return Qualification(answered_by=by, answered_at=now, **values)


def changed(before: Qualification | None, after: Qualification) -> tuple[str, ...]:
    old = before.answers() if before else dict.fromkeys(BANT_FIELDS)
    return tuple(name for name, value in after.answers().items() if value != old[name])


def summary(qualification: Qualification) -> str:
    """Plain text for the timeline, e.g. `budget: yes; need: replace spreadsheets`."""
    parts = [f"{name}: {value}" for name, value in qualification.answers().items() if value]
    return "; ".join(parts) or "all answers cleared"
