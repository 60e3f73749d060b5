"""A program's proposal: which DTSEN candidates it should enrol on a date.

The program's free places are its quota per village and category (``ProgramQuota``)
less the active enrolments (``VillageEnrolmentCount``); the candidates
(``targeting.selectors.candidates``) of its target regions, in the officer's
jurisdiction, take them in priority order, each in the first of their categories with a
place left (``targeting.rules.fill``), while the program's total quota and its budget
hold, priced as the enrolment service prices them (``programs.selectors.monthly_rates``).

Only the candidates that could take a place are read whole: one pass over the people
who should be protected (protected or not), grouped by village on PostgreSQL, counts
each village's candidates and protected people and keeps, in priority order, the first
E candidates of decile 1 and the first E + V working in a vulnerable occupation, where
E and V are the program's places per village for extreme poor and vulnerable workers
(the people passed over before them are of the other kind or their places are full).
A province of 1,585 villages reads at most 1,585 x (2E + V) people whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import NamedTuple

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from jaring import codes
from jaring.access.scoping import reader_of, region_subtree_q, scope_to_jurisdiction
from jaring.bulk import Among
from jaring.errors import InvalidInput
from jaring.i18n import N_
from jaring.programs import rules as program_rules
from jaring.programs.models import Program, VillageEnrolmentCount
from jaring.programs.selectors import monthly_rates
from jaring.regions.models import Region, RegionLevel
from jaring.registry.models import Participant
from jaring.registry.vocab import Category, Occupation, Status
from jaring.targeting import rules
from jaring.targeting.models import DtsenPerson
from jaring.targeting.selectors import (
    PRIORITY,
    candidates,
    counts_by_village,
    eligible_flagged,
    prioritized,
    within_q,
)

FILLED = (Category.MISKIN_EKSTREM, Category.PEKERJA_RENTAN)  # the categories candidates fill


class Proposed(NamedTuple):
    """A candidate the program should enrol, in the category they would fill (a named
    tuple: a province's proposal makes a hundred thousand)."""

    person_id: int  # the DtsenPerson
    nik: str
    full_name: str
    birth_date: date
    sex: str
    family_id: str
    village: str
    category: Category
    decile: int
    occupation: str  # as priced: the registry's, else the extract's, else "lainnya"
    working: bool | None
    participant_id: int | None  # already in the registry
    cost: int  # what enrolling them commits from the budget


@dataclass(frozen=True)
class VillageLine:
    village: str
    name: str
    candidates: int
    proposed: int
    free_quota: int | None  # None: the program has no per-village quota


@dataclass
class Proposal:
    program: Program
    region: str
    on: date
    candidates: int
    already_protected: int
    free_quota: int | None
    people: list[Proposed]
    villages: list[VillageLine]
    budget_left: int  # the program's budget left once the proposal is enrolled

    @property
    def proposed(self) -> int:
        return len(self.people)

    @property
    def cost(self) -> int:
        return sum(p.cost for p in self.people)

    def as_dict(self) -> dict:
        return {
            "program": self.program.code,
            "region": codes.dotted(self.region) if self.region else "",
            "date": self.on.isoformat(),
            "candidates": self.candidates,
            "already_protected": self.already_protected,
            "proposed": self.proposed,
            "free_quota": self.free_quota,
            "cost": self.cost,
            "budget_left": self.budget_left,
            "by_village": [
                {
                    "village": codes.dotted(line.village),
                    "name": line.name,
                    "candidates": line.candidates,
                    "proposed": line.proposed,
                    "free_quota": line.free_quota,
                }
                for line in self.villages
            ],
        }


def region_of(raw: str) -> str:
    """The region code asked for (dotted or not); "" for none."""
    if not raw or not raw.strip():
        return ""
    code = codes.try_normalize(raw)
    if code is None:
        raise InvalidInput(
            N_("Kode wilayah '%(code)s' tidak valid (contoh 15 atau 15.04)."),
            params={"code": raw},
            code="invalid_region_code",
            field="region",
        )
    return code


def enrolment_start(program: Program, on: date) -> date:
    """The day the chosen are enrolled from: the proposal's date, or the program's start
    when the date is before it (after its end, enrolment refuses with its reason)."""
    return max(on, program.starts_on)


def program_targets(program: Program) -> list[str]:
    return sorted(r.code for r in program.target_regions.all())


def villages_of(user, program: Program, region: str = "") -> QuerySet[Region]:
    """The villages of the program's target regions in the user's jurisdiction (and in ``region``)."""
    villages = Region.objects.filter(within_q("code", program_targets(program)), level=RegionLevel.VILLAGE)
    if region:
        villages = villages.filter(region_subtree_q("code", region))
    return scope_to_jurisdiction(villages, reader_of(user), field="code").order_by("code")


def free_places(program: Program, villages: list[str]) -> dict[tuple[str, str], int] | None:
    """Places left per village and category (None: the program has no per-village quota)."""
    quotas = {q.category: q.per_village for q in program.quotas.all()}
    if not quotas:
        return None
    used = {
        (c.village_id, c.category): c.active
        for c in VillageEnrolmentCount.objects.filter(program=program, village_id__in=villages)
    }
    return {
        (village, category): max(limit - used.get((village, category), 0), 0)
        for village in villages
        for category, limit in quotas.items()
    }


def _budget(program: Program) -> program_rules.QuotaState:
    return program_rules.QuotaState(
        total_limit=program.quota_total,
        total_used=program.enrolled_active,
        budget_ceiling=program.budget_ceiling,
        budget_committed=program.committed_rupiah,
    )


# What a proposal reads of each person it may propose: named rows, not model instances
# (a province's proposal reads a hundred thousand).
_FIELDS = ("pk", "nik", "full_name", "birth_date", "sex", "family_id", "village_id", "occupation", "working")
_PERSON = tuple(dict.fromkeys((*_FIELDS, *PRIORITY)))


def _affordable(found: QuerySet[DtsenPerson], program: Program, state: program_rules.QuotaState):
    """Without a per-village quota: the candidates who fill a category, in priority order,
    as many as the budget and the total quota could take at the cheapest rate."""
    cheapest = min(monthly_rates(program, set(Occupation)).values()) * program.coverage_months
    room = [state.budget_ceiling - state.budget_committed]
    if state.total_limit is not None:
        room.append((state.total_limit - state.total_used) * cheapest)
    fillable = Q(decile=rules.EXTREME_POOR_DECILE) | Q(working_first=0)
    return list(
        found.filter(fillable).values_list(*_PERSON, named=True)[: max(min(room), 0) // max(cheapest, 1)]
    )


def _reachable(
    user, on: date, region: str, targets: list[str], quotas: dict[str, int]
) -> tuple[list[DtsenPerson], dict[str, int], dict[str, int]]:
    """With per-village quotas: one pass over the people who should be protected gives
    each village's candidates and protected people and, village by village in priority
    order, the first E candidates of decile 1 and the first E + V working in a
    vulnerable occupation (see the module docstring); only those are then read whole,
    in priority order. Returns them, the candidates and the protected per village."""
    poor = quotas.get(Category.MISKIN_EKSTREM, 0)
    workers = poor + quotas.get(Category.PEKERJA_RENTAN, 0)
    flagged = eligible_flagged(user, on, region=region, targets=targets).order_by().values_list(*_PASS)
    pass_ = _pass_in_sql if connection.vendor == "postgresql" else _pass_in_frames
    kept, per_village, protected = pass_(flagged, poor, workers)
    people: list[DtsenPerson] = []
    step = max(len(kept), 1) if connection.vendor == "postgresql" else 30_000  # one array, or placeholders
    for start in range(0, len(kept), step):
        chosen = DtsenPerson.objects.filter(Among("id", kept[start : start + step]))
        people += prioritized(chosen, on).values_list(*_PERSON, named=True)
    people.sort(key=attrgetter(*PRIORITY))
    return people, per_village, protected


# The columns of the pass over the people who should be protected (``_reachable``).
_PASS = {
    "id": pl.Int64,
    "village_id": pl.String,
    "decile": pl.Int16,
    "working_first": pl.Int8,
    "first_listed": pl.Date,
    "row": pl.Int64,
    "nik": pl.String,
    "protected": pl.Boolean,
}


def _pass_in_sql(flagged: QuerySet, poor: int, workers: int):
    """PostgreSQL: one query grouping the flagged people by village and protection,
    each group's first people of each kind as arrays in priority order (about 1,800
    rows back for a province, not the million of its people). Grouped by the flag, the
    protection test is run once per person (as a ``FILTER`` it is run once per use)."""
    try:
        inner, params = flagged.query.sql_with_params()
    except EmptyResultSet:  # no edition in force there
        return [], {}, {}
    order = ", ".join(connection.ops.quote_name(name) for name in PRIORITY)
    sql = (
        "SELECT village_id, protected, count(*),"  # noqa: S608 (names from the code)
        f" (array_agg(id ORDER BY {order}) FILTER (WHERE decile = %s))[1:%s],"
        f" (array_agg(id ORDER BY {order}) FILTER (WHERE working_first = 0))[1:%s]"
        f" FROM ({inner}) AS flagged GROUP BY village_id, protected"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [rules.EXTREME_POOR_DECILE, poor, workers, *params])
        groups = cursor.fetchall()
    kept = [
        pk
        for _village, covered, _people, first_poor, first_workers in groups
        if not covered
        for pk in {*(first_poor or []), *(first_workers or [])}
    ]
    return kept, *_counted([group[:3] for group in groups])


def _pass_in_frames(flagged: QuerySet, poor: int, workers: int):
    """Elsewhere (SQLite): the same pass, the flagged people ranked as a polars frame."""
    frame = pl.DataFrame(list(flagged), schema=_PASS, orient="row")
    groups = frame.group_by("village_id", "protected").len().iter_rows()
    is_poor, is_worker = pl.col("decile") == rules.EXTREME_POOR_DECILE, pl.col("working_first") == 0
    kept = (
        frame.filter(~pl.col("protected"))
        .sort("village_id", *PRIORITY)
        .with_columns(
            poor_rank=is_poor.cast(pl.Int32).cum_sum().over("village_id"),
            worker_rank=is_worker.cast(pl.Int32).cum_sum().over("village_id"),
        )
        .filter((is_poor & (pl.col("poor_rank") <= poor)) | (is_worker & (pl.col("worker_rank") <= workers)))
        .get_column("id")
        .to_list()
    )
    return kept, *_counted(groups)


def _counted(groups) -> tuple[dict[str, int], dict[str, int]]:
    """(village, protected, people) groups -> the candidates and the protected per village."""
    per_village: dict[str, int] = {}
    protected: dict[str, int] = {}
    for village, covered, people in groups:
        (protected if covered else per_village)[village] = people
    return per_village, protected


def seekers_of(program: Program, people: list[DtsenPerson]) -> list[rules.Seeker]:
    """The candidates as places are given (``rules.fill``), priced by the rate table;
    people the registry holds as exited are left out (they may not be enrolled)."""
    known = {
        p.nik: p
        for p in Participant.objects.filter(Among("nik", [p.nik for p in people])).values_list(
            "pk", "nik", "village_id", "occupation", "status", named=True
        )
    }
    occupation = {p.nik: _occupation(p, known.get(p.nik)) for p in people}
    rates = monthly_rates(program, set(occupation.values()))
    costs = {
        kind: program_rules.enrolment_cost(months=program.coverage_months, monthly_rupiah=rupiah)
        for kind, rupiah in rates.items()
    }
    found = []
    for person in people:
        registered = known.get(person.nik)
        if registered is not None and registered.status in (Status.EXITED, Status.DECEASED):
            continue
        found.append(
            rules.Seeker(
                key=(person, registered, occupation[person.nik]),
                village=registered.village_id if registered else person.village_id,
                categories=rules.categories_of(
                    decile=person.decile, working=person.working, occupation=person.occupation
                ),
                cost=costs[occupation[person.nik]],
            )
        )
    return found


def _occupation(person: DtsenPerson, registered: Participant | None) -> str:
    if registered is not None:
        return registered.occupation
    return person.occupation or Occupation.LAINNYA.value


def proposed_of(chosen: list[tuple[rules.Seeker, Category]]) -> list[Proposed]:
    out = []
    for seeker, category in chosen:
        person, registered, occupation = seeker.key
        out.append(
            Proposed(
                person_id=person.pk,
                nik=person.nik,
                full_name=person.full_name,
                birth_date=person.birth_date,
                sex=person.sex,
                family_id=person.family_id,
                village=seeker.village,
                category=category,
                decile=person.decile,
                occupation=occupation,
                working=person.working,
                participant_id=registered.pk if registered else None,
                cost=seeker.cost,
            )
        )
    return out


def proposal(user, program: Program, on: date, *, region: str = "") -> Proposal:
    """What ``program`` should enrol on ``on`` from the DTSEN candidates, per village."""
    region = region_of(region)
    targets = program_targets(program)
    villages = list(villages_of(user, program, region).values_list("code", "name"))
    codes_ = [code for code, _name in villages]
    free = free_places(program, codes_)
    state = _budget(program)
    quotas = {q.category: q.per_village for q in program.quotas.all()}
    if quotas:
        people, per_village, protected = _reachable(user, on, region, targets, quotas)
    else:
        people = _affordable(candidates(user, on, region=region, targets=targets), program, state)
        counted = counts_by_village(user, on, region=region, targets=targets)
        per_village = {village: c.candidates for village, c in counted.items()}
        protected = {village: c.already_protected for village, c in counted.items()}
    chosen = proposed_of(rules.fill(seekers_of(program, people), free, state))
    proposed_in: dict[str, int] = {}
    for person in chosen:
        proposed_in[person.village] = proposed_in.get(person.village, 0) + 1
    lines = [
        VillageLine(
            village=code,
            name=name,
            candidates=per_village.get(code, 0),
            proposed=proposed_in.get(code, 0),
            free_quota=None if free is None else sum(free.get((code, c), 0) for c in FILLED),
        )
        for code, name in villages
    ]
    return Proposal(
        program=program,
        region=region or program.region_code,
        on=on,
        candidates=sum(per_village.values()),
        already_protected=sum(protected.values()),
        free_quota=None if free is None else sum(line.free_quota for line in lines),
        people=chosen,
        villages=lines,
        budget_left=state.budget_ceiling - state.budget_committed,
    )
