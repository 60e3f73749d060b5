"""A participant's death and the contributions owed back for it: the death ends his
enrolments and his billing, and the months paid beyond it become a refund due to the
payer, settled when the payer has its money back."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone

from jaring.access.permissions import acts_as_platform, author, require_editor
from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.audit.services import audit_record
from jaring.billing import rules
from jaring.billing.models import PaidMonths, Refund, RefundStatus
from jaring.billing.protection import month_index, month_label
from jaring.billing.services._guards import BPJS_KINDS
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.programs.models import Enrolment, EnrolmentStatus
from jaring.programs.services import enrolment_end
from jaring.registry.models import Participant
from jaring.registry.services import participant_set_status
from jaring.registry.vocab import Status


def _require_person_editor(actor, person: Participant, message: str, params: dict | None = None) -> None:
    require_editor(actor, message, params)
    if not jurisdiction_of(reader_of(actor)).contains(person.village_id):
        raise PermissionDeniedError(N_("Peserta ini di luar wilayah kerja Anda."))


@transaction.atomic
def death_record(*, actor, participant: Participant, died_on: date, reason: str) -> Refund:
    """Record a person's death: the person becomes deceased (through the registry's status
    service) from ``died_on``, the enrolments holding him end on that day (history kept),
    no later bill includes him, and the months paid beyond the month of death are owed
    back to the payer: the returned Refund (months 0 and status "none" when nothing was
    paid ahead). Refused for a date in the future or before the person's birth."""
    person = Participant.objects.select_for_update().get(pk=participant.pk)
    _require_person_editor(
        actor, person, N_("Hanya operator dan admin yang dapat mencatat kematian peserta.")
    )
    if died_on > timezone.localdate():
        raise InvalidInput(
            N_("Tanggal meninggal %(died)s di masa depan."),
            params={"died": figures.day(died_on)},
            code="date_in_future",
            field="died_on",
        )
    if died_on < person.birth_date:
        raise InvalidInput(
            N_("Tanggal meninggal %(died)s sebelum tanggal lahir (%(born)s)."),
            params={"died": figures.day(died_on), "born": figures.day(person.birth_date)},
            code="date_before_birth",
            field="died_on",
        )
    if person.status == Status.DECEASED:
        raise Conflict(
            N_("%(name)s sudah tercatat meninggal."),
            params={"name": person.full_name},
            code="already_deceased",
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(
            N_("Keterangan wajib diisi (mis. nomor akta kematian)."), code="required", field="reason"
        )
    participant_set_status(actor=actor, participant=person, status=Status.DECEASED, reason=reason)
    Participant.objects.filter(pk=person.pk).update(died_on=died_on)
    ended = []
    for enrolment in Enrolment.objects.filter(
        participant=person, status=EnrolmentStatus.ACTIVE
    ).select_related("program"):
        enrolment_end(
            actor=actor,
            enrolment=enrolment,
            ends_on=max(died_on, enrolment.starts_on),
            reason=f"Meninggal dunia {died_on:%d-%m-%Y}",
        )
        ended.append(enrolment.program.code)
    refund = _refund_for(person, died_on)
    audit_record(
        actor=actor,
        action="participant.death",
        target_type="participant",
        target_id=person.pk,
        target_repr=str(person),
        changes={
            "died_on": [None, died_on.isoformat()],
            "enrolments_ended": [None, ended],
            "refund_months": [None, refund.months],
            "refund_rupiah": [None, refund.rupiah],
            "reason": [None, reason],
        },
        region_code=person.village_id,
    )
    participant.status, participant.died_on = Status.DECEASED, died_on
    return refund


def _refund_for(person: Participant, died_on: date) -> Refund:
    """The months paid after the month of death, per line, owed to the payer of the most."""
    spans = (
        PaidMonths.objects.filter(participant=person, void=False)
        .select_related("line__bill__program__payer")
        .order_by("first_month")
    )
    spans = list(spans)
    lines = {s.line_id: s.line for s in spans}
    parts = rules.refund_parts(
        [(s.line_id, s.first_month, s.last_month, s.line.monthly_rupiah) for s in spans], month_index(died_on)
    )
    by_payer: dict[int, int] = defaultdict(int)
    for part in parts:
        by_payer[lines[part.line_id].bill.program.payer_id] += part.rupiah
    payer_id = max(by_payer, key=by_payer.get) if by_payer else _last_payer(person)
    return Refund.objects.create(
        participant=person,
        payer_id=payer_id,
        died_on=died_on,
        months=sum(len(p.months) for p in parts),
        rupiah=sum(p.rupiah for p in parts),
        status=RefundStatus.DUE if parts else RefundStatus.NONE,
        details=[
            {
                "bill": lines[p.line_id].bill.number,
                "program": lines[p.line_id].bill.program.code,
                "payer": lines[p.line_id].bill.program.payer.code,
                "months": [month_label(m) for m in p.months],
                "rupiah": p.rupiah,
            }
            for p in parts
        ],
        region_code=person.village_id,
    )


def _last_payer(person: Participant) -> int | None:
    return (
        Enrolment.objects.filter(participant=person)
        .order_by("-starts_on", "-id")
        .values_list("program__payer_id", flat=True)
        .first()
    )


@transaction.atomic
def refund_settle(*, actor, refund: Refund, settled_on: date, reference: str) -> Refund:
    """Record that a refund was paid back to the payer."""
    refund = (
        Refund.objects.select_for_update(of=("self",))
        .select_related("participant", "payer")
        .get(pk=refund.pk)
    )
    require_editor(actor, N_("Hanya operator dan admin yang dapat mencatat pengembalian iuran."))
    if not acts_as_platform(actor):
        own = actor.organization_id == refund.payer_id
        bpjs = actor.organization.kind in BPJS_KINDS and jurisdiction_of(actor).contains(refund.region_code)
        if not (own or bpjs):
            raise PermissionDeniedError(
                N_(
                    "Pengembalian iuran dicatat oleh pemberi dana atau kantor BPJS Ketenagakerjaan "
                    "wilayahnya."
                )
            )
    if refund.status != RefundStatus.DUE:
        raise Conflict(
            N_("Tidak ada pengembalian yang belum diselesaikan untuk peserta ini."), code="refund_not_due"
        )
    reference = " ".join((reference or "").split())
    if not reference:
        raise InvalidInput(N_("Referensi pengembalian wajib diisi."), code="required", field="reference")
    if settled_on > timezone.localdate() or settled_on < refund.died_on:
        raise InvalidInput(
            N_("Tanggal pengembalian harus antara tanggal meninggal (%(died)s) dan hari ini."),
            params={"died": figures.day(refund.died_on)},
            code="date_invalid",
            field="settled_on",
        )
    refund.status, refund.settled_on, refund.settled_reference = RefundStatus.SETTLED, settled_on, reference
    refund.settled_by = author(actor)
    refund.save(update_fields=["status", "settled_on", "settled_reference", "settled_by"])
    audit_record(
        actor=actor,
        action="refund.settle",
        target_type="participant",
        target_id=refund.participant_id,
        target_repr=str(refund.participant),
        changes={
            "refund_status": [RefundStatus.DUE, RefundStatus.SETTLED],
            "settled_on": [None, settled_on.isoformat()],
            "reference": [None, reference],
            "rupiah": [None, refund.rupiah],
        },
        region_code=refund.region_code,
    )
    return refund
