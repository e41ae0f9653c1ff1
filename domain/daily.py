"""Work done once a day, whichever process gets there first: each run claims a request key,
and a job that runs for every workspace at once claims it in a scope of its own."""

from datetime import date

ALL_WORKSPACES = "*"  # the request-key scope of a job that runs for every workspace


def daily_key(day: date) -> str:
    """The request key that claims a UTC day's rescore (scope ALL_WORKSPACES)."""
    return f"scores:daily:{day.isoformat()}"
