"""Saved lists (`/lead list save <name> <filters>`): a person's own named filter, or one a
manager or an admin shares with a sales team (`share:<team>`), which every member of the team
can run by its name. A list is only a filter: whoever runs it sees what they may see."""

from dataclasses import dataclass

Pairs = tuple[tuple[str, str], ...]
SHARE = "share"  # `share:<team>`: the word that shares a list with a team, or names it


@dataclass(frozen=True, slots=True)
class SavedList:
    name: str
    pairs: Pairs  # the filter as key:value pairs, as typed (domain/book/filters.parse_filter)
    saved_by: str
    team: str | None = None  # the sales team it is shared with; None: the person's own
