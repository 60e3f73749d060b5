"""What the monitoring commands share: how figures are printed."""

from __future__ import annotations

from jaring.formats import active


def percent(text: str | None) -> str:
    """A coverage percentage ("39.52") as printed: 39,52% (``jaring.formats``)."""
    return active.percent(text, decimals=None)


def people(number: int | None) -> str:
    return active.number(number)
