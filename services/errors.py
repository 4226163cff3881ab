"""Refusals every service may raise, with the Dutch message the user sees."""
from __future__ import annotations


class NotFound(LookupError):
    """The thing asked for does not exist (distinct from PermissionDenied: 'niet gevonden')."""

    def __init__(self, what: str = "Dit gegeven") -> None:
        super().__init__(f"{what} is niet gevonden.")

    def __str__(self) -> str:
        return str(self.args[0])
