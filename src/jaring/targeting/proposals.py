"""A program's proposal: which DTSEN candidates it should enrol on a date.

The program's free places are its quota per village and category (``ProgramQuota``)
less the active enrolments (``VillageEnrolmentCount``); the candidates
(``targeting.selectors.candidates``) of its target regions, in the officer's
jurisdiction, take them in priority order, each in the first of their categories with a
place left (``targeting.rules.fill``), while the program's total quota and its budget
hold, priced as the enrolment service prices them (``programs.selectors.monthly_rates``).

Only the candidates that could take a place are read whole: one pass over the
candidates' keys, village by village in priority order, counts each village's
candidates and keeps the first E of decile 1 and the first E + V working in a
vulnerable occupation, where E and V are the program's places per village for extreme
poor and vulnerable workers (the people passed over before them are of the other kind
or their places are full). A province of 1,585 villages reads at most 1,585 x (2E + V)
people whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

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
from jaring.targeting.selectors import PRIORITY, candidates, counts_by_village, protected_by_village, within_q

FILLED = (Category.MISKIN_EKSTREM, Category.PEKERJA_RENTAN)  # the categories candidates fill


@dataclass(frozen=True)
class Proposed:
    """A candidate the program should enrol, in the category they would fill."""

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


def _affordable(found: QuerySet[DtsenPerson], program: Program, state: program_rules.QuotaState):
    """Without a per-village quota: the candidates who fill a category, in priority order,
    as many as the budget and the total quota could take at the cheapest rate."""
    cheapest = min(monthly_rates(program, set(Occupation)).values()) * program.coverage_months
    room = [state.budget_ceiling - state.budget_committed]
    if state.total_limit is not None:
        room.append((state.total_limit - state.total_used) * cheapest)
    fillable = Q(decile=rules.EXTREME_POOR_DECILE) | Q(working_first=0)
    return list(found.filter(fillable)[: max(min(room), 0) // max(cheapest, 1)])


def _reachable(
    found: QuerySet[DtsenPerson], quotas: dict[str, int]
) -> tuple[list[DtsenPerson], dict[str, int]]:
    """With per-village quotas: one pass over the candidates, village by village in
    priority order, counting each village's candidates and keeping the first E of decile
    1 and the first E + V working in a vulnerable occupation (see the module docstring);
    the kept are then read whole, in priority order."""
    poor = quotas.get(Category.MISKIN_EKSTREM, 0)
    workers = poor + quotas.get(Category.PEKERJA_RENTAN, 0)
    counted: dict[str, int] = defaultdict(int)
    poor_seen: dict[str, int] = defaultdict(int)
    workers_seen: dict[str, int] = defaultdict(int)
    kept: list[int] = []
    rows = found.order_by("village_id", *PRIORITY).values_list("pk", "village_id", "decile", "working_first")
    for pk, village, decile, working_first in rows.iterator(chunk_size=20_000):
        counted[village] += 1
        wanted = False
        if decile == rules.EXTREME_POOR_DECILE:
            poor_seen[village] += 1
            wanted = poor_seen[village] <= poor
        if working_first == 0:
            workers_seen[village] += 1
            wanted = wanted or workers_seen[village] <= workers
        if wanted:
            kept.append(pk)
    people: list[DtsenPerson] = []
    for start in range(0, len(kept), 50_000):
        people += found.filter(Among("id", kept[start : start + 50_000]))
    people.sort(key=lambda p: tuple(getattr(p, name) for name in PRIORITY))
    return people, dict(counted)


def seekers_of(program: Program, people: list[DtsenPerson]) -> list[rules.Seeker]:
    """The candidates as places are given (``rules.fill``), priced by the rate table;
    people the registry holds as exited are left out (they may not be enrolled)."""
    known = {
        p.nik: p
        for p in Participant.objects.filter(nik__in=[p.nik for p in people]).only(
            "id", "nik", "village_id", "occupation", "status"
        )
    }
    occupation = {p.nik: _occupation(p, known.get(p.nik)) for p in people}
    rates = monthly_rates(program, set(occupation.values()))
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
                cost=program_rules.enrolment_cost(
                    months=program.coverage_months, monthly_rupiah=rates[occupation[person.nik]]
                ),
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
    found = candidates(user, on, region=region, targets=targets)
    state = _budget(program)
    quotas = {q.category: q.per_village for q in program.quotas.all()}
    if quotas:
        people, per_village = _reachable(found, quotas)
        protected = protected_by_village(user, on, region=region, targets=targets)
    else:
        people = _affordable(found, program, state)
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
