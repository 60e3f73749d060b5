"""Writes to the money trail: allocations and transfers. A refused transfer changes
nothing; a posted one is corrected only by a reversing entry."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from jaring import codes
from jaring.access.permissions import acts_as_platform, author, can_edit_data
from jaring.access.rules import levels_text
from jaring.access.scoping import jurisdiction_of
from jaring.accounts.models import OrgKind
from jaring.audit.services import audit_record
from jaring.contributions.selectors import monthly_contribution
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.formats import figures
from jaring.funds.models import Allocation, Transfer, TransferKind, TransferTotal
from jaring.funds.selectors import transfer_sums_by_area
from jaring.i18n import N_
from jaring.programs.models import Program
from jaring.regions.models import Region, RegionLevel


def _require_money_editor(actor, program: Program, region_code: str) -> None:
    """The payer's officers, or officers whose jurisdiction holds the region."""
    if acts_as_platform(actor):
        return
    if not can_edit_data(actor):
        raise PermissionDeniedError(N_("Hanya operator dan admin yang dapat mencatat dana."))
    if actor.organization_id != program.payer_id and not jurisdiction_of(actor).contains(region_code):
        raise PermissionDeniedError(N_("Wilayah ini di luar wilayah kerja Anda."))


def _in_program(program: Program, code: str) -> bool:
    return any(
        code.startswith(t) or t.startswith(code)
        for t in program.target_regions.values_list("code", flat=True)
    )


def _region(code: str, *, levels: tuple[str, ...], field: str) -> Region:
    normalized = codes.try_normalize(code or "")
    region = Region.objects.filter(code=normalized).first() if normalized else None
    if region is None:
        raise InvalidInput(
            N_("Kode wilayah '%(code)s' tidak dikenal."),
            params={"code": str(code)},
            code="region_unknown",
            field=field,
        )
    if region.level not in levels:
        raise InvalidInput(
            N_("%(region)s bukan %(levels)s."),
            params={"region": region.name, "levels": levels_text(levels)},
            code="region_level",
            field=field,
        )
    return region


@transaction.atomic
def allocation_set(*, actor, program: Program, region_code: str, amount: int) -> Allocation:
    """Set the budget meant for a regency or a village (the total stays within the
    ceiling; a village's within its regency's)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    region = _region(region_code, levels=(RegionLevel.REGENCY, RegionLevel.VILLAGE), field="region")
    _require_money_editor(actor, program, region.code)
    if amount is None or amount <= 0:
        raise InvalidInput(
            N_("Jumlah alokasi harus lebih dari nol."), code="amount_not_positive", field="amount"
        )
    if not _in_program(program, region.code):
        raise InvalidInput(
            N_("%(region)s bukan wilayah sasaran program %(program)s."),
            params={"region": region.name, "program": program.code},
            code="outside_program_regions",
            field="region",
        )
    same_level = Allocation.objects.filter(program=program, region__level=region.level).exclude(region=region)
    if region.level == RegionLevel.REGENCY:
        others = same_level.aggregate(s=Sum("amount"))["s"] or 0
        if others + amount > program.budget_ceiling:
            raise InvalidInput(
                N_("Alokasi melebihi pagu: sudah %(used)s dari %(ceiling)s."),
                params={"used": figures.money(others), "ceiling": figures.money(program.budget_ceiling)},
                code="allocation_over_budget",
                field="amount",
            )
    else:
        regency = Allocation.objects.filter(program=program, region_id=region.code[:4]).first()
        siblings = (
            same_level.filter(region__code__startswith=region.code[:4]).aggregate(s=Sum("amount"))["s"] or 0
        )
        if regency is not None and siblings + amount > regency.amount:
            raise InvalidInput(
                N_("Alokasi desa melebihi alokasi kabupaten/kota (%(amount)s)."),
                params={"amount": figures.money(regency.amount)},
                code="allocation_over_parent",
                field="amount",
            )
    current = Allocation.objects.filter(program=program, region=region).first()
    before = current.amount if current else None
    allocation, _created = Allocation.objects.update_or_create(
        program=program, region=region, defaults={"amount": amount, "derived_from_quota": False}
    )
    audit_record(
        actor=actor,
        action="allocation.set",
        target_type="program",
        target_id=program.pk,
        target_repr=f"{program.code} {region.name}",
        changes={"allocation": [before, amount], "region": [None, region.code]},
        region_code=region.code,
    )
    return allocation


@transaction.atomic
def allocations_from_quotas(*, actor, program: Program) -> int:
    """Allocate to every village of the program's regions its quota x months x the
    monthly contribution, and to each regency the sum of its villages. Replaces
    earlier derived allocations; returns the total allocated."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _require_money_editor(actor, program, program.region_code)
    per_village = sum(program.quotas.values_list("per_village", flat=True))
    if not per_village:
        raise InvalidInput(N_("Program ini tidak punya kuota per desa."), code="no_quota", field="quotas")
    monthly = monthly_contribution(
        on=program.starts_on, package=program.package, source=program.source, income=program.declared_income
    ).total
    each = per_village * program.coverage_months * monthly
    villages = set()
    for target in program.target_regions.all():
        upper = codes.prefix_upper_bound(target.code)
        found = Region.objects.filter(level=RegionLevel.VILLAGE, code__gte=target.code)
        villages |= set((found.filter(code__lt=upper) if upper else found).values_list("code", flat=True))
    if not villages:
        raise InvalidInput(N_("Wilayah sasaran tidak memuat desa/kelurahan."), code="no_villages")
    total = each * len(villages)
    if total > program.budget_ceiling:
        raise InvalidInput(
            N_(
                "Kuota x %(months)s bulan x %(monthly)s untuk %(villages)s desa = "
                "%(total)s, melebihi pagu %(ceiling)s."
            ),
            params={
                "months": program.coverage_months,
                "monthly": figures.money(monthly),
                "villages": len(villages),
                "total": figures.money(total),
                "ceiling": figures.money(program.budget_ceiling),
            },
            code="allocation_over_budget",
        )
    by_regency: dict[str, int] = defaultdict(int)
    for village in villages:
        by_regency[village[:4]] += each
    Allocation.objects.filter(program=program).delete()
    Allocation.objects.bulk_create(
        [
            Allocation(program=program, region_id=code, amount=amount, derived_from_quota=True)
            for code, amount in sorted(by_regency.items())
        ]
        + [
            Allocation(program=program, region_id=code, amount=each, derived_from_quota=True)
            for code in sorted(villages)
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action="allocation.from_quota",
        target_type="program",
        target_id=program.pk,
        target_repr=program.code,
        changes={"villages": [None, len(villages)], "per_village": [None, each], "total": [None, total]},
        region_code=program.region_code,
    )
    return total


def _net(program: Program, kind: str, region_prefix: str | None = None) -> int:
    moved = Transfer.objects.filter(program=program, kind=kind)
    if region_prefix:
        moved = moved.filter(region__code__startswith=region_prefix)
    return moved.aggregate(s=Sum("amount"))["s"] or 0


def _check_transfer_limits(program: Program, kind: str, region: Region, amount: int) -> None:
    allocation = Allocation.objects.filter(program=program, region=region).first()
    if kind == TransferKind.TO_REGENCY:
        already = _net(program, kind, region.code)
        if allocation is not None and already + amount > allocation.amount:
            raise InvalidInput(
                N_("Transfer melebihi alokasi %(region)s: sudah %(used)s dari %(allocation)s."),
                params={
                    "region": region.name,
                    "used": figures.money(already),
                    "allocation": figures.money(allocation.amount),
                },
                code="transfer_over_allocation",
                field="amount",
            )
        total = _net(program, kind)
        if total + amount > program.budget_ceiling:
            raise InvalidInput(
                N_("Transfer melebihi pagu program: sudah %(used)s dari %(ceiling)s."),
                params={"used": figures.money(total), "ceiling": figures.money(program.budget_ceiling)},
                code="transfer_over_budget",
                field="amount",
            )
    elif kind == TransferKind.TO_VILLAGE:
        already = _net(program, kind, region.code)
        if allocation is not None and already + amount > allocation.amount:
            raise InvalidInput(
                N_("Transfer melebihi alokasi %(region)s: sudah %(used)s dari %(allocation)s."),
                params={
                    "region": region.name,
                    "used": figures.money(already),
                    "allocation": figures.money(allocation.amount),
                },
                code="transfer_over_allocation",
                field="amount",
            )
        if program.payer.kind == OrgKind.PROVINCE:  # province money reaches villages through the regency
            received = _net(program, TransferKind.TO_REGENCY, region.code[:4])
            passed_on = _net(program, kind, region.code[:4])
            if passed_on + amount > received:
                raise InvalidInput(
                    N_(
                        "Kabupaten/kota baru menerima %(received)s "
                        "dan sudah menyalurkan %(passed)s; sisa %(left)s."
                    ),
                    params={
                        "received": figures.money(received),
                        "passed": figures.money(passed_on),
                        "left": figures.money(max(received - passed_on, 0)),
                    },
                    code="transfer_over_received",
                    field="amount",
                )
        total = _net(program, kind)
        if total + amount > program.budget_ceiling:
            raise InvalidInput(
                N_("Transfer melebihi pagu program."), code="transfer_over_budget", field="amount"
            )
    else:  # to BPJS: a village pays from what it received; a payer from its budget
        if region.level == RegionLevel.VILLAGE and _net(program, TransferKind.TO_VILLAGE):
            received = _net(program, TransferKind.TO_VILLAGE, region.code)
            paid = _net(program, kind, region.code)
            if paid + amount > received:
                raise InvalidInput(
                    N_("%(region)s baru menerima %(received)s dan sudah membayar %(paid)s; sisa %(left)s."),
                    params={
                        "region": region.name,
                        "received": figures.money(received),
                        "paid": figures.money(paid),
                        "left": figures.money(max(received - paid, 0)),
                    },
                    code="transfer_over_received",
                    field="amount",
                )
        total = _net(program, kind)
        if total + amount > program.budget_ceiling:
            raise InvalidInput(
                N_("Pembayaran melebihi pagu program."), code="transfer_over_budget", field="amount"
            )


_LEVELS = {
    TransferKind.TO_REGENCY: (RegionLevel.REGENCY,),
    TransferKind.TO_VILLAGE: (RegionLevel.VILLAGE,),
    TransferKind.TO_BPJS: (RegionLevel.VILLAGE, RegionLevel.REGENCY, RegionLevel.PROVINCE),
}


def _check_pdf_or_image(evidence) -> None:
    if evidence is None:
        return
    head = evidence.read(8)
    evidence.seek(0)
    if not (head.startswith(b"%PDF-") or head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8")):
        raise InvalidInput(
            N_("Bukti transfer harus PDF, PNG atau JPG."), code="evidence_type", field="evidence"
        )
    if evidence.size > 10 * 1024 * 1024:
        raise InvalidInput(
            N_("Bukti transfer paling besar 10 MB."), code="evidence_too_large", field="evidence"
        )


def _add_to_totals(transfer: Transfer) -> None:
    """Keep ``TransferTotal`` in step with a transfer just written (called inside the
    poster's transaction)."""
    area = transfer.region_id[:4]
    total, _created = TransferTotal.objects.select_for_update().get_or_create(
        program_id=transfer.program_id, kind=transfer.kind, area=area
    )
    TransferTotal.objects.filter(pk=total.pk).update(amount=F("amount") + transfer.amount)


@transaction.atomic
def transfer_totals_rebuild() -> int:
    """Recompute every ``TransferTotal`` from the transfers (after a bulk load or a
    repair); returns the number of rows."""
    TransferTotal.objects.all().delete()
    rows = [TransferTotal(program_id=p, kind=k, area=a, amount=t) for p, k, a, t in transfer_sums_by_area()]
    TransferTotal.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def transfer_post(
    *,
    actor,
    program: Program,
    kind: str,
    region_code: str,
    transferred_on: date,
    amount: int,
    reference: str,
    stage: int = 1,
    evidence=None,
) -> Transfer:
    """Post money moved along the trail; refused (nothing written) when the amount
    is not positive, the date lies outside the fiscal year or in the future, the
    reference was used before, or the amount goes beyond the allocation, what the
    sender received, or the budget."""
    program = Program.objects.select_for_update().select_related("payer").get(pk=program.pk)
    if kind not in TransferKind.values:
        raise InvalidInput(
            N_("Jenis transfer '%(kind)s' tidak dikenal."),
            params={"kind": str(kind)},
            code="kind_unknown",
            field="kind",
        )
    region = _region(region_code, levels=_LEVELS[TransferKind(kind)], field="region")
    _require_money_editor(actor, program, region.code)
    if amount is None or amount <= 0:
        raise InvalidInput(
            N_("Jumlah transfer harus lebih dari nol."), code="amount_not_positive", field="amount"
        )
    if transferred_on.year != program.fiscal_year:
        raise InvalidInput(
            N_("Tanggal %(date)s di luar tahun anggaran %(year)s."),
            params={"date": figures.day(transferred_on), "year": str(program.fiscal_year)},
            code="date_outside_fiscal_year",
            field="transferred_on",
        )
    if transferred_on > timezone.localdate():
        raise InvalidInput(
            N_("Tanggal transfer tidak boleh di masa depan."), code="date_in_future", field="transferred_on"
        )
    if stage < 1:
        raise InvalidInput(N_("Tahap mulai dari 1."), code="stage_invalid", field="stage")
    reference = " ".join((reference or "").split())
    if not reference:
        raise InvalidInput(N_("Nomor referensi wajib diisi."), code="required", field="reference")
    if Transfer.objects.filter(program=program, reference=reference).exists():
        raise Conflict(
            N_("Nomor referensi %(reference)s sudah dipakai di program %(program)s."),
            params={"reference": reference, "program": program.code},
            code="reference_taken",
            field="reference",
        )
    if not _in_program(program, region.code):
        raise InvalidInput(
            N_("%(region)s bukan wilayah sasaran program %(program)s."),
            params={"region": region.name, "program": program.code},
            code="outside_program_regions",
            field="region",
        )
    _check_transfer_limits(program, kind, region, amount)
    _check_pdf_or_image(evidence)
    transfer = Transfer(
        program=program,
        kind=kind,
        region=region,
        stage=stage,
        transferred_on=transferred_on,
        amount=amount,
        reference=reference,
        posted_by=author(actor),
    )
    if evidence is not None:
        transfer.evidence.save(getattr(evidence, "name", "bukti") or "bukti", evidence, save=False)
    transfer.save()
    _add_to_totals(transfer)
    audit_record(
        actor=actor,
        action="transfer.post",
        target_type="transfer",
        target_id=transfer.pk,
        target_repr=f"{program.code} {reference}",
        changes={
            "kind": [None, kind],
            "region": [None, region.code],
            "stage": [None, stage],
            "transferred_on": [None, transferred_on.isoformat()],
            "amount": [None, amount],
            "reference": [None, reference],
        },
        region_code=region.code,
    )
    return transfer


@transaction.atomic
def transfer_reverse(*, actor, transfer: Transfer, reason: str, on: date | None = None) -> Transfer:
    """Correct a posted transfer with a reversing entry (the original stays)."""
    original = Transfer.objects.select_for_update().select_related("program", "region").get(pk=transfer.pk)
    program = Program.objects.select_for_update().get(pk=original.program_id)
    _require_money_editor(actor, program, original.region_id)
    if original.reverses_id is not None:
        raise InvalidInput(N_("Entri koreksi tidak dapat dibatalkan lagi."), code="reversal_of_reversal")
    if Transfer.objects.filter(reverses=original).exists():
        raise Conflict(
            N_("Transfer %(reference)s sudah dibatalkan."),
            params={"reference": original.reference},
            code="already_reversed",
        )
    if not reason or not reason.strip():
        raise InvalidInput(N_("Alasan koreksi wajib diisi."), code="required", field="reason")
    on = on or timezone.localdate()
    if on < original.transferred_on:
        raise InvalidInput(
            N_("Tanggal koreksi sebelum tanggal transfer."), code="date_before_original", field="on"
        )
    if original.kind != TransferKind.TO_BPJS:
        # Money passed on further down cannot be taken back from under it.
        downstream = (
            TransferKind.TO_VILLAGE if original.kind == TransferKind.TO_REGENCY else TransferKind.TO_BPJS
        )
        received = _net(program, original.kind, original.region_id)
        passed_on = _net(program, downstream, original.region_id)
        chained = program.payer.kind == OrgKind.PROVINCE or downstream == TransferKind.TO_BPJS
        if chained and received - original.amount < passed_on:
            raise InvalidInput(
                N_("%(region)s sudah menyalurkan %(passed)s; batalkan dulu transfer lanjutannya."),
                params={"region": original.region.name, "passed": figures.money(passed_on)},
                code="reversal_below_downstream",
            )
    reversal = Transfer.objects.create(
        program=program,
        kind=original.kind,
        region=original.region,
        stage=original.stage,
        transferred_on=on,
        amount=-original.amount,
        reference=f"{original.reference}/KOREKSI",
        reverses=original,
        reason=reason.strip(),
        posted_by=author(actor),
    )
    _add_to_totals(reversal)
    audit_record(
        actor=actor,
        action="transfer.reverse",
        target_type="transfer",
        target_id=original.pk,
        target_repr=f"{program.code} {original.reference}",
        changes={
            "reversed_by": [None, reversal.reference],
            "amount": [original.amount, 0],
            "reason": [None, reason.strip()],
        },
        region_code=original.region_id,
    )
    return reversal
