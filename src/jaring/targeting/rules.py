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

from datetime import date

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
