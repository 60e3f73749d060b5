"""Alert sources of programs and agreements (see jaring.alerts.sources)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from jaring.alerts.models import Severity
from jaring.alerts.sources import Draft, source
from jaring.formats import figures
from jaring.i18n import N_
from jaring.programs.models import Agreement, Program, ProgramQuota, VillageEnrolmentCount
from jaring.programs.selectors import ALERT_DAYS, active_enrolments_on


@source("agreement_ending", N_("PKS akan berakhir"))
def agreements_ending(today: date, region: str = "") -> Iterator[Draft]:
    """Agreements ending within 90 days with no renewal yet (urgent within 30)."""
    ending = Agreement.objects.filter(
        ends_on__gte=today, ends_on__lte=today + timedelta(days=ALERT_DAYS[0]), renewed_by__isnull=True
    ).select_related("payer", "bpjs_office")
    for agreement in ending:
        days = (agreement.ends_on - today).days
        yield Draft(
            key=f"agreement_ending:{agreement.pk}",
            region_code=agreement.region_code,
            organization_id=agreement.payer_id,
            severity=Severity.DANGER if days <= ALERT_DAYS[1] else Severity.WARNING,
            title=N_("PKS %(number)s berakhir dalam %(days)s hari"),
            detail=N_(
                "%(payer)s dengan %(office)s, berakhir %(ends_on)s. Siapkan perpanjangan agar periode "
                "perlindungan berikutnya dapat dimulai."
            ),
            params={
                "number": agreement.number,
                "days": days,
                "payer": agreement.payer.name,
                "office": agreement.bpjs_office.name,
                "ends_on": figures.day(agreement.ends_on),
            },
            url=reverse("agreement_detail", args=[agreement.pk]),
            count=days,
        )


@source("agreement_ended", N_("PKS berakhir dan belum diperpanjang"))
def agreements_ended(today: date, region: str = "") -> Iterator[Draft]:
    """Agreements that ended, were not renewed, and cover a program that runs on."""
    ended = (
        Agreement.objects.filter(ends_on__lt=today, renewed_by__isnull=True, programs__ends_on__gte=today)
        .select_related("payer")
        .distinct()
    )
    for agreement in ended:
        days = (today - agreement.ends_on).days
        yield Draft(
            key=f"agreement_ended:{agreement.pk}",
            region_code=agreement.region_code,
            organization_id=agreement.payer_id,
            severity=Severity.DANGER,
            title=N_("PKS %(number)s sudah berakhir %(days)s hari lalu dan belum diperpanjang"),
            detail=N_(
                "Program yang terkait tidak dapat memulai periode perlindungan baru sampai PKS diperpanjang."
            ),
            url=reverse("agreement_detail", args=[agreement.pk]),
            count=days,
            params={"number": agreement.number, "days": days},
        )


@source("program_over_limit", N_("Program melebihi kuota atau pagu"))
def programs_over_limit(today: date, region: str = "") -> Iterator[Draft]:
    """Running programs whose active people exceed the total quota or a village
    quota, or whose commitment exceeds the ceiling (after a quota or ceiling was
    lowered, or corrected data)."""
    running = {p.pk: p for p in Program.objects.filter(ends_on__gte=today).select_related("payer")}
    if today >= timezone.localdate():
        villages_over = _villages_over_from_counters(running)
        used = {pk: (p.enrolled_active, p.committed_rupiah) for pk, p in running.items()}
    else:  # a past day: counted from the enrolments that held people then
        villages_over, used = _use_on(running, today)
    for program in running.values():
        url = reverse("program_detail", args=[program.pk])
        enrolled, committed = used[program.pk]
        common = {"region_code": program.region_code, "organization_id": program.payer_id, "url": url}
        if program.quota_total and enrolled > program.quota_total:
            yield Draft(
                key=f"over_quota:{program.pk}",
                severity=Severity.DANGER,
                title=N_("%(program)s: %(enrolled)s peserta aktif, kuota %(quota)s"),
                detail=N_("Akhiri atau pindahkan kepesertaan yang melebihi kuota."),
                count=enrolled - program.quota_total,
                params={"program": program.code, "enrolled": enrolled, "quota": program.quota_total},
                **common,
            )
        if villages_over.get(program.pk):
            yield Draft(
                key=f"over_village_quota:{program.pk}",
                severity=Severity.WARNING,
                title=N_("%(program)s: %(villages)s desa melebihi kuota per desa"),
                detail=N_("Lihat pemakaian kuota per desa di halaman program."),
                count=villages_over[program.pk],
                params={"program": program.code, "villages": villages_over[program.pk]},
                **common,
            )
        if committed > program.budget_ceiling:
            over = committed - program.budget_ceiling
            yield Draft(
                key=f"over_budget:{program.pk}",
                severity=Severity.DANGER,
                title=N_("%(program)s: komitmen melebihi pagu sebesar %(over)s"),
                detail=N_("Terpakai %(committed)s dari pagu %(ceiling)s."),
                params={
                    "program": program.code,
                    "over": figures.money(over),
                    "committed": figures.money(committed),
                    "ceiling": figures.money(program.budget_ceiling),
                },
                rupiah=over,
                **common,
            )


def _villages_over_from_counters(running: dict[int, Program]) -> dict[int, int]:
    quota = ProgramQuota.objects.filter(program=OuterRef("program"), category=OuterRef("category"))
    villages_over: dict[int, int] = {}
    for program_id in (
        VillageEnrolmentCount.objects.filter(program_id__in=list(running))
        .annotate(limit=Subquery(quota.values("per_village")[:1]))
        .filter(active__gt=F("limit"))
        .values_list("program_id", flat=True)
    ):
        villages_over[program_id] = villages_over.get(program_id, 0) + 1
    return villages_over


def _use_on(running: dict[int, Program], on: date) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Villages over their quota, and active people and committed rupiah, per program
    on a past day, from the enrolments that held people then."""
    held = active_enrolments_on(on).filter(program_id__in=list(running))
    used = {pk: (0, 0) for pk in running}
    for program_id, people, committed in (
        held.values_list("program_id").annotate(n=Count("id"), c=Sum("committed_rupiah")).order_by()
    ):
        used[program_id] = (people, committed or 0)
    limits = {
        (q.program_id, q.category): q.per_village
        for q in ProgramQuota.objects.filter(program_id__in=list(running))
    }
    villages_over: dict[int, int] = {}
    for program_id, _village, category, people in (
        held.values_list("program_id", "village_id", "category").annotate(n=Count("id")).order_by()
    ):
        limit = limits.get((program_id, category))
        if limit is not None and people > limit:
            villages_over[program_id] = villages_over.get(program_id, 0) + 1
    return villages_over, used
