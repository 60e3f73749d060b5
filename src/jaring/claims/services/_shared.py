"""What every claim use case shares: who may act, text and dates as entered, the claim
lock, the transition row and the audit record of a step, and the protection on the
event date."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jaring.access.permissions import acts_as_platform, author
from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.audit.services import audit_record
from jaring.billing.protection import Protection, ProtectionStatus
from jaring.billing.selectors import protection_on
from jaring.claims import benefits, permissions
from jaring.claims.models import Claim, ClaimTransition
from jaring.errors import InvalidInput, NotFound, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry.models import Participant

TEXT_MAX = 500


def _require_reporter(actor) -> None:
    if not acts_as_platform(actor) and not permissions.can_report(actor):
        raise PermissionDeniedError(
            N_(
                "Hanya operator dan admin pemerintah desa, kabupaten/kota, provinsi atau kantor BPJS "
                "Ketenagakerjaan yang dapat mencatat klaim."
            )
        )


def _require_decider(actor) -> None:
    if not acts_as_platform(actor) and not permissions.can_decide(actor):
        raise PermissionDeniedError(
            N_(
                "Hanya operator dan admin kantor BPJS Ketenagakerjaan yang dapat memverifikasi, "
                "membayar atau menolak klaim."
            )
        )


def _require_in_jurisdiction(actor, village_code: str) -> None:
    if not jurisdiction_of(reader_of(actor)).contains(village_code):
        raise PermissionDeniedError(N_("Peserta ini di luar wilayah kerja Anda."))


def _text(value: str | None, *, field: str, label: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    """``value`` cleaned of runs of spaces. ``label`` names the field in an error: a
    catalogue message (``N_``) or a text already in the reader's language."""
    text = " ".join((value or "").split())
    if required and not text:
        raise InvalidInput(
            N_("%(label)s wajib diisi."), params={"label": figures.text(label)}, code="required", field=field
        )
    if len(text) > limit:
        raise InvalidInput(
            N_("%(label)s paling panjang %(limit)s karakter."),
            params={"label": figures.text(label), "limit": limit},
            code="too_long",
            field=field,
        )
    return text


def _business_date(on: date | None, *, after: date, after_label: str, field: str = "on") -> date:
    """The date a step happened: today unless given; never in the future, never
    before the step it follows (``after_label``: a catalogue message naming it)."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise InvalidInput(
            N_("Tanggal %(on)s belum terjadi."),
            params={"on": figures.day(on)},
            code="date_in_future",
            field=field,
        )
    if on < after:
        raise InvalidInput(
            N_("Tanggal %(on)s sebelum %(step)s (%(after)s)."),
            params={"on": figures.day(on), "step": figures.text(after_label), "after": figures.day(after)},
            code="date_too_early",
            field=field,
        )
    return on


def _actor(actor):
    return author(actor)


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
        raise NotFound(N_("Klaim tidak ditemukan."))
    return found


def _last_step_on(claim: Claim) -> date:
    last = claim.transitions.order_by("-on", "-at", "-id").values_list("on", flat=True).first()
    return last or claim.reported_on
