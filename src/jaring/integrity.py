"""Kept counters checked against the records they summarise (`jaring check_integrity`).

Jaring keeps some figures instead of counting them per request: money moved per program
and regency (``funds.TransferTotal``), active enrolments per village and category
(``programs.VillageEnrolmentCount``), a program's active enrolments and committed budget,
a bill's totals and what was paid on it, the protection summary, the regions' district
and village counts. Each is updated in the same transaction as the write it follows.
Each app declares its counters in its own ``integrity.py`` as ``COUNTERS``: how to read
the kept values, how to recompute them from the records, and how to write the
recomputed ones back. ``integrity_check`` compares them; with ``repair`` it writes every
difference back in one transaction and records it in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module

from django.db import connection, transaction

APPS_WITH_COUNTERS = ("funds", "programs", "billing", "monitoring", "regions")

Values = Mapping[str, int]


@dataclass(frozen=True)
class Counter:
    """One kind of kept figure. ``kept`` and ``expected`` map a key (e.g.
    ``"BKBK-2025/transfer_village/1504"``) to a whole number; a key missing on one side
    counts as 0. ``repair`` receives the expected values of the differing keys."""

    name: str
    label: str
    kept: Callable[[], Values]
    expected: Callable[[], Values]
    repair: Callable[[Values], None]


@dataclass(frozen=True)
class Difference:
    key: str
    kept: int
    expected: int


@dataclass
class CounterReport:
    name: str
    label: str
    checked: int
    differences: list[Difference] = field(default_factory=list)
    repaired: bool = False

    def as_dict(self) -> dict:
        return {
            "counter": self.name,
            "label": self.label,
            "checked": self.checked,
            "differences": [vars(d) for d in self.differences],
            "repaired": self.repaired,
        }


def counters() -> list[Counter]:
    found: list[Counter] = []
    for app in APPS_WITH_COUNTERS:
        found.extend(import_module(f"jaring.{app}.integrity").COUNTERS)
    return found


def compare(kept: Values, expected: Values) -> list[Difference]:
    return [
        Difference(key, kept.get(key, 0), expected.get(key, 0))
        for key in sorted(set(kept) | set(expected))
        if kept.get(key, 0) != expected.get(key, 0)
    ]


def integrity_check(*, repair: bool = False, only: set[str] | None = None) -> list[CounterReport]:
    """Compare every kept counter (or those named in ``only``) with the records; with
    ``repair``, write the recomputed values of every difference back (one transaction,
    audited). On PostgreSQL everything is read from one snapshot (REPEATABLE READ,
    when the check opens the transaction itself), so a transfer posted while the check
    runs cannot show as a difference."""
    from jaring.audit.services import audit_record

    reports: list[CounterReport] = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for counter in counters():
            if only is not None and counter.name not in only:
                continue
            kept, expected = counter.kept(), counter.expected()
            report = CounterReport(counter.name, counter.label, checked=len(set(kept) | set(expected)))
            report.differences = compare(kept, expected)
            if repair and report.differences:
                counter.repair({d.key: d.expected for d in report.differences})
                audit_record(
                    actor=None,
                    action="integrity.repair",
                    target_type="counter",
                    target_id=counter.name,
                    target_repr=counter.label,
                    changes={d.key: [d.kept, d.expected] for d in report.differences[:500]},
                )
                report.repaired = True
            reports.append(report)
    return reports
