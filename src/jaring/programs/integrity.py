"""Kept enrolment counters against the enrolments: per village and category
(``VillageEnrolmentCount``) and per program (``enrolled_active``, ``committed_rupiah``)."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from jaring.bulk import bulk_set
from jaring.integrity import Counter
from jaring.programs.models import Enrolment, EnrolmentStatus, Program, VillageEnrolmentCount


def _village_key(program_id: int, village_id: str, category: str) -> str:
    return f"program {program_id}/{village_id}/{category}"


def _village_kept() -> dict[str, int]:
    rows = VillageEnrolmentCount.objects.values_list("program_id", "village_id", "category", "active")
    return {_village_key(p, v, c): active for p, v, c, active in rows}


def _village_expected() -> dict[str, int]:
    rows = (
        Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE)
        .values_list("program_id", "village_id", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {_village_key(p, v, c): n for p, v, c, n in rows}


def _village_repair(expected) -> None:
    kept = {
        _village_key(c.program_id, c.village_id, c.category): c
        for c in VillageEnrolmentCount.objects.select_for_update()
    }
    fresh, changed = [], []
    for key, active in expected.items():
        if key in kept:
            kept[key].active = active
            changed.append(kept[key])
        else:
            program, village, category = key.removeprefix("program ").split("/")
            fresh.append(
                VillageEnrolmentCount(
                    program_id=int(program), village_id=village, category=category, active=active
                )
            )
    bulk_set(VillageEnrolmentCount, changed, ["active"])
    VillageEnrolmentCount.objects.bulk_create(fresh, batch_size=1000)


def _program_values(field: str):
    def kept() -> dict[str, int]:
        return {code: value for code, value in Program.objects.values_list("code", field)}

    def expected() -> dict[str, int]:
        total = Count("enrolments") if field == "enrolled_active" else Sum("enrolments__committed_rupiah")
        rows = (
            Program.objects.filter(enrolments__status=EnrolmentStatus.ACTIVE)
            .values_list("code")
            .annotate(value=Coalesce(total, 0))
            .order_by()
        )
        return {code: 0 for code in Program.objects.values_list("code", flat=True)} | dict(rows)

    def repair(values) -> None:
        for code, value in values.items():
            Program.objects.filter(code=code).update(**{field: value})

    return {"kept": kept, "expected": expected, "repair": repair}


COUNTERS = [
    Counter(
        name="programs.village_enrolment_count",
        label="Peserta aktif per program, desa dan kategori (kuota desa)",
        kept=_village_kept,
        expected=_village_expected,
        repair=_village_repair,
    ),
    Counter(
        name="programs.enrolled_active",
        label="Peserta aktif per program (kuota total)",
        **_program_values("enrolled_active"),
    ),
    Counter(
        name="programs.committed_rupiah",
        label="Anggaran terpakai per program (pagu)",
        **_program_values("committed_rupiah"),
    ),
]
