"""The demo's live year: Jambi's BKBK program for the year of the install date, so
today's pages show money moving and people protected now, beside the published
history of 2024-2025 (demo/programs.py, demo/billing.py), which stays as it was.

Every date is placed between the 1st of January and today, as a share of the days
gone, so the year looks the same whatever day the demo is installed: the regencies
got their money in two stages, three villages in four received theirs, and of those
four in five paid BPJS a few days later (the villages that received money last have
not paid yet: money waiting, not yet idle for long). The people are those of the 2025
program (a new year, the same people). Created through the services (so audited).
Idempotent: skipped when the program exists; skipped before 2026 (2025 is history).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.utils import timezone

from jaring.accounts.selectors import organization_by_code
from jaring.billing.models import BillLine
from jaring.billing.services import PaymentRequest, bill_issue, payments_post
from jaring.funds.models import Allocation
from jaring.funds.services import allocations_from_quotas, transfer_post
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


def _money(program: Program, today: date) -> list[tuple[str, date]]:
    """Post the year's transfers; returns the villages that paid BPJS and the day."""
    start = program.starts_on
    allocations_from_quotas(actor=None, program=program)
    for allocation in Allocation.objects.filter(program=program, region__level="regency").order_by(
        "region_id"
    ):
        half = allocation.amount // 2
        stages = [(_on(start, today, 0.08), half), (_on(start, today, 0.4), allocation.amount - half)]
        for stage, (day, amount) in enumerate(stages, start=1):
            transfer_post(
                actor=None,
                program=program,
                kind="to_regency",
                region_code=allocation.region_id,
                transferred_on=day,
                amount=amount,
                reference=f"SP2D/BKBK/{program.fiscal_year}/{allocation.region_id}/{stage}",
                stage=stage,
            )
    villages = list(Allocation.objects.filter(program=program, region__level="village").order_by("region_id"))
    demo_villages = {p.village_id for p in Participant.objects.filter(village__code__startswith="15")}
    received = [a for i, a in enumerate(villages) if i % 4 != 3 or a.region_id in demo_villages]
    paid = []
    for i, allocation in enumerate(received):
        share = 0.12 + 0.8 * i / max(len(received), 1)  # received from a tenth of the year to today
        day = _on(start, today, share)
        transfer_post(
            actor=None,
            program=program,
            kind="to_village",
            region_code=allocation.region_id,
            transferred_on=day,
            amount=allocation.amount,
            reference=f"TRF/BKBK/{program.fiscal_year}/{allocation.region_id}",
        )
        pays_on = min(day + timedelta(days=7 + i % 21), today)
        if i % 5 != 4 or allocation.region_id in demo_villages:
            transfer_post(
                actor=None,
                program=program,
                kind="to_bpjs",
                region_code=allocation.region_id,
                transferred_on=pays_on,
                amount=allocation.amount,
                reference=f"IURAN/BKBK/{program.fiscal_year}/{allocation.region_id}",
            )
            paid.append((allocation.region_id, pays_on))
    return paid


def _bill_and_payments(program: Program, paid: list[tuple[str, date]]) -> None:
    bill = bill_issue(actor=None, program=program, first_month=program.starts_on, months=12)
    lines = defaultdict(list)
    for line in BillLine.objects.filter(bill=bill).select_related("participant").order_by("id"):
        lines[line.village_id].append(line)
    for village, paid_on in paid:
        if not lines[village]:
            continue
        requests = [
            PaymentRequest(
                reference=f"IURAN/BKBK/{program.fiscal_year}/{village}/{n:03d}",
                paid_on=paid_on,
                amount=line.amount,
                participant=line.participant,
                first_month=line.first_month,
                last_month=line.last_month,
            )
            for n, line in enumerate(lines[village], start=1)
        ]
        result = payments_post(actor=None, requests=requests, channel=f"BPJS {village}")
        if result.errors:  # demo data must be right: say which row is not
            request, error = result.errors[0]
            raise error.__class__(f"{request.reference}: {error.message}", code=error.code)


def seed_live_year(today: date | None = None) -> Program | None:
    """Jambi's BKBK program of today's year with its money, people, bill and payments
    (after the published history is seeded)."""
    today = today or timezone.localdate()
    if today.year < FIRST_LIVE_YEAR or Program.objects.filter(code=live_code(today.year)).exists():
        return None
    if not Program.objects.filter(code="BKBK-JAMBI-2025").exists():
        return None  # the history first: the same people, one year on
    program = _program(today.year)
    paid = _money(program, today)
    people = Participant.objects.filter(
        village__code__startswith="15", category__in=["miskin_ekstrem", "pekerja_rentan"]
    ).order_by("id")
    enrolments_create(
        actor=None,
        program=program,
        requests=[EnrolmentRequest(participant=p, starts_on=program.starts_on) for p in people],
        reason="data demo",
    )  # the people who died in 2025 are refused, as they would be
    _bill_and_payments(program, paid)
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
