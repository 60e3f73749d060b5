"""API of claims and benefits (through the jurisdiction selectors of
jaring.claims.selectors). NIKs and account numbers are masked for roles without need."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jaring.access.permissions import sees_full_nik
from jaring.api_input import Cursor, Date, Id, Income, Limit, Months, RegionFilter, Rupiah, SmallNumber
from jaring.claims import benefits, permissions, selectors, services
from jaring.claims.models import Claim, ClaimHeir, ClaimKind, ClaimStatus
from jaring.errors import InvalidInput, NotFound
from jaring.i18n import N_
from jaring.paging import keyset_page
from jaring.privacy import mask_nik
from jaring.registry.selectors import participants_visible_to
from jaring.sheets.cells import compact

router = Router(tags=["Klaim dan manfaat"])


class HeirIn(Schema):
    full_name: str
    relation: str
    nik: str
    bank_name: str
    account_number: str
    account_holder: str
    phone: str = ""


class ChildIn(Schema):
    full_name: str
    birth_date: Date
    level: str
    school_year: SmallNumber = 1


class ClaimIn(Schema):
    nik: str
    kind: str
    event_date: Date
    event_place: str
    description: str
    disability_pct: str | None = None
    reported_on: Date | None = None
    heirs: list[HeirIn] = []
    children: list[ChildIn] = []


class TransitionIn(Schema):
    to: str  # documents_complete | verified | paid | rejected | reported (back for documents)
    on: Date | None = None
    note: str = ""
    reason: str = ""  # rejected
    incapacity_months: Months | None = None  # verified, jkk_injury
    disability_pct: str | None = None  # verified, jkk_partial_disability
    paid_on: Date | None = None  # paid
    amount: Rupiah | None = None
    recipient_heir_id: Id | None = None
    recipient_name: str = ""
    recipient_bank: str = ""
    recipient_account: str = ""
    reference: str = ""


class HeirOut(Schema):
    id: int
    full_name: str
    relation: str
    nik: str
    phone: str
    bank_name: str
    account_number: str
    account_holder: str


class ChildOut(Schema):
    id: int
    full_name: str
    birth_date: date
    level: str
    school_year: int


class DocumentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: str


class StepOut(Schema):
    on: date
    from_status: str
    to_status: str
    actor: str
    note: str


class BenefitLineOut(Schema):
    component: str
    label: str
    rupiah: int
    detail: str
    basis: str


class ClaimRefundOut(Schema):
    died_on: date
    months: int
    rupiah: int
    payer: str | None
    status: str


class ClaimSummary(Schema):
    id: int
    reference: str
    participant_id: int
    participant_name: str
    nik: str
    village_code: str
    kind: str
    status: str
    event_date: date
    reported_on: date
    quote_total: int | None
    paid_on: date | None
    paid_rupiah: int | None


class ClaimOut(ClaimSummary):
    event_place: str
    description: str
    disability_pct: str | None
    incapacity_months: int | None
    protection_status: str
    paid_through: date | None
    verified_on: date | None
    quote: dict[str, int] | None
    quote_lines: list[BenefitLineOut]
    quote_income: int | None
    quote_membership_months: int | None
    quote_notes: list[str]
    scholarship_children: int
    scholarship_rupiah: int
    recipient_name: str
    recipient_bank: str
    recipient_account: str
    payment_reference: str
    days_to_payment: int | None
    rejection_reason: str
    heirs: list[HeirOut]
    children: list[ChildOut]
    documents: list[DocumentOut]
    missing_documents: list[str]
    timeline: list[StepOut]
    refund: ClaimRefundOut | None


class ClaimPage(Schema):
    items: list[ClaimSummary]
    next_after: int | None


class QuoteOut(Schema):
    kind: str
    total_rupiah: int
    components: dict[str, int]
    lines: list[BenefitLineOut]
    notes: list[str]


class TotalsOut(Schema):
    claims: int
    rupiah: int
    scholarship_children: int
    scholarship_rupiah: int


class RegionTotalsOut(TotalsOut):
    code: str
    name: str


class MonthTotalsOut(TotalsOut):
    month: str


class BenefitsReportOut(Schema):
    region: str | None
    date_from: date | None
    date_to: date | None
    totals: TotalsOut
    by_kind: dict[str, TotalsOut]
    median_days_to_payment: float | None
    average_days_to_payment: float | None
    regions: list[RegionTotalsOut]
    months: list[MonthTotalsOut]
    open_claims: dict[str, int]


class BenefitRuleOut(Schema):
    id: int
    kind: str
    component: str
    calculation: str
    amount_rupiah: int | None
    income_percent: int | None
    minimum_rupiah: int | None
    months_from: int | None
    months_to: int | None
    min_membership_months: int
    max_children: int | None
    effective_from: date
    effective_to: date | None
    basis: str


class ScholarshipLevelOut(Schema):
    level: str
    order: int
    annual_rupiah: int
    years: int
    effective_from: date
    effective_to: date | None


class BenefitRulesOut(Schema):
    rules: list[BenefitRuleOut]
    scholarship_levels: list[ScholarshipLevelOut]


def _nik(user, nik: str) -> str:
    return nik if sees_full_nik(user) else mask_nik(nik)


def _summary(user, claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "reference": claim.reference,
        "participant_id": claim.participant_id,
        "participant_name": claim.participant.full_name,
        "nik": _nik(user, claim.participant.nik),
        "village_code": claim.village_id,
        "kind": claim.kind,
        "status": claim.status,
        "event_date": claim.event_date,
        "reported_on": claim.reported_on,
        "quote_total": claim.quote_total,
        "paid_on": claim.paid_on,
        "paid_rupiah": claim.paid_rupiah,
    }


def _detail(user, claim: Claim) -> dict:
    documents = list(claim.documents.all())
    refund = selectors.refund_of(claim)
    readable = permissions.can_read_documents(user)
    return {
        **_summary(user, claim),
        "event_place": claim.event_place,
        "description": claim.description,
        "disability_pct": str(claim.disability_pct) if claim.disability_pct is not None else None,
        "incapacity_months": claim.incapacity_months,
        "protection_status": claim.protection_status,
        "paid_through": claim.paid_through,
        "verified_on": claim.verified_on,
        "quote": {ln["component"]: ln["rupiah"] for ln in claim.quote_lines}
        if claim.quote_total is not None
        else None,
        "quote_lines": claim.quote_lines,
        "quote_income": claim.quote_income,
        "quote_membership_months": claim.quote_membership_months,
        "quote_notes": claim.quote_notes,
        "scholarship_children": claim.scholarship_children,
        "scholarship_rupiah": claim.scholarship_rupiah,
        "recipient_name": claim.recipient_name,
        "recipient_bank": claim.recipient_bank,
        "recipient_account": selectors.account_for(user, claim.recipient_account)
        if claim.recipient_account
        else "",
        "payment_reference": claim.payment_reference,
        "days_to_payment": claim.days_to_payment,
        "rejection_reason": claim.rejection_reason,
        "heirs": [
            {
                "id": h.pk,
                "full_name": h.full_name,
                "relation": h.relation,
                "nik": _nik(user, h.nik),
                "phone": h.phone,
                "bank_name": h.bank_name,
                "account_number": selectors.account_for(user, h.account_number),
                "account_holder": h.account_holder,
            }
            for h in claim.heirs.all()
        ],
        "children": [
            {
                "id": c.pk,
                "full_name": c.full_name,
                "birth_date": c.birth_date,
                "level": c.level,
                "school_year": c.school_year,
            }
            for c in claim.children.all()
        ],
        # Document metadata for the parties of the claim only (like the files themselves).
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
                "uploaded_at": d.uploaded_at.isoformat(),
            }
            for d in documents
        ]
        if readable
        else [],
        "missing_documents": selectors.missing_document_labels(claim, documents) if claim.is_open else [],
        "timeline": [
            {
                "on": t.on,
                "from_status": t.from_status,
                "to_status": t.to_status,
                "actor": t.actor.username if t.actor else "",
                "note": t.note,
            }
            for t in claim.transitions.select_related("actor")
        ],
        "refund": {
            "died_on": refund.died_on,
            "months": refund.months,
            "rupiah": refund.rupiah,
            "payer": refund.payer.code if refund.payer else None,
            "status": refund.status,
        }
        if refund
        else None,
    }


def _claim(request, claim_id: Id) -> Claim:
    return selectors.claim_get(request.user, claim_id)


@router.get("/claims", response=ClaimPage, summary="Klaim di wilayah kerja (terbaru dulu)")
def claim_list(
    request,
    status: str = "",
    kind: str = "",
    region: RegionFilter = "",
    date_from: Date | None = None,
    date_to: Date | None = None,
    q: str = "",
    participant_id: Id | None = None,
    after: Cursor | None = None,
    limit: Limit = 100,
):
    """Filters: ``status``, ``kind``, ``region`` (code, with or without dots), event
    date ``date_from``..``date_to``, ``q`` (NIK or name); ``after`` pages by id."""
    if status and status not in ClaimStatus.values:
        raise InvalidInput(
            N_("Status '%(status)s' tidak dikenal."),
            params={"status": status},
            code="status_unknown",
            field="status",
        )
    if kind and kind not in ClaimKind.values:
        raise InvalidInput(
            N_("Jenis klaim '%(kind)s' tidak dikenal."),
            params={"kind": kind},
            code="kind_unknown",
            field="kind",
        )
    filters = selectors.ClaimFilters(
        status=status,
        kind=kind,
        region=region,
        date_from=date_from,
        date_to=date_to,
        q=q,
        participant=participant_id,
    )
    found = selectors.claims_filtered(request.user, filters)
    rows, next_after = keyset_page(found, after=after, limit=limit, newest_first=True)
    return {"items": [_summary(request.user, c) for c in rows], "next_after": next_after}


@router.post("/claims", response={201: ClaimOut}, summary="Laporkan kejadian (dokumen diunggah terpisah)")
def claim_report(request, payload: ClaimIn):
    nik = compact(payload.nik)
    person = participants_visible_to(request.user).filter(nik=nik).first()
    if person is None:
        raise NotFound(
            N_("NIK %(nik)s tidak ditemukan di wilayah kerja Anda."),
            params={"nik": nik},
            code="participant_unknown",
            field="nik",
        )
    claim = services.claim_report(
        actor=request.user,
        participant=person,
        kind=payload.kind,
        event_date=payload.event_date,
        event_place=payload.event_place,
        description=payload.description,
        disability_pct=payload.disability_pct,
        heirs=[services.HeirInput(**h.dict()) for h in payload.heirs],
        children=[services.ChildInput(**c.dict()) for c in payload.children],
        reported_on=payload.reported_on,
    )
    return Status(201, _detail(request.user, _claim(request, claim.pk)))


@router.get(
    "/claims/{claim_id}", response=ClaimOut, summary="Satu klaim dengan perjalanan, dokumen dan manfaatnya"
)
def claim_get(request, claim_id: Id):
    return _detail(request.user, _claim(request, claim_id))


@router.post("/claims/{claim_id}/heirs", response={201: ClaimOut}, summary="Tambah ahli waris")
def claim_heir_add(request, claim_id: Id, payload: HeirIn):
    claim = _claim(request, claim_id)
    services.claim_heir_add(actor=request.user, claim=claim, heir=services.HeirInput(**payload.dict()))
    return Status(201, _detail(request.user, _claim(request, claim_id)))


@router.post("/claims/{claim_id}/children", response={201: ClaimOut}, summary="Tambah anak penerima beasiswa")
def claim_child_add(request, claim_id: Id, payload: ChildIn):
    claim = _claim(request, claim_id)
    services.claim_child_add(actor=request.user, claim=claim, child=services.ChildInput(**payload.dict()))
    return Status(201, _detail(request.user, _claim(request, claim_id)))


@router.post(
    "/claims/{claim_id}/documents",
    response={201: ClaimOut},
    summary="Unggah dokumen klaim (PDF, JPG atau PNG, paling besar 10 MB)",
)
def claim_document_add(request, claim_id: Id, kind: Form[str], file: File[UploadedFile]):
    claim = _claim(request, claim_id)
    services.claim_document_add(actor=request.user, claim=claim, document=services.DocumentInput(kind, file))
    return Status(201, _detail(request.user, _claim(request, claim_id)))


@router.post("/claims/{claim_id}/transitions", response=ClaimOut, summary="Ubah status klaim")
def claim_transition(request, claim_id: Id, payload: TransitionIn):
    """``to``: ``documents_complete`` (pelapor), ``verified``, ``paid``, ``rejected``, or
    ``reported`` (dikembalikan untuk dokumen; BPJS Ketenagakerjaan)."""
    claim = _claim(request, claim_id)
    user = request.user
    if payload.to == ClaimStatus.DOCUMENTS_COMPLETE:
        services.claim_documents_complete(actor=user, claim=claim, on=payload.on, note=payload.note)
    elif payload.to == ClaimStatus.VERIFIED:
        services.claim_verify(
            actor=user,
            claim=claim,
            on=payload.on,
            incapacity_months=payload.incapacity_months,
            disability_pct=payload.disability_pct,
            note=payload.note,
        )
    elif payload.to == ClaimStatus.PAID:
        if payload.paid_on is None or payload.amount is None:
            raise InvalidInput(
                N_("Pembayaran memerlukan paid_on (tanggal bayar) dan amount (jumlah rupiah)."),
                code="required",
                field="paid_on" if payload.paid_on is None else "amount",
            )
        heir = None
        if payload.recipient_heir_id is not None:
            heir = get_object_or_404(ClaimHeir, claim=claim, pk=payload.recipient_heir_id)
        services.claim_pay(
            actor=user,
            claim=claim,
            paid_on=payload.paid_on,
            amount=payload.amount,
            recipient_heir=heir,
            recipient_name=payload.recipient_name,
            recipient_bank=payload.recipient_bank,
            recipient_account=payload.recipient_account,
            reference=payload.reference,
        )
    elif payload.to == ClaimStatus.REJECTED:
        services.claim_reject(actor=user, claim=claim, reason=payload.reason or payload.note, on=payload.on)
    elif payload.to == ClaimStatus.REPORTED:
        services.claim_return(actor=user, claim=claim, note=payload.note, on=payload.on)
    else:
        raise InvalidInput(
            N_(
                "Status tujuan '%(status)s' tidak dikenal. Pilih: documents_complete, verified, paid, "
                "rejected atau reported."
            ),
            params={"status": payload.to},
            code="status_unknown",
            field="to",
        )
    return _detail(user, _claim(request, claim_id))


@router.get(
    "/benefit-quote", response=QuoteOut, summary="Hitung manfaat menurut aturan pada tanggal kejadian"
)
def benefit_quote(
    request,
    kind: str,
    income: Income,
    event_date: Date | None = None,
    membership_months: Months = 0,
    disability_pct: str | None = None,
    incapacity_months: Months | None = None,
    children: str = "",
):
    """``children``: school levels of up to two children with their class, e.g.
    ``SD:3,BELUM`` (BELUM, TK, SD, SMP, SMA, S1)."""
    kids = []
    for spec in [c for c in children.split(",") if c.strip()]:
        level, _sep, year = spec.strip().upper().partition(":")
        if year and not year.isdigit():
            raise InvalidInput(
                N_("Kelas anak '%(child)s' harus angka, mis. SD:3."),
                params={"child": spec},
                code="child_year_invalid",
            )
        kids.append(benefits.Child(level=level, year=int(year) if year else 1))
    quote = selectors.benefit_quote(
        kind=kind,
        income=income,
        event_date=event_date or timezone.localdate(),
        membership_months=membership_months,
        disability_pct=disability_pct,
        incapacity_months=incapacity_months,
        children=kids,
    )
    return {
        **quote.as_dict(),
        "lines": [
            {
                "component": ln.component,
                "label": ln.label,
                "rupiah": ln.rupiah,
                "detail": ln.detail,
                "basis": ln.basis,
            }
            for ln in quote.lines
        ],
        "notes": list(quote.notes),
    }


@router.get("/benefits-report", response=BenefitsReportOut, summary="Manfaat dibayar per wilayah dan bulan")
def benefits_report(
    request, region: RegionFilter = "", date_from: Date | None = None, date_to: Date | None = None
):
    report = selectors.benefits_report(request.user, region=region, date_from=date_from, date_to=date_to)
    summary = report.summary.as_dict()
    return {
        "region": report.region.code if report.region else None,
        "date_from": date_from,
        "date_to": date_to,
        "totals": report.summary.totals.as_dict(),
        "by_kind": summary["by_kind"],
        "median_days_to_payment": summary["median_days_to_payment"],
        "average_days_to_payment": summary["average_days_to_payment"],
        "regions": [{"code": r.code, "name": r.name, **r.totals.as_dict()} for r in report.regions],
        "months": [{"month": f"{m:%Y-%m}", **t.as_dict()} for m, t in report.months],
        "open_claims": report.open_claims,
    }


@router.get("/benefit-rules", response=BenefitRulesOut, summary="Aturan manfaat dan jadwal beasiswa")
def benefit_rules(request):
    return {
        "rules": list(selectors.benefit_rules()),
        "scholarship_levels": list(selectors.scholarship_levels()),
    }
