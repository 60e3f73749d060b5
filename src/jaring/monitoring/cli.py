"""What the monitoring commands share: who reads, and how figures are printed."""

from __future__ import annotations

from jaring.accounts.cli import actor_from_option
from jaring.accounts.models import User
from jaring.formats import active


def reader_from_option(username: str | None) -> User:
    """The user named by ``--as``, or the platform itself: an unsaved superuser that
    the jurisdiction scope reads as "all of Indonesia" (the CLI's default rights)."""
    return actor_from_option(username) or User(username="platform", is_superuser=True, is_active=True)


def percent(text: str | None) -> str:
    """A coverage percentage ("39.52") as printed: 39,52% (``jaring.formats``)."""
    return active.percent(text, decimals=None)


def people(number: int | None) -> str:
    return active.number(number)
