"""The workflow's moves after a claim is reported: documents declared complete, sent
back for documents, verified (the benefit quoted and frozen, a death recorded in
billing), paid, rejected. Every move locks the claim (``SELECT ... FOR UPDATE``) and
checks it against the workflow (``workflow.check_transition``), so two officers acting
on one claim at once cannot both move it."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from jaring.billing.protection import ProtectionStatus
from jaring.billing.selectors import insured_income_on
from jaring.billing.services import death_record
from jaring.claims import benefits, selectors, workflow
from jaring.claims.models import Claim, ClaimHeir, ClaimStatus, DocumentKind, SchoolLevel
from jaring.claims.services._shared import (
    _audit,
    _business_date,
    _last_step_on,
    _lock,
    _protection,
    _require_decider,
    _require_in_jurisdiction,
    _require_reporter,
    _text,
    _transition,
)
from jaring.errors import Conflict, InvalidInput
from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry.models import Participant


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
            N_("Dokumen belum lengkap; unggah dulu: %(documents)s."),
            params={"documents": "; ".join(str(DocumentKind(m).label) for m in missing)},
            code="documents_missing",
            field="document",
        )
    if claim.is_death and not claim.heirs.exists():
        raise InvalidInput(
            N_("Catat paling sedikit satu ahli waris dengan rekening banknya."),
            code="heir_required",
            field="heir_full_name",
        )
    on = _business_date(on, after=_last_step_on(claim), after_label=N_("langkah sebelumnya"))
    note = _text(note, field="note", label=N_("Catatan"), required=False)
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
    note = _text(note, field="note", label=N_("Dokumen yang kurang"))
    on = _business_date(on, after=_last_step_on(claim), after_label=N_("langkah sebelumnya"))
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
            N_(
                "Tidak ada program yang menanggung %(name)s pada %(on)s; "
                "penghasilan yang dilaporkan tidak diketahui."
            ),
            params={"name": person.full_name, "on": figures.day(claim.event_date)},
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
        status = workflow.PROTECTION_LABELS.get(protection.status, protection.status)
        raise workflow.NotProtected(
            N_(
                "Peserta tidak terlindungi pada tanggal kejadian %(on)s (status %(status)s); tolak klaim ini "
                "dengan alasannya."
            ),
            params={
                "on": figures.day(claim.event_date),
                "status": figures.text(status),
            },
            field="event_date",
        )
    if claim.kind == benefits.JKK_INJURY and incapacity_months is None:
        raise InvalidInput(
            N_("Isi lama tidak mampu bekerja (bulan) menurut surat keterangan dokter; 0 bila tidak ada."),
            code="incapacity_months_required",
            field="incapacity_months",
        )
    quote = claim_quote(claim, incapacity_months=incapacity_months, disability_pct=disability_pct)
    on = _business_date(on, after=_last_step_on(claim), after_label=N_("langkah sebelumnya"))
    note = _text(note, field="note", label=N_("Catatan"), required=False)
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
            # the detail as a catalogue message with its figures: the page reads it in
            # the officer's language (claims_format.benefit_line_detail)
            "message": ln.message,
            "params": ln.params,
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
    claim.quote_note_messages = [{"message": n.message, "params": n.params} for n in quote.remarks]
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
        raise InvalidInput(N_("Tanggal bayar wajib diisi."), code="required", field="paid_on")
    paid_on = _business_date(
        paid_on, after=claim.verified_on, after_label=N_("tanggal verifikasi"), field="paid_on"
    )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidInput(
            N_("Jumlah dibayar harus bilangan bulat rupiah."), code="amount_invalid", field="amount"
        )
    if amount != claim.quote_total:
        raise InvalidInput(
            N_(
                "Jumlah dibayar %(amount)s tidak sama dengan manfaat yang ditetapkan saat "
                "verifikasi %(benefit)s."
            ),
            params={"amount": figures.money(amount), "benefit": figures.money(claim.quote_total or 0)},
            code="amount_mismatch",
            field="amount",
        )
    if claim.is_death:
        if recipient_heir is None:
            raise InvalidInput(
                N_("Pilih ahli waris penerima manfaat."), code="recipient_required", field="recipient_heir"
            )
        heir = ClaimHeir.objects.filter(claim=claim, pk=recipient_heir.pk).first()
        if heir is None:
            raise InvalidInput(
                N_("Penerima harus ahli waris yang tercatat pada klaim ini."),
                code="recipient_not_heir",
                field="recipient_heir",
            )
        name, bank, account = heir.account_holder, heir.bank_name, heir.account_number
    else:
        if recipient_heir is not None:
            raise InvalidInput(
                N_("Manfaat ini dibayar kepada peserta, bukan ahli waris."),
                code="recipient_not_participant",
                field="recipient_heir",
            )
        heir = None
        name = _text(
            recipient_name or claim.participant.full_name,
            field="recipient_name",
            label=N_("Nama penerima"),
            limit=150,
        )
        bank = _text(recipient_bank, field="recipient_bank", label=N_("Bank penerima"), limit=100)
        account = "".join(recipient_account.split()).replace("-", "").replace(".", "")
        if not account.isascii() or not account.isdigit() or not 5 <= len(account) <= 20:
            raise InvalidInput(
                N_("Nomor rekening '%(account)s' harus 5 sampai 20 angka."),
                params={"account": recipient_account},
                code="account_number_invalid",
                field="recipient_account",
            )
    reference = _text(
        reference, field="reference", label=N_("Referensi pembayaran"), required=False, limit=100
    )
    if reference and Claim.objects.filter(payment_reference=reference).exclude(pk=claim.pk).exists():
        raise Conflict(
            N_("Referensi pembayaran %(reference)s sudah dipakai klaim lain."),
            params={"reference": reference},
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
    reason = _text(reason, field="reason", label=N_("Alasan penolakan"))
    on = _business_date(on, after=_last_step_on(claim), after_label=N_("langkah sebelumnya"))
    before = claim.status
    claim.status = ClaimStatus.REJECTED
    claim.rejection_reason = reason
    claim.save(update_fields=["status", "rejection_reason"])
    _transition(claim, actor, ClaimStatus.REJECTED, on=on, note=reason)
    _audit(actor, "claim.reject", claim, {"status": [before, claim.status], "reason": [None, reason]})
    return claim
