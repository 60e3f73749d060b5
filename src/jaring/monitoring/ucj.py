"""How BPJS counts a government-paid group toward coverage (UCJ), and the road to the
year's target. Pure: no Django.

The counting rule (DOMAIN.md s.4, BPJS internal manual): a person paid for by a
government program counts fully once he has ``full_after_months`` (6) months of paid
contributions in the year, and pro rata below that. The threshold is dated data
(``monitoring.CountingRule``, seeded from 2020-01-01 with 6 months), read as the rule
in force on the date of the projection.

Rounding: a group counts ``floor(sum over its people of min(months, threshold) /
threshold)`` people: the months are added up first and the division is rounded down
once, so nobody is counted who is not there. 1,000 workers with 3 paid months count
500; Bengkulu's 71,935 workers with 2 paid months count 71,935 x 2 / 6 = 23,978.33,
so 23,978.

The road to the target, for a region on a date:

- ``gap_after_programs`` = max(0, target_participants - participants -
  (program_counted_year_end - program_counted_now)): the people a program already
  counts are inside BPJS's active figure of that date, so only what the programs will
  add after it narrows the gap.
- ``months_left``: the whole months after the date's month to December (the date's
  month is running and cannot be funded from its start any more): 12 - month.
- ``people_needed``: people funded for ``months_left`` months to close the gap: the gap
  itself when ``months_left`` reaches the threshold (each counts fully), otherwise
  ceil(gap x threshold / months_left) (each counts months_left / threshold).
  ``months_left`` 0: the target cannot be reached this year by funding more people
  (None).
- ``rupiah_needed`` = people_needed x the sum of the monthly contributions of those
  months (each month priced by the rate table on its first day, as bills price it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from jaring.errors import DomainError
from jaring.formats import figures
from jaring.i18n import N_

FULL_AFTER_MONTHS = 6  # the seeded rule: a person counts fully after 6 paid months
MONTHS_PER_YEAR = 12


class CountingRuleMissing(DomainError):
    code = "counting_rule_missing"
    http_status = 422


@dataclass(frozen=True)
class CountingRule:
    """From ``full_after_months`` paid months on a person counts fully (pro rata below)."""

    full_after_months: int
    effective_from: date
    effective_to: date | None = None  # inclusive; None: until further notice
    basis: str = ""
    id: int | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def rule_on(rules: Iterable[CountingRule], on: date) -> CountingRule:
    """The rule in force on ``on``; refused when none is (or, wrongly, two are)."""
    found = [rule for rule in rules if rule.in_force(on)]
    if len(found) != 1:
        raise CountingRuleMissing(
            N_(
                "Tidak ada satu aturan penghitungan cakupan (UCJ) yang berlaku pada %(on)s. Admin platform "
                "perlu menetapkan berapa bulan iuran yang membuat seorang peserta dihitung penuh."
            ),
            params={"on": figures.day(on)},
            field="date",
        )
    return found[0]


def counted_months(months: int, full_after: int) -> int:
    """The months of one person that count: at most the threshold."""
    return min(max(months, 0), full_after)


def counted_people(month_total: int, full_after: int) -> int:
    """People counted from the sum of everybody's counted months, rounded down."""
    return month_total // full_after


def group_counted(people: int, months: int, full_after: int = FULL_AFTER_MONTHS) -> int:
    """A group of ``people`` each with ``months`` paid months: 1,000 x 3 -> 500;
    71,935 x 2 -> 23,978."""
    return counted_people(people * counted_months(months, full_after), full_after)


def months_left(on: date) -> int:
    """Whole months after the date's month up to December: 12 August -> 4 (September to
    December); any day of December -> 0."""
    return MONTHS_PER_YEAR - on.month


def gap_after_programs(
    *, target_participants: int | None, participants: int | None, counted_now: int, counted_year_end: int
) -> int | None:
    """People still missing at year end once the programs' issued bills are paid."""
    if target_participants is None or participants is None:
        return None
    return max(0, target_participants - participants - (counted_year_end - counted_now))


def people_needed(gap: int | None, months: int, full_after: int = FULL_AFTER_MONTHS) -> int | None:
    """People to fund for ``months`` months to close ``gap`` (None: not possible this year)."""
    if gap is None:
        return None
    if gap == 0:
        return 0
    if months <= 0:
        return None
    if months >= full_after:
        return gap
    return -(-gap * full_after // months)  # ceil


def rupiah_needed(people: int | None, monthly_rupiah: Iterable[int]) -> int | None:
    """people x the contributions of the months funded (whole rupiah)."""
    if people is None:
        return None
    return people * sum(monthly_rupiah)


@dataclass(frozen=True)
class BudgetCount:
    """What a budget shorter than a year buys for a group and what it counts."""

    people: int
    months: int  # whole months of contributions the budget pays for everybody
    rupiah: int  # what those months cost
    counted: int  # people counted toward coverage


def budget_counts(
    *, budget_rupiah: int, people: int, monthly_rupiah: int, full_after: int = FULL_AFTER_MONTHS
) -> BudgetCount:
    """Whole months of contributions ``budget_rupiah`` pays for ``people`` at
    ``monthly_rupiah`` (at most a year), and what they count: Bengkulu's Rp2 billion for
    71,935 workers at Rp16,800 pays 1 month (Rp1,208,508,000; 2 would cost
    Rp2,417,016,000), counted as 71,935 / 6 = 11,989 people."""
    if people <= 0 or monthly_rupiah <= 0:
        return BudgetCount(max(people, 0), 0, 0, 0)
    months = min(budget_rupiah // (people * monthly_rupiah), MONTHS_PER_YEAR)
    return BudgetCount(
        people, months, people * months * monthly_rupiah, group_counted(people, months, full_after)
    )


@dataclass(frozen=True)
class Projection:
    """The road to a region's coverage target by 31 December of the date's year."""

    region: str
    on: date
    participants: int | None
    potential: int | None
    target_pct: str | None
    target_participants: int | None
    program_people: int
    program_counted_now: int
    program_counted_year_end: int
    months_left: int
    people_needed: int | None
    rupiah_needed: int | None
    full_after_months: int
    source: str = ""
    monthly_rupiah: tuple[int, ...] = ()  # the contribution of each month left, in order
    figure_on: date | None = None  # the date of the coverage figure in force
    notes: tuple[str, ...] = ()

    @property
    def gap_after_programs(self) -> int | None:
        return gap_after_programs(
            target_participants=self.target_participants,
            participants=self.participants,
            counted_now=self.program_counted_now,
            counted_year_end=self.program_counted_year_end,
        )

    @property
    def program_added_by_year_end(self) -> int:
        return self.program_counted_year_end - self.program_counted_now

    @property
    def year_end(self) -> date:
        return date(self.on.year, 12, 31)

    @property
    def unreachable_this_year(self) -> bool:
        """A gap remains and no month is left to fund."""
        return bool(self.gap_after_programs) and self.people_needed is None

    def as_dict(self) -> dict:
        """The keys of ``jaring ucj_projection --json``, in that order."""
        return {
            "region": self.region,
            "date": self.on.isoformat(),
            "participants": self.participants,
            "potential": self.potential,
            "target_pct": self.target_pct,
            "target_participants": self.target_participants,
            "program_people": self.program_people,
            "program_counted_now": self.program_counted_now,
            "program_counted_year_end": self.program_counted_year_end,
            "gap_after_programs": self.gap_after_programs,
            "months_left": self.months_left,
            "people_needed": self.people_needed,
            "rupiah_needed": self.rupiah_needed,
        }
