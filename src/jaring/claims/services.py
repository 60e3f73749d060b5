"""Writes to claims. Each use case is one transaction with its audit record; a refusal
changes nothing. Every transition locks the claim (``SELECT ... FOR UPDATE``) and
checks it against the workflow (``workflow.check_transition``), so two officers acting
on one claim at once cannot both move it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from jaring.accounts.permissions import is_platform
from jaring.accounts.scoping import jurisdiction_of
from jaring.audit.services import audit_record, diff, snapshot
from jaring.billing.protection import Protection, ProtectionStatus
from jaring.billing.selectors import insured_income_on, protection_on
from jaring.billing.services import death_record
from jaring.claims import benefits, permissions, selectors, workflow
from jaring.claims.models import (
    BenefitRule,
    Claim,
    ClaimChild,
    ClaimDocument,
    ClaimHeir,
    ClaimKind,
    ClaimStatus,
    ClaimTransition,
    DocumentKind,
    HeirRelation,
    SchoolLevel,
)
from jaring.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from jaring.programs.models import Enrolment
from jaring.registry.models import Participant
from jaring.registry.nik import NikError, normalize_nik

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
TEXT_MAX = 500


@dataclass(frozen=True)
class HeirInput:
    full_name: str
    relation: str
    nik: str
    bank_name: str
    account_number: str
    account_holder: str
    phone: str = ""


@dataclass(frozen=True)
class ChildInput:
    full_name: str
    birth_date: date
    level: str
    school_year: int = 1


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    file: object  # an uploaded file (Django File): name, size, read(), seek(), chunks()


# --- checks ---------------------------------------------------------------------------


def _require_reporter(actor) -> None:
    if actor is not None and not permissions.can_report(actor):
        raise PermissionDeniedError(
            "Hanya operator dan admin pemerintah desa, kabupaten/kota, provinsi atau kantor BPJS "
            "Ketenagakerjaan yang dapat mencatat klaim."
        )


def _require_decider(actor) -> None:
    if actor is not None and not permissions.can_decide(actor):
        raise PermissionDeniedError(
            "Hanya operator dan admin kantor BPJS Ketenagakerjaan yang dapat memverifikasi, "
            "membayar atau menolak klaim."
        )


def _require_in_jurisdiction(actor, village_code: str) -> None:
    if actor is not None and not is_platform(actor) and not jurisdiction_of(actor).contains(village_code):
        raise PermissionDeniedError("Peserta ini di luar wilayah kerja Anda.")


def _text(value: str | None, *, field: str, label: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise InvalidInput(f"{label} wajib diisi.", code="required", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{label} paling panjang {limit} karakter.", code="too_long", field=field)
    return text


def _business_date(on: date | None, *, after: date, after_label: str, field: str = "on") -> date:
    """The date a step happened: today unless given; never in the future, never
    before the step it follows."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise InvalidInput(f"Tanggal {on:%d-%m-%Y} belum terjadi.", code="date_in_future", field=field)
    if on < after:
        raise InvalidInput(
            f"Tanggal {on:%d-%m-%Y} sebelum {after_label} ({after:%d-%m-%Y}).",
            code="date_too_early",
            field=field,
        )
    return on


def _clean_heir(heir: HeirInput, number: int) -> dict:
    who = f"Ahli waris {number}"
    name = _text(heir.full_name, field="heir_full_name", label=f"{who}: nama", limit=150)
    who = f"Ahli waris {number} ({name})"
    if heir.relation not in HeirRelation.values:
        raise InvalidInput(
            f"{who}: hubungan '{heir.relation}' tidak dikenal; pilih {', '.join(HeirRelation.values)}.",
            code="heir_relation_unknown",
            field="heir_relation",
        )
    try:
        nik = normalize_nik(heir.nik)
    except NikError as exc:
        raise InvalidInput(f"{who}: {exc.message}", code=exc.code, field="heir_nik") from exc
    if nik.endswith("0000"):
        raise InvalidInput(
            f"{who}: NIK {nik} tidak valid (nomor urut 0000).", code="nik_serial", field="heir_nik"
        )
    account = "".join(heir.account_number.split()).replace("-", "").replace(".", "")
    if not account.isascii() or not account.isdigit() or not 5 <= len(account) <= 20:
        raise InvalidInput(
            f"{who}: nomor rekening '{heir.account_number}' harus 5 sampai 20 angka (tanda hubung boleh).",
            code="account_number_invalid",
            field="heir_account_number",
        )
    phone = "".join((heir.phone or "").split()).replace("-", "")
    if phone and (not phone.lstrip("+").isdigit() or not 8 <= len(phone) <= 15):
        raise InvalidInput(
            f"{who}: nomor HP '{heir.phone}' tidak valid; tulis angka saja, mis. 081234567890.",
            code="phone_invalid",
            field="heir_phone",
        )
    return {
        "full_name": name,
        "relation": heir.relation,
        "nik": nik,
        "phone": phone,
        "bank_name": _text(heir.bank_name, field="heir_bank_name", label=f"{who}: nama bank", limit=100),
        "account_number": account,
        "account_holder": _text(
            heir.account_holder, field="heir_account_holder", label=f"{who}: pemilik rekening", limit=150
        ),
    }


def _clean_child(child: ChildInput, number: int, *, event_date: date) -> dict:
    who = f"Anak {number}"
    name = _text(child.full_name, field="child_full_name", label=f"{who}: nama", limit=150)
    if child.birth_date is None or child.birth_date > timezone.localdate():
        raise InvalidInput(
            f"Anak {number} ({name}): tanggal lahir wajib diisi dan tidak boleh di masa depan.",
            code="child_birth_date_invalid",
            field="child_birth_date",
        )
    if child.level not in SchoolLevel.values:
        raise InvalidInput(
            f"Anak {number} ({name}): jenjang '{child.level}' tidak dikenal; pilih "
            f"{', '.join(SchoolLevel.values)}.",
            code="child_level_unknown",
            field="child_level",
        )
    year = child.school_year or 1
    if isinstance(year, bool) or not isinstance(year, int) or year < 1:
        raise InvalidInput(
            f"Anak {number} ({name}): kelas/tahun ke- harus 1 atau lebih.",
            code="child_year_invalid",
            field="child_school_year",
        )
    return {"full_name": name, "birth_date": child.birth_date, "level": child.level, "school_year": year}


def _check_document(document: DocumentInput) -> tuple[str, str, int]:
    """(content type, sha256, size) of an acceptable upload; refuses anything else."""
    if document.kind not in DocumentKind.values:
        raise InvalidInput(
            f"Jenis dokumen '{document.kind}' tidak dikenal.",
            code="document_kind_unknown",
            field="document_kind",
        )
    upload = document.file
    name = getattr(upload, "name", "") or "dokumen"
    size = getattr(upload, "size", None) or 0
    label = str(DocumentKind(document.kind).label)
    if size <= 0:
        raise InvalidInput(f"{label}: berkas {name} kosong.", code="document_empty", field="document")
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"{label}: berkas {name} {size / 1024 / 1024:.1f} MB; paling besar "
            f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB. Pindai ulang dengan resolusi lebih kecil.",
            code="document_too_large",
            field="document",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type = next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)
    if content_type is None:
        raise InvalidInput(
            f"{label}: berkas {name} bukan PDF, JPG atau PNG.", code="document_type", field="document"
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest(), size


def _save_document(claim: Claim, document: DocumentInput, actor) -> ClaimDocument:
    content_type, sha256, size = _check_document(document)
    name = (getattr(document.file, "name", "") or "dokumen").rsplit("/", 1)[-1][:255]
    row = ClaimDocument(
        claim=claim,
        kind=document.kind,
        original_name=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=_actor(actor),
    )
    row.file.save(name, document.file, save=False)
    row.save()
    return row


def _actor(actor):
    return actor if actor is not None and actor.pk else None


def _protection(kind: str, person: Participant, on: date) -> Protection:
    """The protection on the event date. For a death already recorded on that very day
    (recorded before its claim) it is what the paid months said that day."""
    found = protection_on(person, on)
    if (
        found.status == ProtectionStatus.DECEASED
        and person.died_on == on
        and kind in benefits.DEATH_KINDS
        and found.paid_status is not None
    ):
        return Protection(**{**found.__dict__, "status": found.paid_status})
    return found


def _facts(
    kind: str, person: Participant, event_date: date, *, exclude: int | None = None
) -> workflow.EventFacts:
    protection = _protection(kind, person, event_date)
    others = Claim.objects.filter(participant=person).exclude(status=ClaimStatus.REJECTED)
    if exclude:
        others = others.exclude(pk=exclude)
    death = others.filter(kind__in=benefits.DEATH_KINDS).first()
    same = others.filter(kind=kind, event_date=event_date).first()
    return workflow.EventFacts(
        kind=kind,
        event_date=event_date,
        today=timezone.localdate(),
        first_enrolment=Enrolment.objects.filter(participant=person).aggregate(first=Min("starts_on"))[
            "first"
        ],
        protection=protection.status,
        paid_through=protection.paid_through,
        cover_arrears=settings.JARING_CLAIMS_COVER_ARREARS,
        died_on=person.died_on,
        open_death_claim=death.reference if death else "",
        same_event_claim=same.reference if same else "",
    )


def _check_benefit_inputs(
    *, kind: str, person: Participant, event_date: date, disability_pct, children: list[dict]
) -> None:
    """Check what the quote will need (disability percentage, children) against the
    rules now, so a bad entry is refused when reported rather than at verification.
    Missing rules are not a refusal: the claim is quoted when it is verified."""
    try:
        selectors.benefit_quote(
            kind=kind,
            income=insured_income_on(person, event_date) or 1,
            event_date=event_date,
            membership_months=protection_on(person, event_date).membership_months,
            disability_pct=disability_pct,
            incapacity_months=0 if kind == benefits.JKK_INJURY else None,
            children=[
                benefits.Child(c["level"], c["school_year"], c["full_name"], c["birth_date"])
                for c in children
            ],
        )
    except (benefits.BenefitRuleMissing, benefits.BenefitRuleAmbiguous):
        return


def _transition(claim: Claim, actor, new: str, *, on: date, note: str = "") -> ClaimTransition:
    return ClaimTransition.objects.create(
        claim=claim, from_status=claim.status, to_status=new, on=on, actor=_actor(actor), note=note
    )


def _audit(actor, action: str, claim: Claim, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="claim",
        target_id=claim.pk,
        target_repr=f"{claim.reference} {claim.participant.full_name}",
        changes=changes,
        region_code=claim.village_id,
    )


def _lock(claim: Claim) -> Claim:
    found = Claim.objects.select_for_update().select_related("participant").filter(pk=claim.pk).first()
    if found is None:
        raise NotFound("Klaim tidak ditemukan.")
    return found


def _last_step_on(claim: Claim) -> date:
    last = claim.transitions.order_by("-on", "-at", "-id").values_list("on", flat=True).first()
    return last or claim.reported_on


# --- reporting ------------------------------------------------------------------------


@transaction.atomic
def claim_report(
    *,
    actor,
    participant: Participant,
    kind: str,
    event_date: date,
    event_place: str,
    description: str,
    disability_pct: Decimal | str | int | None = None,
    heirs: Iterable[HeirInput] = (),
    children: Iterable[ChildInput] = (),
    documents: Iterable[DocumentInput] = (),
    reported_on: date | None = None,
) -> Claim:
    """Report an event of a participant. Refused, with the reason and nothing saved:
    an event in the future or before the person's first enrolment, a person not
    protected on the event date (arrears only when JARING_CLAIMS_COVER_ARREARS), a new
    death of a deceased person, a second claim of the same death or event, a JKK claim
    more than 5 years after the accident, and any bad heir, child or document."""
    _require_reporter(actor)
    if kind not in ClaimKind.values:
        raise InvalidInput(
            f"Jenis klaim '{kind}' tidak dikenal. Pilih salah satu: {', '.join(ClaimKind.values)}.",
            code="kind_unknown",
            field="kind",
        )
    if not isinstance(event_date, date):
        raise InvalidInput("Tanggal kejadian wajib diisi.", code="required", field="event_date")
    place = _text(event_place, field="event_place", label="Tempat kejadian", limit=200)
    story = _text(description, field="description", label="Kronologi kejadian", limit=4000)
    person = Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if person is None:
        raise NotFound("Peserta tidak ditemukan.", code="participant_unknown", field="nik")
    _require_in_jurisdiction(actor, person.village_id)
    pct = None
    if disability_pct not in (None, ""):
        if kind != benefits.JKK_PARTIAL_DISABILITY:
            raise InvalidInput(
                "Persentase cacat hanya diisi untuk cacat sebagian.",
                code="disability_pct_not_applicable",
                field="disability_pct",
            )
        pct = benefits.parse_percent(disability_pct)
    elif kind == benefits.JKK_PARTIAL_DISABILITY:
        raise InvalidInput(
            "Cacat sebagian memerlukan persentase cacat menurut surat keterangan dokter (lebih dari 0 "
            "sampai 100), mis. 25.",
            code="disability_pct_required",
            field="disability_pct",
        )
    facts = _facts(kind, person, event_date)
    workflow.check_event(facts)
    reported_on = _business_date(
        reported_on, after=event_date, after_label="tanggal kejadian", field="reported_on"
    )
    heir_rows = [_clean_heir(h, n) for n, h in enumerate(heirs, start=1)]
    if heir_rows and kind not in benefits.DEATH_KINDS:
        raise InvalidInput(
            "Ahli waris hanya dicatat untuk klaim kematian; manfaat lain dibayar kepada peserta.",
            code="heirs_not_applicable",
            field="heir_full_name",
        )
    child_rows = [_clean_child(c, n, event_date=event_date) for n, c in enumerate(children, start=1)]
    _check_benefit_inputs(
        kind=kind, person=person, event_date=event_date, disability_pct=pct, children=child_rows
    )
    documents = list(documents)
    for document in documents:
        _check_document(document)
    claim = Claim.objects.create(
        participant=person,
        village_id=person.village_id,
        kind=kind,
        event_date=event_date,
        event_place=place,
        description=story,
        disability_pct=pct,
        protection_status=facts.protection,
        paid_through=facts.paid_through,
        reported_on=reported_on,
        reported_by=_actor(actor),
        organization_id=getattr(actor, "organization_id", None),
    )
    ClaimHeir.objects.bulk_create([ClaimHeir(claim=claim, **row) for row in heir_rows])
    ClaimChild.objects.bulk_create([ClaimChild(claim=claim, **row) for row in child_rows])
    saved = [_save_document(claim, d, actor) for d in documents]
    ClaimTransition.objects.create(
        claim=claim, from_status="", to_status=ClaimStatus.REPORTED, on=reported_on, actor=_actor(actor)
    )
    _audit(
        actor,
        "claim.report",
        claim,
        {
            "participant": [None, f"{person.full_name} ({person.nik})"],
            "kind": [None, kind],
            "event_date": [None, event_date.isoformat()],
            "event_place": [None, place],
            "protection": [None, facts.protection],
            "reported_on": [None, reported_on.isoformat()],
            **({"disability_pct": [None, str(pct)]} if pct is not None else {}),
            **({"heirs": [None, [r["full_name"] for r in heir_rows]]} if heir_rows else {}),
            **({"children": [None, [r["full_name"] for r in child_rows]]} if child_rows else {}),
            **({"documents": [None, [f"{d.kind}: {d.original_name}" for d in saved]]} if saved else {}),
        },
    )
    return claim


def _open_claim_for_edit(actor, claim: Claim) -> Claim:
    _require_reporter(actor)
    claim = _lock(claim)
    _require_in_jurisdiction(actor, claim.village_id)
    if not claim.is_open:
        raise workflow.TransitionRefused(
            f"Klaim {claim.reference} berstatus {claim.get_status_display()}; "
            "datanya tidak dapat diubah lagi.",
            code="claim_closed",
        )
    return claim


@transaction.atomic
def claim_heir_add(*, actor, claim: Claim, heir: HeirInput) -> ClaimHeir:
    claim = _open_claim_for_edit(actor, claim)
    if not claim.is_death:
        raise InvalidInput(
            "Ahli waris hanya dicatat untuk klaim kematian; manfaat lain dibayar kepada peserta.",
            code="heirs_not_applicable",
            field="heir_full_name",
        )
    row = ClaimHeir.objects.create(claim=claim, **_clean_heir(heir, claim.heirs.count() + 1))
    _audit(
        actor,
        "claim.heir_add",
        claim,
        {
            "heir": [None, f"{row.full_name} ({row.get_relation_display()}, {row.nik})"],
            "account": [None, f"{row.bank_name} {selectors.mask_account(row.account_number)}"],
        },
    )
    return row


@transaction.atomic
def claim_heir_remove(*, actor, claim: Claim, heir: ClaimHeir) -> None:
    claim = _open_claim_for_edit(actor, claim)
    row = ClaimHeir.objects.filter(claim=claim, pk=heir.pk).first()
    if row is None:
        raise NotFound("Ahli waris tidak ditemukan pada klaim ini.")
    _audit(actor, "claim.heir_remove", claim, {"heir": [f"{row.full_name} ({row.nik})", None]})
    row.delete()


@transaction.atomic
def claim_child_add(*, actor, claim: Claim, child: ChildInput) -> ClaimChild:
    claim = _open_claim_for_edit(actor, claim)
    children = [
        {"full_name": c.full_name, "birth_date": c.birth_date, "level": c.level, "school_year": c.school_year}
        for c in claim.children.all()
    ]
    row = _clean_child(child, len(children) + 1, event_date=claim.event_date)
    _check_benefit_inputs(
        kind=claim.kind,
        person=claim.participant,
        event_date=claim.event_date,
        disability_pct=claim.disability_pct,
        children=[*children, row],
    )
    created = ClaimChild.objects.create(claim=claim, **row)
    _audit(
        actor,
        "claim.child_add",
        claim,
        {"child": [None, f"{created.full_name} ({created.get_level_display()} {created.school_year})"]},
    )
    return created


@transaction.atomic
def claim_child_remove(*, actor, claim: Claim, child: ClaimChild) -> None:
    claim = _open_claim_for_edit(actor, claim)
    row = ClaimChild.objects.filter(claim=claim, pk=child.pk).first()
    if row is None:
        raise NotFound("Data anak tidak ditemukan pada klaim ini.")
    _audit(actor, "claim.child_remove", claim, {"child": [row.full_name, None]})
    row.delete()


@transaction.atomic
def claim_document_add(*, actor, claim: Claim, document: DocumentInput) -> ClaimDocument:
    claim = _open_claim_for_edit(actor, claim)
    row = _save_document(claim, document, actor)
    _audit(
        actor,
        "claim.document_add",
        claim,
        {"document": [None, f"{row.get_kind_display()}: {row.original_name} ({row.size} bita)"]},
    )
    return row


# --- transitions ------------------------------------------------------------------------


@transaction.atomic
def claim_documents_complete(*, actor, claim: Claim, on: date | None = None, note: str = "") -> Claim:
    """Declare the documents complete: every required document is uploaded (and, for a
    death, at least one heir with a bank account is recorded)."""
    _require_reporter(actor)
    claim = _lock(claim)
    _require_in_jurisdiction(actor, claim.village_id)
    workflow.check_transition(claim.status, ClaimStatus.DOCUMENTS_COMPLETE)
    present = set(claim.documents.values_list("kind", flat=True))
    at_school = claim.children.exclude(level=SchoolLevel.NOT_IN_SCHOOL).exists()
    missing = workflow.missing_documents(claim.kind, present, children_at_school=at_school)
    if missing:
        raise InvalidInput(
            "Dokumen belum lengkap; unggah dulu: "
            + "; ".join(str(DocumentKind(m).label) for m in missing)
            + ".",
            code="documents_missing",
            field="document",
        )
    if claim.is_death and not claim.heirs.exists():
        raise InvalidInput(
            "Catat paling sedikit satu ahli waris dengan rekening banknya.",
            code="heir_required",
            field="heir_full_name",
        )
    on = _business_date(on, after=_last_step_on(claim), after_label="langkah sebelumnya")
    note = _text(note, field="note", label="Catatan", required=False)
    _transition(claim, actor, ClaimStatus.DOCUMENTS_COMPLETE, on=on, note=note)
    before = claim.status
    claim.status = ClaimStatus.DOCUMENTS_COMPLETE
    claim.save(update_fields=["status"])
    _audit(actor, "claim.documents_complete", claim, {"status": [before, claim.status]})
    return claim


@transaction.atomic
def claim_return(*, actor, claim: Claim, note: str, on: date | None = None) -> Claim:
    """BPJS sends a claim back for documents (documents_complete -> reported)."""
    _require_decider(actor)
    claim = _lock(claim)
    _require_in_jurisdiction(actor, claim.village_id)
    workflow.check_transition(claim.status, ClaimStatus.REPORTED)
    note = _text(note, field="note", label="Dokumen yang kurang")
    on = _business_date(on, after=_last_step_on(claim), after_label="langkah sebelumnya")
    _transition(claim, actor, ClaimStatus.REPORTED, on=on, note=note)
    before = claim.status
    claim.status = ClaimStatus.REPORTED
    claim.save(update_fields=["status"])
    _audit(actor, "claim.return", claim, {"status": [before, claim.status], "note": [None, note]})
    return claim


def claim_quote(
    claim: Claim, *, incapacity_months: int | None = None, disability_pct=None
) -> benefits.BenefitQuote:
    """The benefit of a claim under the rules now in force for its event date: the
    income of the program covering the person then, the paid membership months then,
    the children named. Used live until the claim is verified; frozen afterwards."""
    person = claim.participant
    income = insured_income_on(person, claim.event_date)
    if income is None:
        raise InvalidInput(
            f"Tidak ada program yang menanggung {person.full_name} pada {claim.event_date:%d-%m-%Y}; "
            "penghasilan yang dilaporkan tidak diketahui.",
            code="income_unknown",
            field="event_date",
        )
    if claim.kind == benefits.JKK_INJURY and incapacity_months is None:
        incapacity_months = claim.incapacity_months if claim.incapacity_months is not None else 0
    return selectors.benefit_quote(
        kind=claim.kind,
        income=income,
        event_date=claim.event_date,
        membership_months=_protection(claim.kind, person, claim.event_date).membership_months,
        disability_pct=disability_pct if disability_pct not in (None, "") else claim.disability_pct,
        incapacity_months=incapacity_months if claim.kind == benefits.JKK_INJURY else None,
        children=[c.as_child() for c in claim.children.all()],
    )


@transaction.atomic
def claim_verify(
    *,
    actor,
    claim: Claim,
    on: date | None = None,
    incapacity_months: int | None = None,
    disability_pct=None,
    note: str = "",
) -> Claim:
    """BPJS verifies a claim: protection on the event date is checked again, the
    benefit is quoted and frozen on the claim with the rules that priced it, and a
    death is recorded (billing's ``death_record``: the person becomes deceased, stops
    being billed, and the months paid beyond the death are owed back to the payer)."""
    _require_decider(actor)
    claim = _lock(claim)
    _require_in_jurisdiction(actor, claim.village_id)
    workflow.check_transition(claim.status, ClaimStatus.VERIFIED)
    person = Participant.objects.select_for_update().get(pk=claim.participant_id)
    claim.participant = person
    protection = _protection(claim.kind, person, claim.event_date)
    covered = protection.status == ProtectionStatus.ACTIVE or (
        protection.status == ProtectionStatus.ARREARS and settings.JARING_CLAIMS_COVER_ARREARS
    )
    if not covered:
        raise workflow.NotProtected(
            f"Peserta tidak terlindungi pada tanggal kejadian {claim.event_date:%d-%m-%Y} (status "
            f"{workflow.PROTECTION_LABELS.get(protection.status, protection.status)}); tolak klaim ini "
            "dengan alasannya.",
            field="event_date",
        )
    if claim.kind == benefits.JKK_INJURY and incapacity_months is None:
        raise InvalidInput(
            "Isi lama tidak mampu bekerja (bulan) menurut surat keterangan dokter; 0 bila tidak ada.",
            code="incapacity_months_required",
            field="incapacity_months",
        )
    quote = claim_quote(claim, incapacity_months=incapacity_months, disability_pct=disability_pct)
    on = _business_date(on, after=_last_step_on(claim), after_label="langkah sebelumnya")
    note = _text(note, field="note", label="Catatan", required=False)
    before = claim.status
    if claim.kind == benefits.JKK_PARTIAL_DISABILITY and disability_pct not in (None, ""):
        claim.disability_pct = benefits.parse_percent(disability_pct)
    if claim.kind == benefits.JKK_INJURY:
        claim.incapacity_months = incapacity_months
    claim.status = ClaimStatus.VERIFIED
    claim.verified_on = on
    claim.protection_status = protection.status
    claim.paid_through = protection.paid_through
    claim.quote_total = quote.total
    claim.quote_income = quote.income
    claim.quote_membership_months = quote.membership_months
    claim.quote_lines = [
        {
            "component": ln.component,
            "label": ln.label,
            "rupiah": ln.rupiah,
            "detail": ln.detail,
            "basis": ln.basis,
        }
        for ln in quote.lines
    ]
    claim.quote_scholarships = [
        {
            "number": s.number,
            "name": s.name,
            "level": s.level,
            "year": s.year,
            "this_year": s.this_year,
            "entitlement": s.entitlement,
            "years": s.years,
        }
        for s in quote.scholarships
    ]
    claim.quote_notes = list(quote.notes)
    claim.scholarship_children = quote.scholarship_children
    claim.scholarship_rupiah = quote.scholarship_rupiah
    claim.save()
    claim.quote_rules.set(quote.rule_ids)
    _transition(claim, actor, ClaimStatus.VERIFIED, on=on, note=note)
    refund = None
    if claim.is_death and person.died_on is None:
        refund = death_record(
            actor=actor,
            participant=person,
            died_on=claim.event_date,
            reason=f"Klaim {claim.reference} ({claim.get_kind_display()}) diverifikasi",
        )
    _audit(
        actor,
        "claim.verify",
        claim,
        {
            "status": [before, claim.status],
            "quote_total": [None, quote.total],
            "quote": [None, [f"{ln.component}={ln.rupiah}" for ln in quote.lines]],
            "income": [None, quote.income],
            "membership_months": [None, quote.membership_months],
            **(
                {"refund_rupiah": [None, refund.rupiah], "refund_months": [None, refund.months]}
                if refund
                else {}
            ),
        },
    )
    return claim


@transaction.atomic
def claim_pay(
    *,
    actor,
    claim: Claim,
    paid_on: date,
    amount: int,
    recipient_heir: ClaimHeir | None = None,
    recipient_name: str = "",
    recipient_bank: str = "",
    recipient_account: str = "",
    reference: str = "",
) -> Claim:
    """BPJS records the payment of a verified claim: the date, the amount (the frozen
    benefit, to the rupiah) and the recipient (an heir of a death claim, else the
    participant) with the bank account it went to."""
    _require_decider(actor)
    claim = _lock(claim)
    _require_in_jurisdiction(actor, claim.village_id)
    workflow.check_transition(claim.status, ClaimStatus.PAID)
    if not isinstance(paid_on, date):
        raise InvalidInput("Tanggal bayar wajib diisi.", code="required", field="paid_on")
    paid_on = _business_date(
        paid_on, after=claim.verified_on, after_label="tanggal verifikasi", field="paid_on"
    )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidInput(
            "Jumlah dibayar harus bilangan bulat rupiah.", code="amount_invalid", field="amount"
        )
    if amount != claim.quote_total:
        raise InvalidInput(
            f"Jumlah dibayar {benefits.rupiah(amount)} tidak sama dengan manfaat yang ditetapkan saat "
            f"verifikasi {benefits.rupiah(claim.quote_total or 0)}.",
            code="amount_mismatch",
            field="amount",
        )
    if claim.is_death:
        if recipient_heir is None:
            raise InvalidInput(
                "Pilih ahli waris penerima manfaat.", code="recipient_required", field="recipient_heir"
            )
        heir = ClaimHeir.objects.filter(claim=claim, pk=recipient_heir.pk).first()
        if heir is None:
            raise InvalidInput(
                "Penerima harus ahli waris yang tercatat pada klaim ini.",
                code="recipient_not_heir",
                field="recipient_heir",
            )
        name, bank, account = heir.account_holder, heir.bank_name, heir.account_number
    else:
        if recipient_heir is not None:
            raise InvalidInput(
                "Manfaat ini dibayar kepada peserta, bukan ahli waris.",
                code="recipient_not_participant",
                field="recipient_heir",
            )
        heir = None
        name = _text(
            recipient_name or claim.participant.full_name,
            field="recipient_name",
            label="Nama penerima",
            limit=150,
        )
        bank = _text(recipient_bank, field="recipient_bank", label="Bank penerima", limit=100)
        account = "".join(recipient_account.split()).replace("-", "").replace(".", "")
        if not account.isascii() or not account.isdigit() or not 5 <= len(account) <= 20:
            raise InvalidInput(
                f"Nomor rekening '{recipient_account}' harus 5 sampai 20 angka.",
                code="account_number_invalid",
                field="recipient_account",
            )
    reference = _text(reference, field="reference", label="Referensi pembayaran", required=False, limit=100)
    if reference and Claim.objects.filter(payment_reference=reference).exclude(pk=claim.pk).exists():
        raise Conflict(
            f"Referensi pembayaran {reference} sudah dipakai klaim lain.",
            code="payment_reference_taken",
            field="reference",
        )
    before = claim.status
    claim.status = ClaimStatus.PAID
    claim.paid_on = paid_on
    claim.paid_rupiah = amount
    claim.recipient_heir = heir
    claim.recipient_name, claim.recipient_bank, claim.recipient_account = name, bank, account
    claim.payment_reference = reference
    claim.days_to_payment = (paid_on - claim.reported_on).days
    claim.save()
    _transition(claim, actor, ClaimStatus.PAID, on=paid_on, note=reference)
    _audit(
        actor,
        "claim.pay",
        claim,
        {
            "status": [before, claim.status],
            "paid_on": [None, paid_on.isoformat()],
            "paid_rupiah": [None, amount],
            "recipient": [None, f"{name}, {bank} {selectors.mask_account(account)}"],
            **({"reference": [None, reference]} if reference else {}),
        },
    )
    return claim


@transaction.atomic
def claim_reject(*, actor, claim: Claim, reason: str, on: date | None = None) -> Claim:
    """BPJS rejects a claim (before it is paid), with the reason the family is told."""
    _require_decider(actor)
    claim = _lock(claim)
    _require_in_jurisdiction(actor, claim.village_id)
    workflow.check_transition(claim.status, ClaimStatus.REJECTED)
    reason = _text(reason, field="reason", label="Alasan penolakan")
    on = _business_date(on, after=_last_step_on(claim), after_label="langkah sebelumnya")
    before = claim.status
    claim.status = ClaimStatus.REJECTED
    claim.rejection_reason = reason
    claim.save(update_fields=["status", "rejection_reason"])
    _transition(claim, actor, ClaimStatus.REJECTED, on=on, note=reason)
    _audit(actor, "claim.reject", claim, {"status": [before, claim.status], "reason": [None, reason]})
    return claim


# --- benefit rules --------------------------------------------------------------------


RULE_FIELDS = (
    "kind",
    "component",
    "calculation",
    "amount_rupiah",
    "income_percent",
    "minimum_rupiah",
    "months_from",
    "months_to",
    "min_membership_months",
    "max_children",
    "effective_from",
    "effective_to",
    "basis",
)


def _require_rule_editor(actor) -> None:
    """Benefits are national law: only the platform keeps the rule table."""
    if actor is not None and not is_platform(actor):
        raise PermissionDeniedError("Hanya admin platform yang dapat mengubah aturan manfaat.")


def _audit_rule(actor, action: str, rule: BenefitRule, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="benefit_rule",
        target_id=rule.pk,
        target_repr=str(rule),
        changes=changes,
        region_code="",
    )


@transaction.atomic
def benefit_rule_create(
    *,
    actor,
    kind: str,
    component: str,
    calculation: str,
    effective_from: date,
    effective_to: date | None = None,
    amount_rupiah: int | None = None,
    income_percent: int | None = None,
    minimum_rupiah: int | None = None,
    months_from: int | None = None,
    months_to: int | None = None,
    min_membership_months: int = 0,
    max_children: int | None = None,
    basis: str = "",
) -> BenefitRule:
    """Add a rule. It may not overlap a rule of the same kind and component."""
    _require_rule_editor(actor)
    rule = BenefitRule(
        kind=kind,
        component=component,
        calculation=calculation,
        effective_from=effective_from,
        effective_to=effective_to,
        amount_rupiah=amount_rupiah,
        income_percent=income_percent,
        minimum_rupiah=minimum_rupiah,
        months_from=months_from,
        months_to=months_to,
        min_membership_months=min_membership_months or 0,
        max_children=max_children,
        basis=" ".join((basis or "").split())[:200],
        created_by=_actor(actor),
    )
    pure = selectors.as_benefit_rule(rule)
    benefits.validate_rule(pure)
    clash = next(
        (
            other
            for other in BenefitRule.objects.select_for_update().filter(kind=kind, component=component)
            if selectors.as_benefit_rule(other).overlaps(pure)
        ),
        None,
    )
    if clash is not None:
        raise Conflict(
            f"Bertumpang tindih dengan aturan yang ada: {selectors.as_benefit_rule(clash).describe()}. "
            "Akhiri aturan itu dulu (tanggal akhir sebelum aturan baru mulai).",
            code="benefit_rule_overlaps",
            field="effective_from",
        )
    rule.save()
    _audit_rule(actor, "benefit_rule.create", rule, diff({}, snapshot(rule, RULE_FIELDS)))
    return rule


@transaction.atomic
def benefit_rule_close(*, actor, rule: BenefitRule, effective_to: date) -> BenefitRule:
    """End a rule on ``effective_to`` (inclusive). Only shortens; claims already
    verified keep the quote they were verified with."""
    _require_rule_editor(actor)
    rule = BenefitRule.objects.select_for_update().get(pk=rule.pk)
    if effective_to < rule.effective_from:
        raise InvalidInput(
            f"Tanggal akhir tidak boleh sebelum tanggal mulai berlaku ({rule.effective_from:%d/%m/%Y}).",
            code="rule_dates_reversed",
            field="effective_to",
        )
    if rule.effective_to is not None and effective_to >= rule.effective_to:
        raise InvalidInput(
            f"Aturan ini sudah berakhir {rule.effective_to:%d/%m/%Y}; tanggal akhir hanya dapat dimajukan.",
            code="rule_close_extends",
            field="effective_to",
        )
    before = snapshot(rule, RULE_FIELDS)
    rule.effective_to = effective_to
    rule.save(update_fields=["effective_to"])
    _audit_rule(actor, "benefit_rule.close", rule, diff(before, snapshot(rule, RULE_FIELDS)))
    return rule
