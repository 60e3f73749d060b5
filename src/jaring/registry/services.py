"""Writes to the participant registry. One person per NIK; every change audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from jaring import codes
from jaring.access.permissions import author_id
from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_record, audit_values, diff
from jaring.bulk import bulk_insert
from jaring.distribution import people_moved
from jaring.errors import InvalidInput, NotFound
from jaring.i18n import N_
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
    niks: list[str] = field(default_factory=list)  # of the people written or unchanged, in order

    @property
    def participants(self) -> list[Participant]:
        """The people written or unchanged, read back in the order of ``niks``."""
        found = Participant.objects.in_bulk(self.niks, field_name="nik")
        return [found[nik] for nik in self.niks]


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _values(record: ParticipantRecord) -> dict:
    return {model_field: _plain(getattr(record, attr)) for attr, model_field in FIELDS.items()}


def _given(record: ParticipantRecord) -> dict:
    """The values a record gives for a person already known: what it left blank keeps
    what is stored."""
    return {
        model_field: _plain(getattr(record, attr))
        for attr, model_field in FIELDS.items()
        if attr not in record.not_given
    }


def _current(participant: Participant) -> dict:
    return {model_field: _plain(getattr(participant, model_field)) for model_field in FIELDS.values()}


def _audit_participant(actor, action: str, participant, changes: dict, *, at=None) -> dict:
    """Audit row values for a change to a participant (a model or a row dict)."""
    row = participant if isinstance(participant, dict) else None
    pk = row["id"] if row else participant.pk
    village = row["village_id"] if row else participant.village_id
    shown = f"{row['full_name']} ({row['nik'][:4]}…{row['nik'][-4:]})" if row else str(participant)
    return audit_values(
        actor=actor,
        action=action,
        target_type="participant",
        target_id=pk,
        target_repr=shown,
        region_code=village,
        changes=changes,
        at=at,
    )


@transaction.atomic
def participants_upsert(*, actor, records: list[ParticipantRecord], source: str = "") -> UpsertResult:
    """Create or update people by NIK, in one transaction.

    Records must already be validated (rows.validate_row), including that their
    villages lie in the actor's jurisdiction. A NIK known in a village outside the
    actor's jurisdiction is refused for that record (its index is reported), so
    one operator cannot move another region's person away.
    """
    if not records:
        return UpsertResult()
    try:
        return _upsert(actor, records, source)
    except IntegrityError:
        # Another session registered one of these NIKs between this one's read and its
        # insert (PostgreSQL made this insert wait for that commit): read them again,
        # now they are known and are updated or left unchanged.
        return _upsert(actor, records, source)


def _upsert(actor, records: list[ParticipantRecord], source: str) -> UpsertResult:
    result = UpsertResult()
    jurisdiction = jurisdiction_of(reader_of(actor))
    with transaction.atomic():  # a savepoint: a lost race is rolled back to here and retried
        existing = {
            p.nik: p for p in Participant.objects.select_for_update().filter(nik__in=[r.nik for r in records])
        }
        now = timezone.now()
        creates: list[dict] = []  # new people as column values (jaring.bulk rows)
        pending: dict[str, dict] = {}  # the same rows by NIK
        updates: list[tuple[Participant, dict]] = []
        for index, record in enumerate(records):
            values = _values(record)
            current = existing.get(record.nik)
            if record.nik in pending:  # the same NIK earlier in this batch: the later values win
                before, values = pending[record.nik], _given(record)
                if all(before[k] == v for k, v in values.items()):
                    result.unchanged += 1
                else:
                    before.update(values)
                    result.updated += 1
                result.niks.append(record.nik)
                continue
            if current is None:
                pending[record.nik] = {"nik": record.nik, **values}
                creates.append(pending[record.nik])
                result.niks.append(record.nik)
                continue
            if not jurisdiction.contains(current.village_id):
                result.refused.append(
                    (
                        index,
                        InvalidInput(
                            N_(
                                "NIK %(nik)s sudah terdaftar di desa %(village)s, di luar wilayah kerja "
                                "Anda. "
                                "Minta operator wilayah itu memindahkan peserta."
                            ),
                            params={"nik": record.nik, "village": codes.dotted(current.village_id)},
                            code="nik_registered_elsewhere",
                            field="NIK",
                        ),
                    )
                )
                continue
            given = _given(record)
            changes = diff({k: v for k, v in _current(current).items() if k in given}, given)
            result.niks.append(record.nik)
            if not changes:
                result.unchanged += 1
                continue
            for model_field, (_before, after) in changes.items():
                setattr(
                    current, model_field, date.fromisoformat(after) if model_field == "birth_date" else after
                )
            current.updated_at = now
            updates.append((current, changes))

        # A creation's audit entry lists every value given (values are plain already).
        created_changes = [{k: [None, v] for k, v in row.items() if v is not None} for row in creates]
        bulk_insert(
            Participant,
            [
                {**row, "status": Status.REGISTERED.value, "created_at": now, "updated_at": now}
                for row in creates
            ],
        )
        if updates:
            Participant.objects.bulk_update(
                [p for p, _c in updates], fields=[*FIELDS.values(), "updated_at"], batch_size=1000
            )
            people_moved(
                p.pk
                for p, changes in updates
                if "village_id" in changes and changes["village_id"][0][:2] != changes["village_id"][1][:2]
            )
        if creates:
            ids = dict(
                Participant.objects.filter(nik__in=[r["nik"] for r in creates]).values_list("nik", "id")
            )
            for row in creates:
                row["id"] = ids[row["nik"]]
        actor_id = author_id(actor)
        bulk_insert(
            StatusChange,
            [
                {
                    "participant_id": row["id"],
                    "province": row["village_id"][:2],
                    "from_status": "",
                    "to_status": Status.REGISTERED.value,
                    "at": now,
                    "actor_id": actor_id,
                    "reason": source,
                }
                for row in creates
            ],
        )
        bulk_insert(
            AuditEvent,
            [
                _audit_participant(actor, "participant.create", row, changes, at=now)
                for row, changes in zip(creates, created_changes, strict=True)
            ]
            + [_audit_participant(actor, "participant.update", p, changes, at=now) for p, changes in updates],
        )
        result.created = len(creates)
        result.updated += len(updates)
    return result


@transaction.atomic
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
        raise NotFound(N_("Peserta tidak ditemukan."))
    new = Status(status)
    check_transition(Status(current.status), new)
    StatusChange.objects.create(
        participant=current,
        province=current.province,
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
