"""API of funding programs, enrolments and agreements (through the jurisdiction
selectors of jaring.programs.selectors)."""

from __future__ import annotations

from datetime import date, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from jaring.access.permissions import can_edit_data, sees_full_nik
from jaring.accounts.models import Organization
from jaring.accounts.selectors import organization_by_code
from jaring.api_input import Count, Cursor, Date, Days, Id, Income, Limit, Months, Rupiah, Year
from jaring.errors import NotFound
from jaring.guards import require
from jaring.i18n import N_
from jaring.paging import keyset_page
from jaring.privacy import mask_nik
from jaring.programs import selectors, services
from jaring.registry.selectors import participants_visible_to
from jaring.sheets.cells import compact

EDITORS_ONLY = N_("Hanya operator dan admin yang dapat mengubah data program.")

router = Router(tags=["Program dan PKS"])


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    source: str
    payer: str
    fiscal_year: int
    starts_on: date
    ends_on: date
    coverage_months: int
    package: str
    declared_income: int
    budget_ceiling: int
    quota_total: int | None
    quotas: dict[str, int]
    target_regions: list[str]
    enrolled_active: int
    committed_rupiah: int


class ProgramIn(Schema):
    code: str
    name: str
    source: str
    payer: str  # organization code
    fiscal_year: Year
    starts_on: Date
    coverage_months: Months
    budget_ceiling: Rupiah
    target_regions: list[str]
    package: str = "JKK_JKM"
    declared_income: Income = 1_000_000
    quota_total: Count | None = None
    quotas: dict[str, Count] = {}


class EnrolmentOut(Schema):
    id: int
    program: str
    participant_id: int
    nik: str
    village_code: str
    category: str
    starts_on: date
    ends_on: date | None
    status: str
    end_reason: str


class EnrolmentIn(Schema):
    nik: str
    starts_on: Date | None = None


class EnrolmentEnd(Schema):
    ends_on: Date
    reason: str


class EnrolmentMove(Schema):
    to_program: str  # program code
    on: Date
    reason: str


class AgreementOut(Schema):
    id: int
    number: str
    title: str
    payer: str
    bpjs_office: str
    starts_on: date
    ends_on: date
    days_to_expiry: int
    programs: list[str]
    renews: str | None
    renewed_by: str | None
    has_document: bool


class AgreementIn(Schema):
    number: str
    title: str = ""
    payer: str
    bpjs_office: str
    starts_on: Date
    ends_on: Date
    programs: list[str] = []
    renews: str | None = None


def _program_out(program) -> dict:
    return {
        "id": program.pk,
        "code": program.code,
        "name": program.name,
        "source": program.source,
        "payer": program.payer.code,
        "fiscal_year": program.fiscal_year,
        "starts_on": program.starts_on,
        "ends_on": program.ends_on,
        "coverage_months": program.coverage_months,
        "package": program.package,
        "declared_income": program.declared_income,
        "budget_ceiling": program.budget_ceiling,
        "quota_total": program.quota_total,
        "quotas": {q.category: q.per_village for q in program.quotas.all()},
        "target_regions": [r.code for r in program.target_regions.all()],
        "enrolled_active": program.enrolled_active,
        "committed_rupiah": program.committed_rupiah,
    }


def _enrolment_out(user, enrolment) -> dict:
    nik = enrolment.participant.nik
    return {
        "id": enrolment.pk,
        "program": enrolment.program.code,
        "participant_id": enrolment.participant_id,
        "nik": nik if sees_full_nik(user) else mask_nik(nik),
        "village_code": enrolment.village_id,
        "category": enrolment.category,
        "starts_on": enrolment.starts_on,
        "ends_on": enrolment.ends_on,
        "status": enrolment.status,
        "end_reason": enrolment.end_reason,
    }


def _agreement_out(agreement, today: date) -> dict:
    renewal = getattr(agreement, "renewed_by", None)
    return {
        "id": agreement.pk,
        "number": agreement.number,
        "title": agreement.title,
        "payer": agreement.payer.code,
        "bpjs_office": agreement.bpjs_office.code,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "days_to_expiry": selectors.days_to_expiry(agreement, today),
        "programs": [p.code for p in agreement.programs.all()],
        "renews": agreement.renews.number if agreement.renews_id else None,
        "renewed_by": renewal.number if renewal else None,
        "has_document": bool(agreement.document),
    }


def _organization(code: str, field: str) -> Organization:
    found = organization_by_code(code, active_only=True)
    if found is None:
        raise NotFound(
            N_("Organisasi '%(organization)s' tidak ditemukan."),
            params={"organization": str(code)},
            code="organization_unknown",
            field=field,
        )
    return found


@router.get("/programs", response=list[ProgramOut], summary="Program pendanaan yang terlihat")
def program_list(request, year: Year | None = None, source: str = ""):
    programs = selectors.programs_visible_to(request.user).prefetch_related("quotas", "target_regions")
    if year:
        programs = programs.filter(fiscal_year=year)
    if source:
        programs = programs.filter(source=source)
    return [_program_out(p) for p in programs.order_by("-fiscal_year", "code")[:500]]


@router.post("/programs", response={201: ProgramOut}, summary="Buat program pendanaan")
def program_create(request, payload: ProgramIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = services.program_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        source=payload.source,
        payer=_organization(payload.payer, "payer"),
        fiscal_year=payload.fiscal_year,
        starts_on=payload.starts_on,
        coverage_months=payload.coverage_months,
        budget_ceiling=payload.budget_ceiling,
        target_region_codes=payload.target_regions,
        package=payload.package,
        declared_income=payload.declared_income,
        quota_total=payload.quota_total,
        quotas=payload.quotas,
    )
    return Status(201, _program_out(program))


@router.get("/programs/{program_id}", response=ProgramOut, summary="Satu program")
def program_get(request, program_id: Id):
    return _program_out(selectors.program_get(request.user, program_id))


@router.get("/programs/{program_id}/enrolments", response=dict[str, list[EnrolmentOut] | int | None])
def enrolment_list(
    request, program_id: Id, status: str = "", after: Cursor | None = None, limit: Limit = 100
):
    """Enrolments in the user's jurisdiction, newest first; ``after`` pages by id."""
    program = selectors.program_get(request.user, program_id)
    found = selectors.program_enrolments(request.user, program, status=status)
    rows, next_after = keyset_page(found, after=after, limit=limit, newest_first=True)
    return {"items": [_enrolment_out(request.user, e) for e in rows], "next_after": next_after}


@router.post("/programs/{program_id}/enrolments", response={201: EnrolmentOut}, summary="Daftarkan peserta")
def enrolment_create(request, program_id: Id, payload: EnrolmentIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = selectors.program_get(request.user, program_id)
    nik = compact(payload.nik)
    person = participants_visible_to(request.user).filter(nik=nik).first()
    if person is None:
        raise NotFound(
            N_("NIK %(nik)s tidak ditemukan di wilayah kerja Anda."),
            params={"nik": str(nik)},
            code="participant_unknown",
            field="nik",
        )
    enrolment = services.enrolment_create(
        actor=request.user, program=program, participant=person, starts_on=payload.starts_on
    )
    return Status(201, _enrolment_out(request.user, enrolment))


def _enrolment(request, enrolment_id: Id):
    return get_object_or_404(
        selectors.enrolments_visible_to(request.user).select_related("program", "participant"),
        pk=enrolment_id,
    )


@router.post("/enrolments/{enrolment_id}/end", response=EnrolmentOut, summary="Akhiri kepesertaan")
def enrolment_end(request, enrolment_id: Id, payload: EnrolmentEnd):
    require(can_edit_data(request.user), EDITORS_ONLY)
    enrolment = services.enrolment_end(
        actor=request.user,
        enrolment=_enrolment(request, enrolment_id),
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return _enrolment_out(request.user, enrolment)


@router.post(
    "/enrolments/{enrolment_id}/transfer", response={201: EnrolmentOut}, summary="Pindahkan ke program lain"
)
def enrolment_transfer(request, enrolment_id: Id, payload: EnrolmentMove):
    require(can_edit_data(request.user), EDITORS_ONLY)
    enrolment = _enrolment(request, enrolment_id)
    target = selectors.program_by_code(request.user, payload.to_program)
    if target is None:
        raise NotFound(
            N_("Program %(program)s tidak ditemukan."),
            params={"program": str(payload.to_program)},
            code="program_unknown",
            field="to_program",
        )
    new = services.enrolment_transfer(
        actor=request.user, enrolment=enrolment, to_program=target, on=payload.on, reason=payload.reason
    )
    return Status(201, _enrolment_out(request.user, new))


@router.get("/agreements", response=list[AgreementOut], summary="PKS/MoU, dengan sisa hari")
def agreement_list(request, ending_within: Days | None = None):
    today = timezone.localdate()
    agreements = selectors.agreements_visible_to(request.user).prefetch_related("programs")
    if ending_within is not None:
        agreements = agreements.filter(ends_on__lte=today + timedelta(days=ending_within))
    return [_agreement_out(a, today) for a in agreements.order_by("ends_on")[:500]]


@router.post(
    "/agreements", response={201: AgreementOut}, summary="Catat PKS/MoU (dokumen diunggah lewat web)"
)
def agreement_create(request, payload: AgreementIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    programs = []
    for code in payload.programs:
        program = selectors.program_by_code(request.user, code)
        if program is None:
            raise NotFound(
                N_("Program %(program)s tidak ditemukan."),
                params={"program": str(code)},
                code="program_unknown",
                field="programs",
            )
        programs.append(program)
    renews = None
    if payload.renews:
        renews = selectors.agreements_visible_to(request.user).filter(number=payload.renews).first()
        if renews is None:
            raise NotFound(
                N_("PKS %(agreement)s tidak ditemukan."),
                params={"agreement": str(payload.renews)},
                code="agreement_unknown",
                field="renews",
            )
    agreement = services.agreement_create(
        actor=request.user,
        number=payload.number,
        title=payload.title,
        payer=_organization(payload.payer, "payer"),
        bpjs_office=_organization(payload.bpjs_office, "bpjs_office"),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        programs=programs,
        renews=renews,
    )
    return Status(201, _agreement_out(agreement, timezone.localdate()))


@router.get("/agreements/{agreement_id}", response=AgreementOut, summary="Satu PKS/MoU")
def agreement_get(request, agreement_id: Id):
    return _agreement_out(selectors.agreement_get(request.user, agreement_id), timezone.localdate())
