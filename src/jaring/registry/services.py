"""Writes to the participant registry. One person per NIK; every change audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from jaring.accounts.scoping import jurisdiction_of
from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_build, audit_record, diff
from jaring.errors import InvalidInput, NotFound
from jaring.regions import codes
from jaring.registry.models import Participant, StatusChange
from jaring.registry.rows import ParticipantRecord
from jaring.registry.vocab import Status, check_transition

# Record field -> model field, in the order shown in audit entries.
FIELDS = {
    "full_name": "full_name",
    "birth_date": "birth_date",
    "sex": "sex",
    "village_code": "village_id",
    "address": "address",
    "phone": "phone",
    "occupation": "occupation",
    "category": "category",
    "kpj_number": "kpj_number",
    "dtsen_ref": "dtsen_ref",
    "welfare_decile": "welfare_decile",
}


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[int, InvalidInput]] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _values(record: ParticipantRecord) -> dict:
    return {model_field: _plain(getattr(record, attr)) for attr, model_field in FIELDS.items()}


def _current(participant: Participant) -> dict:
    return {model_field: _plain(getattr(participant, model_field)) for model_field in FIELDS.values()}


def _audit_participant(actor, action: str, participant: Participant, changes: dict) -> AuditEvent:
    return audit_build(
        actor=actor,
        action=action,
        target_type="participant",
        target_id=participant.pk,
        target_repr=str(participant),
        region_code=participant.village_id,
        changes=changes,
    )


def participants_upsert(*, actor, records: list[ParticipantRecord], source: str = "") -> UpsertResult:
    """Create or update people by NIK, in one transaction.

    Records must already be validated (rows.validate_row), including that their
    villages lie in the actor's jurisdiction. A NIK known in a village outside the
    actor's jurisdiction is refused for that record (its index is reported), so
    one operator cannot move another region's person away.
    """
    result = UpsertResult()
    if not records:
        return result
    jurisdiction = jurisdiction_of(actor) if actor is not None else None
    with transaction.atomic():
        existing = {
            p.nik: p for p in Participant.objects.select_for_update().filter(nik__in=[r.nik for r in records])
        }
        creates: list[Participant] = []
        updates: list[tuple[Participant, dict]] = []
        for index, record in enumerate(records):
            values = _values(record)
            current = existing.get(record.nik)
            if current is None:
                participant = Participant(nik=record.nik, **values)
                creates.append(participant)
                existing[record.nik] = participant
                result.participants.append(participant)
                continue
            if jurisdiction is not None and not jurisdiction.contains(current.village_id):
                result.refused.append(
                    (
                        index,
                        InvalidInput(
                            f"NIK {record.nik} sudah terdaftar di desa {codes.dotted(current.village_id)}, "
                            "di luar wilayah kerja Anda. Minta operator wilayah itu memindahkan peserta.",
                            code="nik_registered_elsewhere",
                            field="NIK",
                        ),
                    )
                )
                continue
            changes = diff(_current(current), values)
            result.participants.append(current)
            if not changes:
                result.unchanged += 1
                continue
            for model_field, (_before, after) in changes.items():
                setattr(
                    current, model_field, date.fromisoformat(after) if model_field == "birth_date" else after
                )
            current.updated_at = timezone.now()
            updates.append((current, changes))

        Participant.objects.bulk_create(creates, batch_size=1000)
        if updates:
            Participant.objects.bulk_update(
                [p for p, _c in updates], fields=[*FIELDS.values(), "updated_at"], batch_size=1000
            )
        if creates and creates[0].pk is None:  # SQLite before 3.35 returns no ids
            ids = dict(Participant.objects.filter(nik__in=[p.nik for p in creates]).values_list("nik", "id"))
            for participant in creates:
                participant.pk = ids[participant.nik]
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    participant=p,
                    from_status="",
                    to_status=Status.REGISTERED,
                    actor=actor if actor and actor.pk else None,
                    reason=source,
                )
                for p in creates
            ],
            batch_size=1000,
        )
        AuditEvent.objects.bulk_create(
            [
                _audit_participant(actor, "participant.create", p, diff({}, {"nik": p.nik, **_current(p)}))
                for p in creates
            ]
            + [_audit_participant(actor, "participant.update", p, changes) for p, changes in updates],
            batch_size=1000,
        )
        result.created = len(creates)
        result.updated = len(updates)
    return result


def participant_register(*, actor, record: ParticipantRecord) -> tuple[Participant, str]:
    """Register one person (or update the person with that NIK). Returns the outcome:
    "created", "updated" or "unchanged"."""
    result = participants_upsert(actor=actor, records=[record], source="manual")
    if result.refused:
        raise result.refused[0][1]
    outcome = "created" if result.created else "updated" if result.updated else "unchanged"
    return result.participants[0], outcome


@transaction.atomic
def participant_set_status(*, actor, participant: Participant, status: str, reason: str = "") -> Participant:
    """The one place a participant's status changes; refuses illegal transitions."""
    current = Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if current is None:
        raise NotFound("Peserta tidak ditemukan.")
    new = Status(status)
    check_transition(Status(current.status), new)
    StatusChange.objects.create(
        participant=current,
        from_status=current.status,
        to_status=new,
        actor=actor if actor and actor.pk else None,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="participant.status",
        target_type="participant",
        target_id=current.pk,
        target_repr=str(current),
        changes={"status": [current.status, new.value], **({"reason": [None, reason]} if reason else {})},
        region_code=current.village_id,
    )
    current.status = new
    current.save(update_fields=["status", "updated_at"])
    return current
