"""Plain rules of bills and payments (no Django): which months a bill covers for one
enrolment, bill numbers, and how a payment is allocated to person-months.

A bill line's months are bits of a mask counted from the bill's first month (bit 0 is
the first month). A month is billed for the enrolment that holds the person on the
month's last day, inside one of the program's coverage periods: a person moved to
another program on 15 April is billed by the new program from April.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from jaring.billing.protection import month_end, month_label
from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_

BILL_MONTHS = (1, 3, 6, 12)


def check_bill_months(months: int) -> int:
    if isinstance(months, bool) or months not in BILL_MONTHS:
        raise InvalidInput(
            N_("Masa tagihan harus 1, 3, 6 atau 12 bulan."), code="bill_months_invalid", field="months"
        )
    return months


def covered_mask(
    *,
    first_month: int,
    months: int,
    starts_on: date,
    ends_on: date | None,
    periods: Sequence[tuple[date, date]],
) -> int:
    """The months of the bill period (bits from ``first_month``) in which an enrolment
    running ``starts_on..ends_on`` holds the person on the month's last day, within one
    of the program's coverage ``periods``."""
    mask = 0
    for offset in range(months):
        last_day = month_end(first_month + offset)
        if starts_on > last_day or (ends_on is not None and ends_on < last_day):
            continue
        if any(start <= last_day <= end for start, end in periods):
            mask |= 1 << offset
    return mask


def bits(mask: int) -> list[int]:
    """The offsets set in ``mask``: 0b1011 -> [0, 1, 3]."""
    return [offset for offset in range(mask.bit_length()) if mask >> offset & 1]


def runs(mask: int) -> list[tuple[int, int]]:
    """Consecutive offsets of ``mask`` as (first, last) pairs: 0b1101 -> [(0, 0), (2, 3)]."""
    found: list[tuple[int, int]] = []
    for offset in bits(mask):
        if found and found[-1][1] == offset - 1:
            found[-1] = (found[-1][0], offset)
        else:
            found.append((offset, offset))
    return found


def split_by_rate(mask: int, monthly: Sequence[int]) -> list[tuple[int, int]]:
    """One (mask, monthly rupiah) per distinct rate among the months of ``mask``;
    ``monthly[offset]`` is the rate of each month of the period."""
    by_rate: dict[int, int] = {}
    for offset in bits(mask):
        by_rate[monthly[offset]] = by_rate.get(monthly[offset], 0) | 1 << offset
    return sorted(((m, rate) for rate, m in by_rate.items()), key=lambda pair: pair[0] & -pair[0])


def rate_segments(
    *, first_month: int, months: int, periods: Sequence[tuple[date, date]], rate_of: Callable[[int], tuple]
) -> list[list[int]]:
    """The months of a bill period (offsets) inside the coverage ``periods``, in runs of
    consecutive months whose rates (``rate_of(offset)``: one per occupation) are the same:
    each run is billed at one monthly amount per person. A rate change inside the period
    starts a new run (April 2026 for PP 50/2025's discount)."""
    segments: list[list[int]] = []
    previous = None
    for offset in range(months):
        last_day = month_end(first_month + offset)
        if not any(start <= last_day <= end for start, end in periods):
            previous = None
            continue
        rates = rate_of(offset)
        if segments and previous == rates and segments[-1][-1] == offset - 1:
            segments[-1].append(offset)
        else:
            segments.append([offset])
        previous = rates
    return segments


def bill_number(program_code: str, first_month: int, months: int, correction: int = 0) -> str:
    """TAG/BKBK-JAMBI-2025/2025-01/12M; its first correction ends in /K1."""
    number = f"TAG/{program_code}/{month_label(first_month)}/{months}M"
    return f"{number}/K{correction}" if correction else number


MONTH_RUN = N_("%(start)s s.d. %(end)s")


def months_text(first_month: int, mask: int) -> str:
    """The months of a mask as officers read them, in the active language:
    2025-01 s.d. 2025-03, 2025-05 (English: 2025-01 to 2025-03, 2025-05)."""
    parts = []
    for first, last in runs(mask):
        start, end = month_label(first_month + first), month_label(first_month + last)
        parts.append(start if first == last else figures.text(MONTH_RUN, {"start": start, "end": end}))
    return ", ".join(parts)


# -- allocation --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineState:
    """What allocation needs to know of one bill line."""

    line_id: int
    participant_id: int
    bill_first_month: int  # bit 0 of the masks
    billed_mask: int
    paid_mask: int
    monthly: int
    payable_through: int | None = None  # no month after this one (the month of death) is owed

    def owed_mask(self) -> int:
        owed = self.billed_mask & ~self.paid_mask
        if self.payable_through is not None:
            allowed = self.payable_through - self.bill_first_month + 1
            owed &= (1 << max(allowed, 0)) - 1
        return owed


@dataclass(frozen=True)
class PaidPart:
    """Months ``first..last`` (month indexes) of one line paid by a payment."""

    line_id: int
    participant_id: int
    first: int
    last: int
    amount: int


@dataclass
class Allocation:
    parts: list[PaidPart] = field(default_factory=list)
    newly_paid: dict[int, int] = field(default_factory=dict)  # line id -> mask of months paid now
    allocated: int = 0
    left: int = 0  # paid beyond what the months allocated cost

    def add(self, line: LineState, mask: int) -> None:
        self.newly_paid[line.line_id] = self.newly_paid.get(line.line_id, 0) | mask
        for first, last in runs(mask):
            amount = (last - first + 1) * line.monthly
            self.parts.append(
                PaidPart(
                    line.line_id,
                    line.participant_id,
                    line.bill_first_month + first,
                    line.bill_first_month + last,
                    amount,
                )
            )
            self.allocated += amount


def allocate(lines: Iterable[LineState], amount: int, *, months: set[int] | None = None) -> Allocation:
    """Allocate ``amount`` to the owed months of ``lines``, oldest month first and, within
    a month, line by line in the order given, each month whole: a payment short of the
    total pays whole person-months as far as it goes (the rest stays owed); what is left
    over (less than the next month, or beyond everything owed) is ``left``. ``months``
    (month indexes) limits allocation to those months."""
    result = Allocation(left=amount)
    lines = list(lines)
    pending: dict[int, list[tuple[int, LineState]]] = {}
    for line in lines:
        for offset in bits(line.owed_mask()):
            month = line.bill_first_month + offset
            if months is None or month in months:
                pending.setdefault(month, []).append((offset, line))
    chosen: dict[int, tuple[LineState, int]] = {}
    for month in sorted(pending):
        for offset, line in pending[month]:
            if result.left < line.monthly:
                continue
            result.left -= line.monthly
            mask = chosen.get(line.line_id, (line, 0))[1] | 1 << offset
            chosen[line.line_id] = (line, mask)
    for line, mask in chosen.values():
        result.add(line, mask)
    return result


@dataclass(frozen=True)
class RefundPart:
    line_id: int
    months: tuple[int, ...]  # month indexes
    rupiah: int


def refund_parts(paid: Iterable[tuple[int, int, int, int]], death_month: int) -> list[RefundPart]:
    """Months paid after the month of death, per line, from (line id, first month, last
    month, monthly rupiah) of each paid span: the month of death itself is used."""
    per_line: dict[int, tuple[set[int], int]] = {}
    for line_id, first, last, monthly in paid:
        months, _rate = per_line.setdefault(line_id, (set(), monthly))
        months.update(range(max(first, death_month + 1), last + 1))
    return [
        RefundPart(line_id, tuple(sorted(months)), len(months) * monthly)
        for line_id, (months, monthly) in sorted(per_line.items())
        if months
    ]
