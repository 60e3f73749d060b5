"""API of the money trail: allocations, transfers (posted, never edited: a
correction is a reversal), the funnel and idle villages."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from jaring.access.permissions import can_edit_data
from jaring.api_input import Cursor, Date, Days, Id, Limit, RegionFilter, Rupiah, SmallNumber, Year
from jaring.funds import selectors, services
from jaring.funds.models import TransferKind
from jaring.guards import require
from jaring.i18n import N_
from jaring.paging import keyset_page
from jaring.programs.selectors import program_get, programs_visible_to

EDITORS_ONLY = N_("Hanya operator dan admin yang dapat mencatat dana.")

router = Router(tags=["Alur dana"])


class FunnelOut(Schema):
    budget: int
    allocated: int
    to_regency: int
    to_village: int
    to_bpjs: int
    percent: dict[str, float]


@router.get(
    "/programs/{program_id}/funnel", response=FunnelOut, summary="Alur dana program (rupiah dan persen)"
)
def program_funnel(request, program_id: Id, region: RegionFilter = ""):
    program = program_get(request.user, program_id)
    report = selectors.funnel_report(request.user, [program], region=region)
    return report.programs[0][1].as_dict()


class AllocationOut(Schema):
    id: int
    program: str
    region_code: str
    region_name: str
    amount: int
    derived_from_quota: bool


class AllocationIn(Schema):
    program_id: Id
    region_code: str
    amount: Rupiah


class TransferOut(Schema):
    id: int
    program: str
    kind: str
    region_code: str
    stage: int
    transferred_on: date
    amount: int
    reference: str
    reverses: str | None
    reason: str


class TransferIn(Schema):
    program_id: Id
    kind: str
    region_code: str
    transferred_on: Date
    amount: Rupiah
    reference: str
    stage: SmallNumber = 1


class TransferReverseIn(Schema):
    reason: str
    on: Date | None = None


class FunnelRow(Schema):
    code: str
    name: str
    budget: int
    allocated: int
    to_regency: int
    to_village: int
    to_bpjs: int


class FunnelReportOut(Schema):
    total: dict
    programs: list[FunnelRow]
    regencies: list[FunnelRow]


class IdleOut(Schema):
    program: str
    village_code: str
    village_name: str
    received: int
    paid: int
    last_received_on: date
    idle_days: int


def _transfer_out(t) -> dict:
    return {
        "id": t.pk,
        "program": t.program.code,
        "kind": t.kind,
        "region_code": t.region_id,
        "stage": t.stage,
        "transferred_on": t.transferred_on,
        "amount": t.amount,
        "reference": t.reference,
        "reverses": t.reverses.reference if t.reverses_id else None,
        "reason": t.reason,
    }


def _row(code: str, name: str, funnel) -> dict:
    return {"code": code, "name": name, **{k: v for k, v in funnel.as_dict().items() if k != "percent"}}


@router.get("/allocations", response=list[AllocationOut], summary="Alokasi anggaran per wilayah")
def allocation_list(request, program_id: Id):
    program = program_get(request.user, program_id)
    found = selectors.allocations_visible_to(request.user).filter(program=program).order_by("region_id")
    return [
        {
            "id": a.pk,
            "program": program.code,
            "region_code": a.region_id,
            "region_name": a.region.name,
            "amount": a.amount,
            "derived_from_quota": a.derived_from_quota,
        }
        for a in found[:5000]
    ]


@router.post("/allocations", response={201: AllocationOut}, summary="Tetapkan alokasi satu wilayah")
def allocation_set(request, payload: AllocationIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = program_get(request.user, payload.program_id)
    allocation = services.allocation_set(
        actor=request.user, program=program, region_code=payload.region_code, amount=payload.amount
    )
    return Status(
        201,
        {
            "id": allocation.pk,
            "program": program.code,
            "region_code": allocation.region_id,
            "region_name": allocation.region.name,
            "amount": allocation.amount,
            "derived_from_quota": allocation.derived_from_quota,
        },
    )


@router.get("/transfers", response=dict[str, list[TransferOut] | int | None], summary="Buku transfer")
def transfer_list(
    request, program_id: Id | None = None, kind: str = "", after: Cursor | None = None, limit: Limit = 100
):
    found = selectors.transfers_visible_to(request.user)
    if program_id:
        found = found.filter(program_id=program_id)
    if kind in TransferKind.values:
        found = found.filter(kind=kind)
    rows, next_after = keyset_page(found, after=after, limit=limit, newest_first=True)
    return {"items": [_transfer_out(t) for t in rows], "next_after": next_after}


@router.post("/transfers", response={201: TransferOut}, summary="Catat transfer (bukti diunggah lewat web)")
def transfer_post(request, payload: TransferIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = program_get(request.user, payload.program_id)
    transfer = services.transfer_post(
        actor=request.user,
        program=program,
        kind=payload.kind,
        region_code=payload.region_code,
        transferred_on=payload.transferred_on,
        amount=payload.amount,
        reference=payload.reference,
        stage=payload.stage,
    )
    return Status(201, _transfer_out(transfer))


@router.post(
    "/transfers/{transfer_id}/reverse", response={201: TransferOut}, summary="Koreksi (entri pembalik)"
)
def transfer_reverse(request, transfer_id: Id, payload: TransferReverseIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    transfer = get_object_or_404(selectors.transfers_visible_to(request.user), pk=transfer_id)
    reversal = services.transfer_reverse(
        actor=request.user, transfer=transfer, reason=payload.reason, on=payload.on
    )
    return Status(201, _transfer_out(reversal))


@router.get("/funnel", response=FunnelReportOut, summary="Alur dana semua program yang terlihat")
def funnel(request, year: Year | None = None, region: RegionFilter = ""):
    programs = programs_visible_to(request.user)
    if year:
        programs = programs.filter(fiscal_year=year)
    report = selectors.funnel_report(request.user, programs, region=region)
    return {
        "total": report.total.as_dict(),
        "programs": [_row(p.code, p.name, f) for p, f in report.programs],
        "regencies": [_row(code, name, f) for code, name, f in report.regencies],
    }


@router.get("/idle-villages", response=list[IdleOut], summary="Desa dengan dana mengendap")
def idle_villages(request, days: Days | None = None):
    found = selectors.idle_villages(
        request.user,
        list(programs_visible_to(request.user)),
        today=timezone.localdate(),
        days=days,
        limit=1000,
    )
    return [
        {
            "program": v.program.code,
            "village_code": v.village_code,
            "village_name": v.village_name,
            "received": v.received,
            "paid": v.paid,
            "last_received_on": v.last_received_on,
            "idle_days": v.idle_days,
        }
        for v in found.villages
    ]
