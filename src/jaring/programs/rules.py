"""Plain rules of funding programs (no Django): periods, overlaps, quota and budget
arithmetic. Money is integer rupiah."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# ``rupiah`` (Rp1.234.567) is imported from here by the billing services.
from jaring.contributions.planning import format_rupiah as rupiah  # noqa: F401
from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(starts_on: date, months: int) -> date:
    """The last day of a period of ``months`` months starting on ``starts_on``:
    1 Jan 2025 + 12 months ends on 31 Dec 2025."""
    return add_months(starts_on, months) - timedelta(days=1)


def overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Whether two date ranges (inclusive; ``None`` is open-ended) share a day."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def enrolment_cost(*, months: int, monthly_rupiah: int) -> int:
    """What funding one person for the program's months commits from its budget."""
    return months * monthly_rupiah


@dataclass
class QuotaState:
    """What a program has used of its limits, kept current while a batch is checked."""

    total_limit: int | None
    total_used: int
    budget_ceiling: int
    budget_committed: int

    def refusal(self, *, cost: int) -> InvalidInput | None:
        """The refusal (on the person's NIK) when one more person at ``cost`` would break a limit."""
        if self.total_limit is not None and self.total_used + 1 > self.total_limit:
            return InvalidInput(
                N_("Kuota program sudah penuh (%(used)s dari %(limit)s orang)."),
                params={"used": self.total_used, "limit": self.total_limit},
                code="quota_total",
                field="NIK",
            )
        if self.budget_committed + cost > self.budget_ceiling:
            left = max(self.budget_ceiling - self.budget_committed, 0)
            return InvalidInput(
                N_(
                    "Pagu anggaran tidak cukup: sisa %(left)s, dibutuhkan %(cost)s "
                    "untuk satu orang selama masa perlindungan."
                ),
                params={"left": figures.money(left), "cost": figures.money(cost)},
                code="budget_exceeded",
                field="NIK",
            )
        return None

    def take(self, *, cost: int) -> None:
        self.total_used += 1
        self.budget_committed += cost
