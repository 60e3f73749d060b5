"""Demo funding programs, agreements and money, reproducing the public record:

- Jambi BKBK 2025: 50 extreme poor + 25 vulnerable workers in each of the 1,585
  villages and wards; all the money reached the regencies, only half of it the
  village accounts, and some villages that received money never paid BPJS.
- Kota Jambi pays RT heads from its APBD under a MoU that ended in May 2025 and
  was renewed.
- Bengkulu province paid for 39,487 vulnerable workers in 2024 in Kaur, Mukomuko,
  Rejang Lebong and Bengkulu Selatan.

Created through the services (so audited). Idempotent: skipped when the programs exist.
"""

from __future__ import annotations

from datetime import date

from jaring.accounts.models import Organization
from jaring.accounts.selectors import organization_by_code
from jaring.funds.models import Allocation
from jaring.funds.services import allocations_from_quotas, transfer_post
from jaring.programs.models import Program
from jaring.programs.services import (
    EnrolmentRequest,
    agreement_create,
    coverage_period_start,
    enrolments_create,
    program_create,
)
from jaring.registry.models import Participant

MONTHLY = 16_800  # JKK + JKM on Rp1,000,000 for an APBD payer (the rule table's figure)


def _org(code: str) -> Organization:
    return organization_by_code(code)


def _enrol_all(program: Program, people) -> None:
    enrolments_create(
        actor=None,
        program=program,
        requests=[EnrolmentRequest(participant=p, starts_on=program.starts_on) for p in people],
        reason="data demo",
    )


def to_regencies_in_two_stages(program: Program, days: tuple[date, date], *, prefix: str) -> None:
    """All of each regency's allocation reaches it: half on the first day, the rest on
    the second (references ``<prefix>/<regency>/<stage>``)."""
    regencies = Allocation.objects.filter(program=program, region__level="regency").order_by("region_id")
    for allocation in regencies:
        half = allocation.amount // 2
        for stage, (day, amount) in enumerate(zip(days, (half, allocation.amount - half), strict=True), 1):
            transfer_post(
                actor=None,
                program=program,
                kind="to_regency",
                region_code=allocation.region_id,
                transferred_on=day,
                amount=amount,
                reference=f"{prefix}/{allocation.region_id}/{stage}",
                stage=stage,
            )


def village_receives_and_pays(
    program: Program, allocation: Allocation, *, received_on: date, paid_on: date | None, tag: str = ""
) -> None:
    """A village's account receives its whole allocation and, on ``paid_on`` (None: not
    yet, or never), pays it all to BPJS (references ``TRF/BKBK[/tag]/<village>`` and
    ``IURAN/BKBK[/tag]/<village>``)."""
    where = f"BKBK/{tag}/{allocation.region_id}" if tag else f"BKBK/{allocation.region_id}"
    moves = [("to_village", received_on, "TRF"), ("to_bpjs", paid_on, "IURAN")]
    for kind, day, prefix in moves if paid_on else moves[:1]:
        transfer_post(
            actor=None,
            program=program,
            kind=kind,
            region_code=allocation.region_id,
            transferred_on=day,
            amount=allocation.amount,
            reference=f"{prefix}/{where}",
        )


def _bkbk_jambi() -> Program:
    program = program_create(
        actor=None,
        code="BKBK-JAMBI-2025",
        name="BKBK Provinsi Jambi 2025: perlindungan miskin ekstrem dan pekerja rentan desa",
        source="BKBK",
        payer=_org("pemprov-jambi"),
        fiscal_year=2025,
        starts_on=date(2025, 1, 1),
        coverage_months=12,
        budget_ceiling=1_585 * 75 * 12 * MONTHLY,
        target_region_codes=["15"],
        quotas={"miskin_ekstrem": 50, "pekerja_rentan": 25},
    )
    allocations_from_quotas(actor=None, program=program)
    to_regencies_in_two_stages(program, (date(2025, 3, 14), date(2025, 7, 21)), prefix="SP2D/BKBK")
    villages = list(Allocation.objects.filter(program=program, region__level="village").order_by("region_id"))
    # Half the villages' accounts received their money; of those, two in three paid BPJS.
    demo_villages = {p.village_id for p in Participant.objects.filter(village__code__startswith="15")}
    received = [a for i, a in enumerate(villages) if i % 2 == 0 or a.region_id in demo_villages]
    for i, allocation in enumerate(received):
        day = date(2025, 4 + i % 6, 1 + i % 27)
        pays = i % 3 != 2 or allocation.region_id in demo_villages
        village_receives_and_pays(
            program, allocation, received_on=day, paid_on=date(day.year, day.month + 1, 10) if pays else None
        )
    _enrol_all(
        program,
        Participant.objects.filter(
            village__code__startswith="15", category__in=["miskin_ekstrem", "pekerja_rentan"]
        ).order_by("id"),
    )
    agreement_create(
        actor=None,
        number="PKS/BKBK/01/BPJSTK-SUMBAGSEL/2025",
        title="Perlindungan jaminan sosial ketenagakerjaan pekerja rentan melalui BKBK",
        payer=_org("pemprov-jambi"),
        bpjs_office=_org("bpjstk-kanwil-sumbagsel"),
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        programs=[program],
    )
    return program


def _kota_jambi() -> Program:
    kota = _org("pemkot-jambi")
    program = program_create(
        actor=None,
        code="KOTA-JAMBI-RT-2025",
        name="APBD Kota Jambi 2025: perlindungan ketua RT",
        source="APBD_KAB",
        payer=kota,
        fiscal_year=2025,
        starts_on=date(2025, 1, 1),
        coverage_months=5,
        budget_ceiling=48 * 12 * MONTHLY,
        target_region_codes=["1571"],
    )
    old = agreement_create(
        actor=None,
        number="MoU/07/PEMKOT-JMB/BPJSTK/2023",
        title="Nota kesepahaman perlindungan ketua RT se-Kota Jambi",
        payer=kota,
        bpjs_office=_org("bpjstk-kanwil-sumbagsel"),
        starts_on=date(2023, 6, 1),
        ends_on=date(2025, 5, 31),
        programs=[program],
    )
    agreement_create(
        actor=None,
        number="MoU/11/PEMKOT-JMB/BPJSTK/2025",
        title="Pembaruan nota kesepahaman perlindungan ketua RT",
        payer=kota,
        bpjs_office=_org("bpjstk-kanwil-sumbagsel"),
        starts_on=date(2025, 6, 1),
        ends_on=date(2027, 5, 31),
        renews=old,
    )
    coverage_period_start(actor=None, program=program, starts_on=date(2025, 6, 1), months=7)
    people = Participant.objects.filter(village__code__startswith="1571", category="rt_rw").order_by("id")
    _enrol_all(program, people)
    transfer_post(
        actor=None,
        program=program,
        kind="to_bpjs",
        region_code="1571",
        transferred_on=date(2025, 1, 20),
        amount=people.count() * 5 * MONTHLY,
        reference="IURAN/KOTA-JMB/RT/2025-1",
    )
    return program


def _bengkulu() -> Program:
    payer = _org("pemprov-bengkulu")
    program = program_create(
        actor=None,
        code="APBD-BENGKULU-2024",
        name="APBD Provinsi Bengkulu 2024: pekerja rentan Kaur, Mukomuko, Rejang Lebong, Bengkulu Selatan",
        source="APBD_PROV",
        payer=payer,
        fiscal_year=2024,
        starts_on=date(2024, 1, 1),
        coverage_months=12,
        budget_ceiling=39_487 * 12 * MONTHLY,
        quota_total=39_487,
        target_region_codes=["1701", "1702", "1704", "1706"],
    )
    _enrol_all(program, Participant.objects.filter(village__code__startswith="17").order_by("id"))
    agreement_create(
        actor=None,
        number="PKS/05/PEMPROV-BKL/BPJSTK/2024",
        payer=payer,
        bpjs_office=_org("bpjstk-kanwil-sumbagsel"),
        starts_on=date(2024, 1, 1),
        ends_on=date(2026, 12, 10),
        programs=[program],
    )
    transfer_post(
        actor=None,
        program=program,
        kind="to_bpjs",
        region_code="17",
        transferred_on=date(2024, 2, 5),
        amount=39_487 * 12 * MONTHLY,
        reference="IURAN/BKL/2024",
    )
    return program


def seed_programs() -> list[Program]:
    """The demo programs with their agreements, allocations, transfers and enrolments."""
    if Program.objects.filter(code="BKBK-JAMBI-2025").exists():
        return list(Program.objects.all())
    return [_bkbk_jambi(), _kota_jambi(), _bengkulu()]
