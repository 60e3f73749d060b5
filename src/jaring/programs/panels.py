"""What apps above ``programs`` add to a program's page, without ``programs`` importing them.

The money that reached the program's regions is ``funds``' business, and ``funds``
depends on ``programs``; so the program page asks the panels registered here (each
app declares its own in ``<app>/panels.py``, autodiscovered like alert sources) and
renders each with its template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Panel:
    template: str
    data: dict = field(default_factory=dict)


_PANELS: list[Callable[..., Panel | None]] = []


def program_panel(build: Callable[..., Panel | None]) -> Callable[..., Panel | None]:
    """Register ``build(user, program) -> Panel | None`` for every program page."""
    _PANELS.append(build)
    return build


def panels_for(user, program) -> list[Panel]:
    return [panel for build in _PANELS if (panel := build(user, program)) is not None]


def discover() -> None:
    autodiscover_modules("panels")
