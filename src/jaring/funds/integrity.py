"""Kept money totals (``TransferTotal``) against the transfers they add up."""

from __future__ import annotations

from jaring.funds.models import TransferTotal
from jaring.funds.selectors import transfer_sums_by_area
from jaring.funds.services import transfer_totals_rebuild
from jaring.integrity import Counter


def _key(program_id: int, kind: str, area: str) -> str:
    return f"program {program_id}/{kind}/{area}"


def _kept() -> dict[str, int]:
    return {
        _key(p, k, a): amount
        for p, k, a, amount in TransferTotal.objects.values_list("program_id", "kind", "area", "amount")
    }


def _expected() -> dict[str, int]:
    return {_key(p, k, a): total for p, k, a, total in transfer_sums_by_area()}


def _repair(_differences) -> None:
    transfer_totals_rebuild()


COUNTERS = [
    Counter(
        name="funds.transfer_total",
        label="Total transfer per program, jenis dan kabupaten/kota",
        kept=_kept,
        expected=_expected,
        repair=_repair,
    )
]
