"""Who should be protected: the candidate rule of targeting, in plain Python.

A candidate on a date is a person of the edition in force for their village, in the
officer's jurisdiction, of working age on that date (the registry's age range), alive,
in welfare decile 1 to 4, and not protected on that date (``targeting.selectors``).
They are proposed poorest first: decile 1, then 2, 3, 4; within a decile, people working
in one of the registry's vulnerable occupations before the others; then whoever has been
on the list the longest (the earliest edition that lists them), then the extract's
order. Extreme poor (*miskin ekstrem*) are decile 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from jaring.programs.rules import QuotaState
from jaring.registry.vocab import VULNERABLE_OCCUPATIONS, Category

CANDIDATE_DECILES = (1, 2, 3, 4)
EXTREME_POOR_DECILE = 1


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_dates_of_age(on: date, minimum: int, maximum: int) -> tuple[date, date]:
    """(born after, born on or before): people aged ``minimum``..``maximum`` on ``on``."""
    return years_before(on, maximum + 1), years_before(on, minimum)


@cache  # a province's proposal asks it for a hundred thousand people, of a few dozen kinds
def categories_of(*, decile: int, working: bool | None, occupation: str) -> tuple[Category, ...]:
    """The program categories a candidate may fill, the first preferred: extreme poor
    (decile 1), then vulnerable worker (working in a vulnerable occupation). A candidate
    of deciles 2-4 who is neither is counted as a candidate but fills no place."""
    found = []
    if decile == EXTREME_POOR_DECILE:
        found.append(Category.MISKIN_EKSTREM)
    if working and occupation in VULNERABLE_OCCUPATIONS:
        found.append(Category.PEKERJA_RENTAN)
    return tuple(found)


@dataclass(frozen=True)
class Seeker:
    """A candidate in priority order, with what enrolling them would cost the program."""

    key: object  # whatever the caller names the person by
    village: str
    categories: tuple[Category, ...]
    cost: int


def fill(
    seekers: Iterable[Seeker], free: Mapping[tuple[str, str], int] | None, state: QuotaState | None = None
) -> list[tuple[Seeker, Category]]:
    """Give places in priority order: each candidate takes the first of their categories
    with a free place in their village (``free``: places left per village and category;
    ``None``: the program has no per-village quota), while the program's total quota and
    budget (``state``, updated; ``None``: not checked here) hold. A candidate who does
    not fit is passed over and the next is tried, so a cheaper or other-category
    candidate may still fill a place."""
    left = dict(free) if free is not None else None
    chosen: list[tuple[Seeker, Category]] = []
    for seeker in seekers:
        if left is None:
            category = seeker.categories[0] if seeker.categories else None
        else:
            category = None
            for kind in seeker.categories:
                if left.get((seeker.village, kind), 0) > 0:
                    category = kind
                    break
        if category is None or (state is not None and state.refusal(cost=seeker.cost) is not None):
            continue
        if state is not None:
            state.take(cost=seeker.cost)
        if left is not None:
            left[(seeker.village, category)] -= 1
        chosen.append((seeker, category))
    return chosen
