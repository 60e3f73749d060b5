"""Coverage (UCJ) arithmetic and how a region's figure is chosen. Pure: no Django.

coverage = active BPJS Ketenagakerjaan participants (all segments) / potential
workers (DOMAIN.md s.7). Percentages are strings with two decimals, rounded half up
on exact decimals ("39.52"); people are whole persons (a target is rounded down:
nobody is counted who is not there); money is whole rupiah.

A region's figure on a date is its own imported ("given") figure, or the sum of
its children's figures ("derived"). When both exist for the same date and disagree,
the given figure wins and a note says so. A region without its own target for a
year inherits its parent's (district -> regency -> province).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from jaring import formats

GIVEN = "given"
DERIVED = "derived"
MONTHS_PER_YEAR = 12
_CENT = Decimal("0.01")


def percent_text(part: int, whole: int) -> str | None:
    """``part / whole`` as a percentage with two decimals, half up: 518632/1312370 -> "39.52"."""
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP))


def percent_value(text: str | Decimal | None) -> Decimal | None:
    return None if text is None else Decimal(text).quantize(_CENT, rounding=ROUND_HALF_UP)


def target_text(target: Decimal | None) -> str | None:
    """A target percentage as shown and returned: Decimal("53") -> "53.00"."""
    return None if target is None else str(percent_value(target))


def target_participants(potential: int, target: Decimal | None) -> int | None:
    """potential x target, rounded down: 1,312,370 x 53% -> 695,556."""
    if target is None:
        return None
    return int(Decimal(potential) * Decimal(target) // 100)


def gap_participants(target_people: int | None, participants: int) -> int | None:
    """People still to be protected to reach the target (never negative)."""
    if target_people is None:
        return None
    return max(0, target_people - participants)


def yearly_cost(monthly_per_person: int) -> int:
    """One person protected for a year: 12 x the monthly contribution (Rp16,800 -> Rp201,600)."""
    return MONTHS_PER_YEAR * monthly_per_person


def gap_budget(gap: int | None, monthly_per_person: int | None) -> int | None:
    """What it costs a year to protect the gap: gap x 12 x the monthly contribution."""
    if gap is None or monthly_per_person is None:
        return None
    return gap * yearly_cost(monthly_per_person)


@dataclass(frozen=True)
class Figure:
    """Participants and potential workers of one region on one date."""

    code: str
    on: date
    participants: int
    potential: int
    source: str = GIVEN
    parts: int = 0  # for a derived figure: how many children were summed

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.participants, self.potential) if self.potential else Fraction(0)

    @property
    def coverage_pct(self) -> str | None:
        return percent_text(self.participants, self.potential)

    @property
    def over_potential(self) -> bool:
        """More participants than the BPS estimate of potential workers: possible in
        small areas (people registered where they work), worth a look."""
        return self.participants > self.potential


@dataclass(frozen=True)
class Resolved:
    figure: Figure | None
    notes: tuple[str, ...] = ()


def format_people(number: int) -> str:
    """A count of people in Indonesian (``jaring.formats``): 1312370 -> 1.312.370."""
    return formats.number(number, formats.INDONESIAN)


def derive(code: str, children: Iterable[Figure]) -> Figure | None:
    """The sum of the children's figures, dated by the newest of them."""
    children = list(children)
    if not children:
        return None
    return Figure(
        code=code,
        on=max(f.on for f in children),
        participants=sum(f.participants for f in children),
        potential=sum(f.potential for f in children),
        source=DERIVED,
        parts=len(children),
    )


def resolve(
    *,
    code: str,
    label: str,
    given: Figure | None,
    children: Iterable[Figure],
    children_total: int | None = None,
    same_day_children: Iterable[Figure] | None = None,
) -> Resolved:
    """Choose the figure of region ``code``: its own (given) or the sum of its children.

    ``children`` are the children's latest figures on or before the date asked;
    ``children_total`` how many children the region has (for "9 of 11");
    ``same_day_children`` the children's figures dated exactly like the given one,
    to check that they agree. The newer of given and derived is used; on the same
    date the given figure wins and a disagreement is noted.
    """
    children = list(children)
    derived = derive(code, children)
    notes: list[str] = []
    if given is not None and (derived is None or given.on >= derived.on):
        same_day = derive(code, same_day_children or [])
        if same_day is not None and (
            same_day.participants != given.participants or same_day.potential != given.potential
        ):
            notes.append(
                f"{label}: angka yang diimpor ({format_people(given.participants)} peserta / "
                f"{format_people(given.potential)} potensi) berbeda dari jumlah {same_day.parts} wilayah "
                f"di bawahnya ({format_people(same_day.participants)} / {format_people(same_day.potential)}) "
                f"pada {formats.date(given.on)}; angka yang diimpor dipakai."
            )
        return Resolved(given, tuple(notes))
    if derived is None:
        return Resolved(None)
    if given is not None:
        notes.append(
            f"{label}: angka yang diimpor bertanggal {formats.date(given.on)}; jumlah wilayah di bawahnya "
            f"lebih baru ({formats.date(derived.on)}) dan dipakai."
        )
    if children_total is not None and derived.parts < children_total:
        notes.append(
            f"{label}: dijumlahkan dari {derived.parts} dari {children_total} wilayah di bawahnya; "
            "wilayah lain belum memiliki angka."
        )
    dates = sorted({f.on for f in children})
    if len(dates) > 1:
        notes.append(
            f"{label}: angka wilayah di bawahnya bertanggal berbeda ({formats.date(dates[0])} s.d. "
            f"{formats.date(dates[-1])}); masing-masing memakai angka terakhirnya."
        )
    return Resolved(derived, tuple(notes))


def target_for(
    code: str, year: int, targets: Mapping[tuple[str, int], Decimal], parent_of: Callable[[str], str | None]
) -> Decimal | None:
    """The target of ``code`` for ``year``: its own, else its parent's, up to the province."""
    current: str | None = code
    while current:
        found = targets.get((current, year))
        if found is not None:
            return found
        current = parent_of(current)
    return None


@dataclass(frozen=True)
class CoverageLine:
    """One region's coverage on a date, with its target and gap."""

    region: str
    figure: Figure
    target: Decimal | None
    monthly_per_person: int | None  # JKK+JKM for an APBD payer on the figure's date
    name: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def target_participants(self) -> int | None:
        return target_participants(self.figure.potential, self.target)

    @property
    def gap_participants(self) -> int | None:
        return gap_participants(self.target_participants, self.figure.participants)

    @property
    def gap_budget_rupiah(self) -> int | None:
        return gap_budget(self.gap_participants, self.monthly_per_person)

    @property
    def coverage_pct(self) -> str | None:
        return self.figure.coverage_pct

    @property
    def target_pct(self) -> str | None:
        return target_text(self.target)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        return self.figure.ratio * 100 >= Fraction(self.target)

    def as_dict(self) -> dict:
        """The keys of ``jaring coverage --json`` and the API, in that order."""
        return {
            "region": self.region,
            "date": self.figure.on.isoformat(),
            "participants": self.figure.participants,
            "potential": self.figure.potential,
            "coverage_pct": self.coverage_pct,
            "target_pct": self.target_pct,
            "target_participants": self.target_participants,
            "gap_participants": self.gap_participants,
            "gap_budget_rupiah": self.gap_budget_rupiah,
        }

    def with_notes(self, notes: Iterable[str]) -> CoverageLine:
        return replace(self, notes=tuple(notes))


def ranked(lines: Iterable[CoverageLine]) -> list[CoverageLine]:
    """Highest coverage first (exact ratios, not rounded strings); ties by region code."""
    return sorted(lines, key=lambda line: (-line.figure.ratio, line.region))


def growth_points(now: Figure | None, before: Figure | None) -> str | None:
    """Change of coverage in percentage points, two decimals half up: "5.65", "-1.20"."""
    if now is None or before is None or not now.potential or not before.potential:
        return None
    change = (Decimal(now.participants) / Decimal(now.potential)) - (
        Decimal(before.participants) / Decimal(before.potential)
    )
    return str((change * 100).quantize(_CENT, rounding=ROUND_HALF_UP))


def trajectory_pct(*, baseline: Figure, target: Decimal, on: date) -> Decimal:
    """Where coverage should stand on ``on`` to reach ``target`` by 31 December of
    ``on``'s year, on a straight line from ``baseline`` (the last figure before the
    year, or its first). Two decimals, half up."""
    year_end = date(on.year, 12, 31)
    start = Decimal(baseline.participants * 100) / Decimal(baseline.potential)
    if baseline.on >= on:  # no time has passed: the path starts where coverage stands
        expected = start
    elif on >= year_end:
        expected = target
    else:
        share = Decimal((on - baseline.on).days) / Decimal((year_end - baseline.on).days)
        expected = start + (target - start) * share
    return expected.quantize(_CENT, rounding=ROUND_HALF_UP)
