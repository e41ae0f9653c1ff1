"""Where the app is installed: a Slack workspace, or an org of an Enterprise Grid."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """Where an installation lives: (enterprise_id, team_id), "" where Slack names none."""

    enterprise_id: str
    team_id: str
