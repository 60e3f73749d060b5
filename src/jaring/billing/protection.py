"""Protection status of one person on one date, from the months paid for him. Pure: no Django.

The rules (DOMAIN.md s.4):

- A person is *active* on a date when the month of that date is paid.
- After the last paid month, 1 to 3 consecutive unpaid months are *arrears*; more than
  3 and the membership has *lapsed* (ended).
- Arrears can be paid up to 3 months back: a month paid later than that does not
  count for protection (the membership had already ended when it was paid).
- Deceased and exited people are so from their date on.
- Someone with no paid month (yet) is *not covered*.

A month counts on a date only if it was paid on or before that date: protection on a
past date is what was paid then, so paying arrears after a death does not protect
retroactively. Months are whole calendar months, held as an index
(``year * 12 + month - 1``) so that month arithmetic is integer arithmetic.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from jaring.i18n import N_

LAPSE_AFTER_UNPAID_MONTHS = 3  # more than this many consecutive unpaid months ends the membership
ARREARS_PAYABLE_MONTHS = 3  # a month may be paid at most this many months after it


class ProtectionStatus(StrEnum):
    ACTIVE = "active"
    ARREARS = "arrears"
    LAPSED = "lapsed"
    DECEASED = "deceased"
    EXITED = "exited"
    NOT_COVERED = "not_covered"


STATUS_LABELS = {
    ProtectionStatus.ACTIVE: N_("Terlindungi"),
    ProtectionStatus.ARREARS: N_("Menunggak"),
    ProtectionStatus.LAPSED: N_("Kepesertaan berhenti"),
    ProtectionStatus.DECEASED: N_("Meninggal"),
    ProtectionStatus.EXITED: N_("Keluar"),
    ProtectionStatus.NOT_COVERED: N_("Belum terlindungi"),
}


def month_index(day: date) -> int:
    """The month of ``day`` as one integer: March 2025 -> 2025 * 12 + 2."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def month_end(index: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def month_label(index: int) -> str:
    """``2025-03``: how payment files and the CLI write a month."""
    start = month_start(index)
    return f"{start.year:04d}-{start.month:02d}"


@dataclass(frozen=True)
class PaidSpan:
    """Consecutive months ``first..last`` (month indexes, inclusive) paid on ``paid_on``."""

    first: int
    last: int
    paid_on: date

    def counted_from(self, payable_months: int = ARREARS_PAYABLE_MONTHS) -> int:
        """The first month of the span that counts for protection: months more than
        ``payable_months`` before the month of payment were paid too late."""
        return max(self.first, month_index(self.paid_on) - payable_months)


@dataclass(frozen=True)
class Protection:
    status: ProtectionStatus
    paid_through: date | None  # last day of the last paid month on or before the date
    membership_months: int  # paid months of the current (or last) membership up to the date
    unpaid_months: int  # consecutive unpaid months before/at the date
    # Last day of the paid months running on from the date's month (None unless active):
    # the end of the paid period, for "ends within 30 days" alerts.
    covered_until: date | None = None
    # What the paid months alone say, ignoring death and exit: for a deceased person it is
    # the status on the day of death (whether the death was covered).
    paid_status: ProtectionStatus | None = None

    @property
    def protected(self) -> bool:
        return self.status == ProtectionStatus.ACTIVE

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def paid_months_on(
    spans: Iterable[PaidSpan], on: date, *, payable_months: int = ARREARS_PAYABLE_MONTHS
) -> set[int]:
    """The months that count for protection as known on ``on``."""
    months: set[int] = set()
    for span in spans:
        if span.paid_on <= on:
            months.update(range(span.counted_from(payable_months), span.last + 1))
    return months


def _membership_months(paid: set[int], upto: int, lapse_after: int) -> int:
    """Paid months up to ``upto`` in the membership holding the latest of them: counting
    back, a run of more than ``lapse_after`` unpaid months ended an earlier membership."""
    count, unpaid = 0, 0
    earliest = min(paid, default=upto + 1)
    month = max((m for m in paid if m <= upto), default=None)
    while month is not None and month >= earliest:
        if month in paid:
            count += 1
            unpaid = 0
        else:
            unpaid += 1
            if unpaid > lapse_after:
                break
        month -= 1
    return count


def protection_status(
    spans: Iterable[PaidSpan],
    on: date,
    *,
    died_on: date | None = None,
    exited_on: date | None = None,
    lapse_after: int = LAPSE_AFTER_UNPAID_MONTHS,
    payable_months: int = ARREARS_PAYABLE_MONTHS,
) -> Protection:
    """The protection of one person on ``on`` from the spans paid for him."""
    ended_by, ended_on = None, None
    if died_on is not None and died_on <= on:
        ended_by, ended_on = ProtectionStatus.DECEASED, died_on
    elif exited_on is not None and exited_on <= on:
        ended_by, ended_on = ProtectionStatus.EXITED, exited_on
    as_of = ended_on or on  # nothing is paid for after death or exit
    paid = paid_months_on(spans, as_of, payable_months=payable_months)
    current = month_index(as_of)
    membership = _membership_months(paid, current, lapse_after)
    if current in paid:
        run_end = current
        while run_end + 1 in paid:
            run_end += 1
        result = Protection(
            status=ProtectionStatus.ACTIVE,
            paid_through=month_end(current),
            membership_months=membership,
            unpaid_months=0,
            covered_until=month_end(run_end),
        )
    else:
        last = max((m for m in paid if m < current), default=None)
        if last is None:
            result = Protection(ProtectionStatus.NOT_COVERED, None, 0, 0)
        else:
            unpaid = current - last
            status = ProtectionStatus.ARREARS if unpaid <= lapse_after else ProtectionStatus.LAPSED
            result = Protection(status, month_end(last), membership, unpaid)
    if ended_by is None:
        return Protection(**{**result.__dict__, "paid_status": result.status})
    return Protection(
        status=ended_by,
        paid_through=result.paid_through,
        membership_months=result.membership_months,
        unpaid_months=result.unpaid_months,
        covered_until=None,
        paid_status=result.status,
    )


def classify(
    *, covered: bool, last_paid: int | None, month: int, lapse_after: int = LAPSE_AFTER_UNPAID_MONTHS
):
    """The status of a living person from two facts a set-based query computes per
    person: whether ``month`` is paid, and the last paid month on or before it."""
    if covered:
        return ProtectionStatus.ACTIVE
    if last_paid is None:
        return ProtectionStatus.NOT_COVERED
    return ProtectionStatus.ARREARS if month - last_paid <= lapse_after else ProtectionStatus.LAPSED


def months_paid_after(spans: Iterable[PaidSpan], month: int) -> list[int]:
    """Months after ``month`` paid (whenever paid): what is refunded after a death."""
    return sorted({m for s in spans for m in range(max(s.first, month + 1), s.last + 1)})
