"""The regional scorecard: four questions a monev meeting asks of each regency,
each scored 0-100, and a weighted total. Pure: no Django.

- Policy: is an agreement (PKS/MoU) in force today covering the regency (50 points),
  and does this year's committed budget cover the coverage gap (50 points, in
  proportion: committed / the gap's yearly cost; full when the target is met)?
- Money: of the money allocated to the regency, the share that reached village
  accounts (50 points) and the share paid to BPJS (50 points).
- Coverage: latest coverage against its target (100 points at or above target;
  coverage itself when no target is set).
- Growth: coverage gained in percentage points since 12 months before (or the
  earliest figure): 10 points or more earns 100, nothing or a fall earns 0.

The four weigh the same (25% each): policy without money, money without people
protected, or coverage without progress each tells only part of the story.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS = {"policy": Decimal(25), "money": Decimal(25), "coverage": Decimal(25), "growth": Decimal(25)}
GROWTH_FULL_POINTS = Decimal(10)  # percentage points of coverage gained in a year for a full score
_ONE = Decimal(1)
_TENTH = Decimal("0.1")


def _clamp(value: Decimal) -> Decimal:
    return max(Decimal(0), min(_ONE, value))


def _score(value: Decimal) -> Decimal:
    return (value * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)


def policy_score(*, agreement_in_force: bool, committed: int, gap_budget: int | None) -> Decimal:
    half = Decimal("0.5")
    budget = Decimal(0)
    if gap_budget == 0:
        budget = _ONE  # the target is met: nothing more to budget for
    elif gap_budget:
        budget = _clamp(Decimal(committed) / Decimal(gap_budget))
    elif committed > 0:
        budget = _ONE  # no target to measure against: a committed budget counts in full
    return _score(half * (_ONE if agreement_in_force else 0) + half * budget)


def money_score(*, allocated: int, to_village: int, to_bpjs: int) -> Decimal | None:
    """None when nothing was allocated to the regency (no money to follow)."""
    if allocated <= 0:
        return None
    village = _clamp(Decimal(to_village) / Decimal(allocated))
    bpjs = _clamp(Decimal(to_bpjs) / Decimal(allocated))
    return _score((village + bpjs) / 2)


def coverage_score(*, coverage_pct: str | None, target_pct: str | None) -> Decimal | None:
    if coverage_pct is None:
        return None
    coverage = Decimal(coverage_pct)
    if target_pct is not None and Decimal(target_pct) > 0:
        return _score(_clamp(coverage / Decimal(target_pct)))
    return _score(_clamp(coverage / 100))


def growth_score(growth_points: str | None) -> Decimal | None:
    if growth_points is None:
        return None
    return _score(_clamp(Decimal(growth_points) / GROWTH_FULL_POINTS))


@dataclass(frozen=True)
class Components:
    policy: Decimal
    money: Decimal | None
    coverage: Decimal | None
    growth: Decimal | None

    @property
    def total(self) -> Decimal:
        """Weighted sum; a component without data counts as 0."""
        weighted = sum(
            (WEIGHTS[name] * (getattr(self, name) or 0) for name in WEIGHTS),
            Decimal(0),
        )
        return (weighted / sum(WEIGHTS.values())).quantize(_TENTH, rounding=ROUND_HALF_UP)
