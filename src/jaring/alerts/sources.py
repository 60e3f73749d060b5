"""The registry of alert sources. Each app declares its own in ``<app>/alerts.py``:

    @source("idle_money", "Dana mengendap di desa")
    def idle_money(today: date, region: str = "") -> Iterable[Draft]: ...

Title and detail are catalogue messages with named figures in ``params``
(``jaring.formats.figures``), so each reader gets them in their own language.
A source reads everything (``jaring.access.scoping.SYSTEM``) and yields one draft
per condition that holds today, with a stable key; the sweep (``alerts_refresh``)
raises, updates and resolves the stored alerts from them. ``region`` (a normalized
code, "" for the country) lets a source read only that subtree, as a monev report of a
regency asks (``alerts.selectors.conditions_on``); the caller keeps the drafts inside it
either way, so a source whose reading is small may read everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from jaring.formats import INDONESIAN
from jaring.formats.figures import render


@dataclass(frozen=True)
class Draft:
    key: str  # stable while the condition holds, unique across kinds
    region_code: str  # who sees it: the jurisdiction holding this code
    severity: str  # Severity value
    title: str  # a catalogue message (``N_``) with named figures: see jaring.formats.figures
    detail: str = ""
    url: str = ""
    count: int | None = None
    rupiah: int | None = None
    organization_id: int | None = None  # the party responsible, who sees it too
    params: Mapping = field(default_factory=dict)  # the figures of title and detail

    @property
    def text_title(self) -> str:
        """The title in Indonesian with its figures: what the sweep stores, the PDF prints."""
        return render(self.title, self.params, INDONESIAN)

    @property
    def text_detail(self) -> str:
        return render(self.detail, self.params, INDONESIAN)


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    collect: Callable[[date, str], Iterable[Draft]]


SOURCES: dict[str, Source] = {}


def source(kind: str, label: str):
    """Register ``collect(today, region="") -> Iterable[Draft]`` as the source of ``kind``."""

    def register(collect: Callable[[date, str], Iterable[Draft]]):
        if kind in SOURCES and SOURCES[kind].collect is not collect:
            raise ValueError(f"alert kind {kind!r} is registered twice")
        SOURCES[kind] = Source(kind, label, collect)
        return collect

    return register


def kind_label(kind: str) -> str:
    found = SOURCES.get(kind)
    return found.label if found else kind
