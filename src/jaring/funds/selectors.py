"""Reads of the money trail: the funnel from budget to BPJS, the ledger and idle
money, always through the jurisdiction scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from jaring.access.scoping import jurisdiction_of, region_subtree_q, scope_to_jurisdiction
from jaring.funds.models import Allocation, Transfer, TransferKind, TransferTotal
from jaring.programs.models import Program
from jaring.regions.models import Region

STAGES = ("budget", "allocated", "to_regency", "to_village", "to_bpjs")
STAGE_LABELS = {
    "budget": _("Pagu"),
    "allocated": _("Dialokasikan"),
    "to_regency": _("Sampai di kabupaten/kota"),
    "to_village": _("Sampai di rekening desa"),
    "to_bpjs": _("Dibayar ke BPJS"),
}


def transfer_sums_by_area() -> list[tuple[int, str, str, int]]:
    """(program id, kind, area, rupiah) added up from every transfer and reversal, the
    area being the receiving region's code cut to the regency: what ``TransferTotal``
    keeps."""
    grouped = (
        Transfer.objects.annotate(area=Substr("region_id", 1, 4))
        .values_list("program_id", "kind", "area")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return list(grouped)


@dataclass
class Funnel:
    """Rupiah at each stage of a program's money trail, and percent of the budget."""

    budget: int = 0
    allocated: int = 0
    to_regency: int = 0
    to_village: int = 0
    to_bpjs: int = 0

    def add(self, other: Funnel) -> None:
        for stage in STAGES:
            setattr(self, stage, getattr(self, stage) + getattr(other, stage))

    def percent(self, stage: str) -> float:
        return round(100 * getattr(self, stage) / self.budget, 1) if self.budget else 0.0

    @property
    def village_share(self) -> float:
        """Percent of the budget (or allocation) that reached village accounts."""
        return self.percent("to_village")

    @property
    def bpjs_share(self) -> float:
        """Percent of the budget (or allocation) paid to BPJS as contributions."""
        return self.percent("to_bpjs")

    def stages(self) -> list[tuple[str, str, int, float]]:
        return [(s, STAGE_LABELS[s], getattr(self, s), self.percent(s)) for s in STAGES]

    def as_dict(self) -> dict:
        return {
            **{s: getattr(self, s) for s in STAGES},
            "percent": {s: self.percent(s) for s in STAGES},
        }


@dataclass
class FunnelReport:
    total: Funnel
    programs: list[tuple[Program, Funnel]]
    regencies: list[tuple[str, str, Funnel]] = field(default_factory=list)  # code, name, funnel


def transfers_visible_to(user) -> QuerySet[Transfer]:
    return scope_to_jurisdiction(
        Transfer.objects.select_related("program", "region", "reverses"), user, field="region_id"
    )


def allocations_visible_to(user) -> QuerySet[Allocation]:
    return scope_to_jurisdiction(Allocation.objects.select_related("region"), user, field="region_id")


def funnel_report(
    user, programs: QuerySet[Program] | list[Program], *, region: str = "", until: date | None = None
) -> FunnelReport:
    """The funnel per program and per regency for the user's jurisdiction (and
    ``region`` beneath it), with the money moved up to ``until`` (default: all).
    Budget is the program's ceiling, or the part allocated to the region when the
    view is narrowed to a region or a jurisdiction. Four grouped queries whatever
    the number of programs or villages."""
    programs = list(programs)
    ids = [p.pk for p in programs]
    if until is not None and not Transfer.objects.filter(transferred_on__gt=until).exists():
        until = None  # nothing moved after the date: all time is the same figure
    allocations = allocations_visible_to(user).filter(
        program_id__in=ids, region__level__in=("regency", "village")
    )
    transfers = transfers_visible_to(user).filter(program_id__in=ids)
    if until is not None:
        transfers = transfers.filter(transferred_on__lte=until)
    if region:
        allocations = allocations.filter(
            region_subtree_q("region_id", region[:4] if len(region) > 4 else region)
        )
        transfers = transfers.filter(region_subtree_q("region_id", region))
    by_program: dict[int, Funnel] = {pid: Funnel() for pid in ids}
    by_regency: dict[str, Funnel] = defaultdict(Funnel)
    for (pid, regency), amount in _allocated_per_regency(allocations).items():
        by_program[pid].allocated += amount
        by_regency[regency].allocated += amount
    jurisdiction = jurisdiction_of(user)
    if until is None and len(region) <= 4 and all(len(code) <= 4 for code in jurisdiction.codes):
        # A regency or wider, all time: the kept totals per program, kind and regency.
        kept = TransferTotal.objects.filter(jurisdiction.q("area"), program_id__in=ids)
        if region:
            kept = kept.filter(region_subtree_q("area", region))
        moved = kept.values_list("program_id", "kind", "area", "amount")
    else:
        moved = (
            transfers.annotate(regency=Substr("region_id", 1, 4))
            .values_list("program_id", "kind", "regency")
            .annotate(total=Sum("amount"))
            .order_by()
        )
    for pid, kind, regency, total in moved:
        setattr(by_program[pid], kind, getattr(by_program[pid], kind) + total)
        if len(regency) == 4:
            setattr(by_regency[regency], kind, getattr(by_regency[regency], kind) + total)
    whole = _sees_whole(user, programs)
    if region:  # narrowed: whole only for the programs lying entirely in the region
        whole = {
            p.pk: whole[p.pk] and bool(p.region_code) and p.region_code.startswith(region) for p in programs
        }
    for program in programs:
        funnel = by_program[program.pk]
        funnel.budget = program.budget_ceiling if whole.get(program.pk) else funnel.allocated
    for funnel in by_regency.values():
        funnel.budget = funnel.allocated
    total = Funnel()
    for funnel in by_program.values():
        total.add(funnel)
    names = dict(Region.objects.filter(code__in=list(by_regency)).values_list("code", "name"))
    regencies = sorted(
        ((code, names.get(code, code), f) for code, f in by_regency.items()), key=lambda r: r[0]
    )
    return FunnelReport(total=total, programs=[(p, by_program[p.pk]) for p in programs], regencies=regencies)


def _allocated_per_regency(allocations: QuerySet[Allocation]) -> dict[tuple[int, str], int]:
    """Rupiah allocated per program and regency: the regency's own allocation, or,
    for a program allocated village by village with none for the regency, the sum
    of its villages' allocations (never both, which would count the money twice)."""
    own: dict[tuple[int, str], int] = {}
    villages: dict[tuple[int, str], int] = defaultdict(int)
    rows = (
        allocations.annotate(regency=Substr("region_id", 1, 4))
        .values_list("program_id", "regency", "region__level")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for pid, regency, level, amount in rows:
        if level == "regency":
            own[(pid, regency)] = amount
        else:
            villages[(pid, regency)] += amount
    return {**villages, **own}


def _sees_whole(user, programs: list[Program]) -> dict[int, bool]:
    """Whether the user sees a program whole (its payer, or a jurisdiction holding
    all its regions): then its budget is the ceiling, otherwise its allocation."""
    jurisdiction = jurisdiction_of(user)
    result = {}
    for program in programs:
        if jurisdiction.unrestricted or getattr(user, "organization_id", None) == program.payer_id:
            result[program.pk] = True
        else:
            result[program.pk] = bool(program.region_code) and jurisdiction.contains(program.region_code)
    return result


@dataclass(frozen=True)
class IdleVillage:
    program: Program
    village_code: str
    village_name: str
    received: int
    paid: int
    last_received_on: date
    last_paid_on: date | None
    idle_days: int


@dataclass(frozen=True)
class IdleReport:
    villages: list[IdleVillage]  # longest idle first, at most the limit asked for
    total: int  # idle villages in all


def idle_villages(
    user,
    programs: list[Program],
    *,
    today: date,
    days: int | None = None,
    limit: int | None = None,
    region: str = "",
) -> IdleReport:
    """Villages that received money more than ``days`` ago (default
    JARING_IDLE_MONEY_DAYS, 30) and have paid no contribution since: money standing
    still while people go unprotected, as it stood on ``today`` (later transfers are
    left out). Longest idle first; names are read for the ``limit`` shown only."""
    days = getattr(settings, "JARING_IDLE_MONEY_DAYS", 30) if days is None else days
    by_pk = {p.pk: p for p in programs}
    # Grouped on the transfer table alone (no join): money to BPJS paid by a regency
    # or the payer itself is left out below by its code length.
    visible = transfers_visible_to(user).filter(program_id__in=list(by_pk), transferred_on__lte=today)
    if region:
        visible = visible.filter(region_subtree_q("region_id", region))
    received = {
        (pid, code): (total, last)
        for pid, code, total, last in visible.filter(kind=TransferKind.TO_VILLAGE)
        .values_list("program_id", "region_id")
        .annotate(total=Sum("amount"), last=Max("transferred_on"))
        .order_by()
    }
    paid = {
        (pid, code): (total, last)
        for pid, code, total, last in visible.filter(kind=TransferKind.TO_BPJS)
        .values_list("program_id", "region_id")
        .annotate(total=Sum("amount"), last=Max("transferred_on"))
        .order_by()
    }
    cutoff = today - timedelta(days=days)
    idle = []
    for (pid, code), (total, last) in received.items():
        if len(code) != 10:  # not a village account
            continue
        paid_total, paid_last = paid.get((pid, code), (0, None))
        if total <= paid_total or last > cutoff:
            continue
        if paid_last is not None and paid_last >= last:
            continue
        idle.append((pid, code, total, paid_total, last, paid_last))
    idle.sort(key=lambda row: (row[4], row[1]))  # earliest receipt = longest idle first
    shown = idle if limit is None else idle[:limit]
    names = dict(Region.objects.filter(code__in=[row[1] for row in shown]).values_list("code", "name"))
    villages = [
        IdleVillage(
            by_pk[pid], code, names.get(code, code), total, paid_total, last, paid_last, (today - last).days
        )
        for pid, code, total, paid_total, last, paid_last in shown
    ]
    return IdleReport(villages=villages, total=len(idle))
