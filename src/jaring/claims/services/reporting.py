"""Reporting a claim and keeping its data while it is open: the event, the heirs, the
children and the documents. A report is refused, with nothing saved, when the event
is not one the workflow accepts (``workflow.check_event``) or any entry is bad."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from jaring.billing.selectors import insured_income_on, protection_on
from jaring.claims import benefits, selectors, workflow
from jaring.claims.models import (
    Claim,
    ClaimChild,
    ClaimDocument,
    ClaimHeir,
    ClaimKind,
    ClaimStatus,
    ClaimTransition,
)
from jaring.claims.services._shared import (
    _actor,
    _audit,
    _business_date,
    _lock,
    _protection,
    _require_in_jurisdiction,
    _require_reporter,
    _text,
)
from jaring.claims.services.inputs import (
    ChildInput,
    DocumentInput,
    HeirInput,
    _check_document,
    _clean_child,
    _clean_heir,
    _save_document,
)
from jaring.errors import InvalidInput, NotFound
from jaring.i18n import N_
from jaring.programs.models import Enrolment
from jaring.registry.models import Participant


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
            N_("Jenis klaim '%(kind)s' tidak dikenal. Pilih salah satu: %(choices)s."),
            params={"kind": str(kind), "choices": ", ".join(ClaimKind.values)},
            code="kind_unknown",
            field="kind",
        )
    if not isinstance(event_date, date):
        raise InvalidInput(N_("Tanggal kejadian wajib diisi."), code="required", field="event_date")
    place = _text(event_place, field="event_place", label=N_("Tempat kejadian"), limit=200)
    story = _text(description, field="description", label=N_("Kronologi kejadian"), limit=4000)
    person = Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if person is None:
        raise NotFound(N_("Peserta tidak ditemukan."), code="participant_unknown", field="nik")
    _require_in_jurisdiction(actor, person.village_id)
    pct = None
    if disability_pct not in (None, ""):
        if kind != benefits.JKK_PARTIAL_DISABILITY:
            raise InvalidInput(
                N_("Persentase cacat hanya diisi untuk cacat sebagian."),
                code="disability_pct_not_applicable",
                field="disability_pct",
            )
        pct = benefits.parse_percent(disability_pct)
    elif kind == benefits.JKK_PARTIAL_DISABILITY:
        raise InvalidInput(
            N_(
                "Cacat sebagian memerlukan persentase cacat menurut surat keterangan dokter (lebih dari 0 "
                "sampai 100), mis. 25."
            ),
            code="disability_pct_required",
            field="disability_pct",
        )
    facts = _facts(kind, person, event_date)
    workflow.check_event(facts)
    reported_on = _business_date(
        reported_on, after=event_date, after_label=N_("tanggal kejadian"), field="reported_on"
    )
    heir_rows = [_clean_heir(h, n) for n, h in enumerate(heirs, start=1)]
    if heir_rows and kind not in benefits.DEATH_KINDS:
        raise InvalidInput(
            N_("Ahli waris hanya dicatat untuk klaim kematian; manfaat lain dibayar kepada peserta."),
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
            N_("Klaim %(claim)s berstatus %(status)s; datanya tidak dapat diubah lagi."),
            params={"claim": claim.reference, "status": str(claim.get_status_display())},
            code="claim_closed",
        )
    return claim


@transaction.atomic
def claim_heir_add(*, actor, claim: Claim, heir: HeirInput) -> ClaimHeir:
    claim = _open_claim_for_edit(actor, claim)
    if not claim.is_death:
        raise InvalidInput(
            N_("Ahli waris hanya dicatat untuk klaim kematian; manfaat lain dibayar kepada peserta."),
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
        raise NotFound(N_("Ahli waris tidak ditemukan pada klaim ini."))
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
        raise NotFound(N_("Data anak tidak ditemukan pada klaim ini."))
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
