"""The kept protection summary against the records, for the day it was computed for.
A difference means a bug or a summary gone stale (a payment or a death recorded since
the last rebuild); the repair rebuilds it for the same day."""

from __future__ import annotations

from jaring.integrity import Counter
from jaring.monitoring.models import ProtectionSummary
from jaring.monitoring.summaries import FIELDS, last_refresh, summaries_refresh, summary_rows


def _as_values(rows) -> dict[str, int]:
    return {f"{row['region_code']}/{name}": row[name] for row in rows for name in FIELDS}


def _kept() -> dict[str, int]:
    return _as_values(ProtectionSummary.objects.values("region_code", *FIELDS))


def _expected() -> dict[str, int]:
    last = last_refresh()
    return _as_values(summary_rows(last.on)) if last is not None else {}


def _repair(_differences) -> None:
    last = last_refresh()
    if last is not None:
        summaries_refresh(on=last.on)


COUNTERS = [
    Counter(
        name="monitoring.protection_summary",
        label="Ringkasan perlindungan per wilayah (hari pembaruan terakhir)",
        kept=_kept,
        expected=_expected,
        repair=_repair,
    )
]
