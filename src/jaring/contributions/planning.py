"""Budget arithmetic for contribution plans and scenarios. Pure: no Django.

People are whole persons (a percentage of a count is rounded down: nobody is
budgeted who is not there); money is whole rupiah: people x months x monthly rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jaring import formats
from jaring.errors import InvalidInput
from jaring.i18n import N_

MONTHS_MAX = 12  # a budget is for one fiscal year
PEOPLE_MAX = 100_000_000
INCOME_DEFAULT = 1_000_000

PERCENT_OF_VULNERABLE = "percent_of_vulnerable"
PER_VILLAGE = "per_village"


def format_rupiah(amount: int | None) -> str:
    """Whole rupiah in Indonesian (``jaring.formats``): 16212268800 -> Rp16.212.268.800."""
    return formats.rupiah(amount, formats.INDONESIAN)


def check_people(people: int) -> int:
    if isinstance(people, bool) or not isinstance(people, int) or not 0 < people <= PEOPLE_MAX:
        raise InvalidInput(
            N_("Jumlah orang harus bilangan bulat lebih dari 0, mis. 80418."),
            code="people_invalid",
            field="people",
        )
    return people


def check_months(months: int) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 0 < months <= MONTHS_MAX:
        raise InvalidInput(
            N_("Jumlah bulan harus 1 sampai %(max)s (satu tahun anggaran)."),
            params={"max": MONTHS_MAX},
            code="months_invalid",
            field="months",
        )
    return months


def budget_rupiah(*, people: int, months: int, monthly_per_person: int) -> int:
    return people * months * monthly_per_person


def people_for_percent(count: int, percent: int) -> int:
    """``percent`` % of ``count`` people, rounded down: 70% of 1,001 is 700."""
    return count * percent // 100


@dataclass(frozen=True)
class LinePlan:
    region_code: str
    basis_count: int  # vulnerable workers, or villages and wards
    people: int
    monthly_per_person: int
    rupiah: int


def plan_lines(
    *,
    kind: str,
    basis_counts: Mapping[str, int],
    months: int,
    monthly_per_person: int,
    percent: int | None = None,
    per_village: int | None = None,
) -> list[LinePlan]:
    """One line per regency: for ``percent_of_vulnerable`` the basis is the regency's
    vulnerable workers, for ``per_village`` its number of villages and wards."""
    check_months(months)
    if kind == PERCENT_OF_VULNERABLE:
        if percent is None or not 0 < percent <= 100:
            raise InvalidInput(
                N_("Persentase cakupan harus 1 sampai 100."), code="percent_invalid", field="percent"
            )
        people_of = lambda count: people_for_percent(count, percent)  # noqa: E731
    elif kind == PER_VILLAGE:
        if per_village is None or per_village <= 0:
            raise InvalidInput(
                N_("Jumlah orang per desa/kelurahan harus lebih dari 0, mis. 75."),
                code="per_village_invalid",
                field="per_village",
            )
        people_of = lambda villages: villages * per_village  # noqa: E731
    else:
        raise InvalidInput(
            N_("Jenis skenario '%(kind)s' tidak dikenal."),
            params={"kind": str(kind)},
            code="scenario_kind_unknown",
            field="kind",
        )
    lines = []
    for code in sorted(basis_counts):
        people = people_of(basis_counts[code])
        rupiah = budget_rupiah(people=people, months=months, monthly_per_person=monthly_per_person)
        lines.append(LinePlan(code, basis_counts[code], people, monthly_per_person, rupiah))
    return lines
