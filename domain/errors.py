"""Typed errors the domain raises; each message tells the user what to do."""


class DomainError(Exception):
    """A rule was broken; the message is safe to show to the user."""


class InvalidInput(DomainError):
    """A value the user gave cannot be used as written."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(DomainError):
    """A lead cannot move from its current status to the one asked for."""


class NotFound(DomainError):
    """No lead (or other thing) with that reference exists in this workspace."""


class PermissionDenied(DomainError):
    """The actor's role does not allow the action."""


class ConfigError(DomainError):
    """The TOML configuration is unusable; the message names the key."""


class Conflict(DomainError):
    """Two changes collided (e.g. two captures of one email at the same instant)."""


class Busy(DomainError):
    """More work is waiting than can be promised soon: the request was not taken."""
