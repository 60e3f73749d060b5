"""Enrolling the people an officer chose from a proposal, in one action.

Every chosen person must be a candidate on the date (``targeting.selectors``); people
new to the registry are registered first from their DTSEN row (and people already
registered take the category they fill and their decile), then all are enrolled through
the enrolment service, so every check of enrolment applies and every write is audited.
It is all or nothing: one refusal and nobody is registered or enrolled, and each refusal
names the person and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from jaring.access.permissions import acts_as_platform, can_edit_data
from jaring.errors import InvalidInput, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.programs.models import Enrolment, EnrolmentStatus, Program
from jaring.programs.services import EnrolmentOutcome, EnrolmentRequest, enrolments_create
from jaring.registry.models import Participant
from jaring.registry.rows import ParticipantRecord
from jaring.registry.services import FIELDS, participants_upsert
from jaring.registry.vocab import Category, Occupation
from jaring.targeting import proposals, rules
from jaring.targeting.models import DtsenPerson
from jaring.targeting.selectors import candidates, is_protected

# What a proposal sets on a person already registered: the rest stays as registered.
_KEPT = frozenset(FIELDS) - {"category", "welfare_decile"}


@dataclass(frozen=True)
class Refusal:
    nik: str
    full_name: str
    error: InvalidInput


class ProposalRefused(InvalidInput):
    """Some chosen people may not be enrolled; nothing was written."""

    code = "proposal_refused"

    def __init__(self, *, refusals: list[Refusal]):
        super().__init__(
            N_(
                "%(count)s orang tidak dapat didaftarkan; tidak ada yang disimpan. "
                "Hapus centangnya atau perbaiki."
            ),
            params={"count": len(refusals)},
        )
        self.refusals = refusals


def _not_a_candidate(user, program: Program, on: date, nik: str) -> InvalidInput:
    """Why ``nik`` is not a candidate of ``program`` on ``on``: protected, or not listed here."""
    if is_protected(nik, on):
        return InvalidInput(
            N_(
                "NIK %(nik)s sudah terlindungi pada %(date)s (dibiayai program, iurannya dibayar, atau aktif "
                "di BPJS); tidak diusulkan lagi."
            ),
            params={"nik": nik, "date": figures.day(on)},
            code="already_protected",
            field="NIK",
        )
    return InvalidInput(
        N_(
            "NIK %(nik)s bukan calon pada %(date)s: tidak ada di edisi DTSEN yang berlaku di wilayah sasaran "
            "program dan wilayah kerja Anda, atau di luar desil 1-4 atau rentang usia."
        ),
        params={"nik": nik, "date": figures.day(on)},
        code="not_a_candidate",
        field="NIK",
    )


def _record(person: DtsenPerson, category: Category, registered: bool) -> ParticipantRecord:
    return ParticipantRecord(
        nik=person.nik,
        full_name=person.full_name,
        birth_date=person.birth_date,
        sex=person.sex,
        village_code=person.village_id,
        address="",
        phone="",
        occupation=Occupation(person.occupation or Occupation.LAINNYA),
        category=category,
        kpj_number="",
        dtsen_ref=person.family_id[:40],
        welfare_decile=person.decile,
        not_given=_KEPT if registered else frozenset(),
    )


@transaction.atomic
def enrol_chosen(*, actor, program: Program, on: date, niks: list[str]) -> EnrolmentOutcome:
    """Register (where new) and enrol the chosen candidates of ``program`` on ``on``."""
    if not acts_as_platform(actor) and not can_edit_data(actor):
        raise PermissionDeniedError(
            N_("Hanya operator dan admin yang dapat mendaftarkan peserta ke program.")
        )
    niks = list(dict.fromkeys(n.strip() for n in niks if n and n.strip()))
    if not niks:
        raise InvalidInput(
            N_("Centang minimal satu orang untuk didaftarkan."), code="nothing_chosen", field="NIK"
        )
    found = {
        p.nik: p
        for p in candidates(actor, on, targets=proposals.program_targets(program)).filter(nik__in=niks)
    }
    refusals = [
        Refusal(nik, "", _not_a_candidate(actor, program, on, nik)) for nik in niks if nik not in found
    ]
    chosen = [found[nik] for nik in niks if nik in found]
    seekers = proposals.seekers_of(program, chosen)
    places = proposals.free_places(program, sorted({s.village for s in seekers}))
    given = dict(rules.fill(seekers, places))  # the budget is the enrolment's to check
    records = []
    for seeker in seekers:
        person, registered, _occupation = seeker.key
        category = given.get(seeker) or (seeker.categories[0] if seeker.categories else None)
        if category is None:
            refusals.append(Refusal(person.nik, person.full_name, _fills_no_place(person)))
            continue
        records.append(_record(person, category, registered is not None))
    left_out = {s.key[0].nik for s in seekers} | {r.nik for r in refusals}
    refusals += [Refusal(p.nik, p.full_name, _exited(p)) for p in chosen if p.nik not in left_out]
    if refusals:
        raise ProposalRefused(refusals=refusals)
    registered = participants_upsert(actor=actor, records=records, source="dtsen")
    if registered.refused:
        refused = [Refusal(records[i].nik, records[i].full_name, e) for i, e in registered.refused]
        raise ProposalRefused(refusals=refused)
    people = Participant.objects.in_bulk([r.nik for r in records], field_name="nik")
    starts_on = proposals.enrolment_start(program, on)
    outcome = enrolments_create(
        actor=actor,
        program=program,
        requests=[EnrolmentRequest(participant=people[r.nik], starts_on=starts_on) for r in records],
        reason="DTSEN",
    )
    refused = [Refusal(r.participant.nik, r.participant.full_name, e) for r, e in outcome.refused]
    if outcome.unchanged:  # enrolled meanwhile by another officer, whose enrolment committed first
        new = set(outcome.enrolment_ids)
        refused += [
            Refusal(e.participant.nik, e.participant.full_name, _enrolled_meanwhile(e.participant, program))
            for e in Enrolment.objects.filter(
                program=program, status=EnrolmentStatus.ACTIVE, participant__in=list(people.values())
            ).select_related("participant")
            if e.pk not in new
        ]
    if refused:
        raise ProposalRefused(refusals=refused)
    return outcome


def _enrolled_meanwhile(person: Participant, program: Program) -> InvalidInput:
    return InvalidInput(
        N_("%(name)s sudah didaftarkan ke %(program)s oleh petugas lain sesaat sebelumnya."),
        params={"name": person.full_name, "program": program.code},
        code="already_enrolled",
        field="NIK",
    )


def _fills_no_place(person: DtsenPerson) -> InvalidInput:
    return InvalidInput(
        N_(
            "%(name)s (desil %(decile)s) bukan miskin ekstrem (desil 1) dan tidak bekerja di "
            "pekerjaan rentan; tidak mengisi kuota program."
        ),
        params={"name": person.full_name, "decile": str(person.decile)},
        code="fills_no_place",
        field="NIK",
    )


def _exited(person: DtsenPerson) -> InvalidInput:
    return InvalidInput(
        N_("%(name)s tercatat keluar atau meninggal di registri; tidak dapat didaftarkan."),
        params={"name": person.full_name},
        code="participant_not_eligible",
        field="NIK",
    )
