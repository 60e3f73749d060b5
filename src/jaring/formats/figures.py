"""A catalogue message with named figures, written in the reader's language.

An alert's title and detail and a domain error's message are catalogue messages with
named figures (``N_("%(people)s peserta di %(village)s ...")``) and the figures beside
them (``Draft.params``, ``DomainError(..., params=...)``). The Indonesian text is the
message rendered in Indonesian; a page or a digest translates the message and writes the
same figures formatted for its language.

Figures are kept as JSON (an alert stores them): a name or code is a string, a count an
integer, and a figure that needs its own form is tagged: ``money(n)`` -> ``{"rupiah": n}``,
``percent(d)`` -> ``{"percent": "45.20"}``, ``decimal(d)`` -> ``{"decimal": "2.50"}``,
``day(d)`` -> ``{"date": "2025-10-31"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from jaring import formats, i18n


def money(amount: int) -> dict:
    return {"rupiah": int(amount)}


def percent(value: Decimal) -> dict:
    return {"percent": str(value)}


def decimal(value: Decimal) -> dict:
    return {"decimal": str(value)}


def day(value: date) -> dict:
    return {"date": value.isoformat()}


def _written(value, language: str) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return formats.number(value, language)
    if isinstance(value, Mapping):
        ((tag, raw),) = value.items()
        if tag == "rupiah":
            return formats.rupiah(raw, language)
        if tag == "percent":
            return formats.percent(Decimal(raw), language, 2)
        if tag == "decimal":
            return formats.number(Decimal(raw), language, 2)
        if tag == "date":
            return formats.date(date.fromisoformat(raw), language)
        raise ValueError(f"unknown figure {tag!r}")
    return str(value)


def render(message: str, params: Mapping, language: str) -> str:
    """``message`` (already in ``language``) with its figures written for ``language``."""
    if not message or not params:
        return message
    return message % {name: _written(value, language) for name, value in params.items()}


def text(message: str, params: Mapping | None = None) -> str:
    """``message`` translated into the active language (``jaring.i18n.translated``) with
    its figures written for it: what a domain error or a row error reads."""
    translated, language = i18n.translated(message)
    return render(translated, params or {}, language)
