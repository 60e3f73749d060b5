"""Ending a dated rule: the contribution rates (``contributions.RateRule``) and the
benefits (``claims.BenefitRule``) are tables of rules in force from ``effective_from``
to ``effective_to`` (inclusive, open when empty). A rule in use is never edited: it is
ended by moving its end date earlier, and a new rule covers the days after. This module
lies below both apps so that neither leans on the other for it."""

from __future__ import annotations

from datetime import date

from django.db.models import Model

from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_


def lock_to_close(rule: Model, effective_to: date, *, code_prefix: str, hint: str = "") -> Model:
    """``rule`` locked (``SELECT ... FOR UPDATE``) as it is in the database, once ending
    it on ``effective_to`` is known to only shorten it. The refusals' codes are
    ``<code_prefix>_dates_reversed`` and ``<code_prefix>_close_extends``; ``hint`` ends
    the second message (what to do instead): a catalogue message (``N_``), read in the
    active language."""
    locked = type(rule)._default_manager.select_for_update().get(pk=rule.pk)
    if effective_to < locked.effective_from:
        raise InvalidInput(
            N_("Tanggal akhir tidak boleh sebelum tanggal mulai berlaku (%(start)s)."),
            params={"start": figures.day(locked.effective_from)},
            code=f"{code_prefix}_dates_reversed",
            field="effective_to",
        )
    if locked.effective_to is not None and effective_to >= locked.effective_to:
        if hint:
            raise InvalidInput(
                N_("Aturan ini sudah berakhir %(end)s; tanggal akhir hanya dapat dimajukan. %(hint)s"),
                params={"end": figures.day(locked.effective_to), "hint": figures.text(hint)},
                code=f"{code_prefix}_close_extends",
                field="effective_to",
            )
        raise InvalidInput(
            N_("Aturan ini sudah berakhir %(end)s; tanggal akhir hanya dapat dimajukan."),
            params={"end": figures.day(locked.effective_to)},
            code=f"{code_prefix}_close_extends",
            field="effective_to",
        )
    return locked


def close(rule: Model, effective_to: date) -> None:
    """Save ``rule`` ended on ``effective_to`` (checked by ``lock_to_close``)."""
    rule.effective_to = effective_to
    rule.save(update_fields=["effective_to"])
