"""The demo's live year: Jambi's BKBK program for the year of the install date, so
today's pages show money moving and people protected now, beside the published
history of 2024-2025 (demo/programs.py, demo/billing.py), which stays as it was.

Every date is placed between the 1st of January and today, as a share of the days
gone, so the year looks the same whatever day the demo is installed: the regencies
got their money in two stages, three villages in four received theirs, and of those
four in five paid BPJS a few days later (the villages that received money last have
not paid yet: money waiting, not yet idle for long). The people are those of the 2025
program (a new year, the same people); the demo's villages have all paid, except
Kuala Simbur in Tanjung Jabung Timur (demo/people.py ``LATE_PAYER_VILLAGE``), whose
account holds the money while its people lapse. Created through the services (so audited).
Idempotent: skipped when the program exists; skipped before 2026 (2025 is history).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from jaring.accounts.selectors import organization_by_code
from jaring.billing.services import bill_issue
from jaring.demo.billing import pay_from_village_transfers
from jaring.demo.people import LATE_PAYER_VILLAGE
from jaring.demo.programs import to_regencies_in_two_stages, village_receives_and_pays
from jaring.funds.models import Allocation
from jaring.funds.services import allocations_from_quotas
from jaring.programs.models import Agreement, Program
from jaring.programs.services import EnrolmentRequest, agreement_create, enrolments_create, program_create
from jaring.registry.models import Participant

FIRST_LIVE_YEAR = 2026
MONTHLY = 16_800  # JKK + JKM on Rp1,000,000 (the ceiling; the rate table prices the bill)


def live_code(year: int) -> str:
    return f"BKBK-JAMBI-{year}"


def _on(start: date, today: date, share: float) -> date:
    """The day ``share`` of the way from ``start`` to ``today``."""
    return start + timedelta(days=int((today - start).days * share))


def _program(year: int) -> Program:
    return program_create(
        actor=None,
        code=live_code(year),
        name=f"BKBK Provinsi Jambi {year}: perlindungan miskin ekstrem dan pekerja rentan desa",
        source="BKBK",
        payer=organization_by_code("pemprov-jambi"),
        fiscal_year=year,
        starts_on=date(year, 1, 1),
        coverage_months=12,
        budget_ceiling=1_585 * 75 * 12 * MONTHLY,
        target_region_codes=["15"],
        quotas={"miskin_ekstrem": 50, "pekerja_rentan": 25},
    )


def _money(program: Program, today: date) -> None:
    """Post the year's transfers, from the province to the villages' payments to BPJS."""
    start = program.starts_on
    allocations_from_quotas(actor=None, program=program)
    days = (_on(start, today, 0.08), _on(start, today, 0.4))
    to_regencies_in_two_stages(program, days, prefix=f"SP2D/BKBK/{program.fiscal_year}")
    villages = list(Allocation.objects.filter(program=program, region__level="village").order_by("region_id"))
    demo_villages = {p.village_id for p in Participant.objects.filter(village__code__startswith="15")}
    received = [a for i, a in enumerate(villages) if i % 4 != 3 or a.region_id in demo_villages]
    must_pay = demo_villages - {LATE_PAYER_VILLAGE}  # the demo's people protected today
    for i, allocation in enumerate(received):
        share = 0.12 + 0.8 * i / max(len(received), 1)  # received from a tenth of the year to today
        day = _on(start, today, share)
        pays = i % 5 != 4 or allocation.region_id in must_pay
        paid_on = min(day + timedelta(days=7 + i % 21), today) if pays else None
        village_receives_and_pays(
            program, allocation, received_on=day, paid_on=paid_on, tag=str(program.fiscal_year)
        )


def seed_live_year(today: date | None = None) -> Program | None:
    """Jambi's BKBK program of today's year with its money, people, bill and payments
    (after the published history is seeded)."""
    today = today or timezone.localdate()
    if today.year < FIRST_LIVE_YEAR or Program.objects.filter(code=live_code(today.year)).exists():
        return None
    if not Program.objects.filter(code="BKBK-JAMBI-2025").exists():
        return None  # the history first: the same people, one year on
    program = _program(today.year)
    _money(program, today)
    people = Participant.objects.filter(
        village__code__startswith="15", category__in=["miskin_ekstrem", "pekerja_rentan"]
    ).order_by("id")
    enrolments_create(
        actor=None,
        program=program,
        requests=[EnrolmentRequest(participant=p, starts_on=program.starts_on) for p in people],
        reason="data demo",
    )  # the people who died in 2025 are refused, as they would be
    bill = bill_issue(actor=None, program=program, first_month=program.starts_on, months=12)
    pay_from_village_transfers(program, bill)
    _agreement(program)
    return program


def _agreement(program: Program) -> None:
    """The 2025 PKS runs to the end of 2026; a later year renews it for two years."""
    year = program.fiscal_year
    if year <= 2026:
        return
    renews = Agreement.objects.filter(number__startswith="PKS/BKBK/").order_by("-ends_on").first()
    agreement_create(
        actor=None,
        number=f"PKS/BKBK/02/BPJSTK-SUMBAGSEL/{year}",
        title="Perlindungan jaminan sosial ketenagakerjaan pekerja rentan melalui BKBK (pembaruan)",
        payer=organization_by_code("pemprov-jambi"),
        bpjs_office=organization_by_code("bpjstk-kanwil-sumbagsel"),
        starts_on=date(year, 1, 1),
        ends_on=date(year + 1, 12, 31),
        programs=[program],
        renews=renews,
    )
