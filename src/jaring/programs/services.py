"""Writes to funding programs, enrolments and agreements. Each use case is one
transaction with its audit record; a refusal changes nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jaring import codes
from jaring.access.permissions import acts_as_platform, author_id, can_edit_data
from jaring.access.scoping import Jurisdiction, jurisdiction_of, reader_of
from jaring.accounts.models import Organization, OrgKind
from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_record, audit_values
from jaring.bulk import Among, bulk_insert, bulk_set
from jaring.contributions.vocab import FundingSource, Package
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.programs import rules, selectors
from jaring.programs.models import (
    Agreement,
    CoveragePeriod,
    Enrolment,
    EnrolmentStatus,
    Program,
    ProgramQuota,
    VillageEnrolmentCount,
)
from jaring.regions.models import Region
from jaring.registry.models import Participant
from jaring.registry.vocab import CATEGORY_LABELS, STATUS_LABELS, Category, Status

BPJS_KINDS = (OrgKind.BPJS_BRANCH, OrgKind.BPJS_REGIONAL)


def _require_editor(actor, organization: Organization | None = None) -> None:
    """Operators and admins of ``organization`` (or the platform) may change it."""
    if acts_as_platform(actor):
        return
    if not can_edit_data(actor):
        raise PermissionDeniedError(N_("Hanya operator dan admin yang dapat mengubah data program."))
    if organization is not None and actor.organization_id != organization.pk:
        raise PermissionDeniedError(
            N_("Data ini milik %(organization)s; hanya petugasnya yang dapat mengubahnya."),
            params={"organization": organization.name},
        )


def _program_snapshot(program: Program) -> dict:
    return {
        "code": program.code,
        "name": program.name,
        "source": program.source,
        "payer": program.payer.code,
        "fiscal_year": program.fiscal_year,
        "starts_on": program.starts_on.isoformat(),
        "coverage_months": program.coverage_months,
        "package": program.package,
        "declared_income": program.declared_income,
        "budget_ceiling": program.budget_ceiling,
        "quota_total": program.quota_total,
        "quotas": {q.category: q.per_village for q in program.quotas.all()},
        "target_regions": sorted(r.code for r in program.target_regions.all()),
    }


def _positive(value: int | None, name: str, label: str, params: dict | None = None) -> None:
    """Refuse a missing or non-positive ``value``; ``label`` (``N_``, with ``params``) names it."""
    if value is None or value <= 0:
        raise InvalidInput(
            N_("%(what)s harus lebih dari nol."),
            params={"what": figures.text(label, params)},
            code="amount_not_positive",
            field=name,
        )


@transaction.atomic
def program_create(
    *,
    actor,
    code: str,
    name: str,
    source: str,
    payer: Organization,
    fiscal_year: int,
    starts_on: date,
    coverage_months: int,
    budget_ceiling: int,
    target_region_codes: list[str],
    package: str = Package.JKK_JKM,
    declared_income: int = 1_000_000,
    quota_total: int | None = None,
    quotas: dict[str, int] | None = None,
) -> Program:
    """Set up a funding program and its first coverage period."""
    _require_editor(actor, payer)
    code = code.strip().upper()
    if not code or not name.strip():
        raise InvalidInput(N_("Kode dan nama program wajib diisi."), code="required", field="code")
    if Program.objects.filter(code=code).exists():
        raise Conflict(
            N_("Kode program %(code)s sudah dipakai."),
            params={"code": code},
            code="program_code_taken",
            field="code",
        )
    if source not in FundingSource.values:
        raise InvalidInput(
            N_("Sumber dana '%(source)s' tidak dikenal."),
            params={"source": str(source)},
            code="source_unknown",
            field="source",
        )
    if package not in Package.values:
        raise InvalidInput(
            N_("Paket manfaat '%(package)s' tidak dikenal."),
            params={"package": str(package)},
            code="package_unknown",
            field="package",
        )
    _positive(budget_ceiling, "budget_ceiling", N_("Pagu anggaran"))
    _positive(declared_income, "declared_income", N_("Penghasilan yang dilaporkan"))
    _positive(coverage_months, "coverage_months", N_("Masa perlindungan"))
    if coverage_months > 60:
        raise InvalidInput(
            N_("Masa perlindungan paling lama 60 bulan."), code="months_too_long", field="coverage_months"
        )
    if starts_on.year != fiscal_year:
        raise InvalidInput(
            N_("Tanggal mulai %(start)s di luar tahun anggaran %(year)s."),
            params={"start": figures.day(starts_on), "year": str(fiscal_year)},
            code="date_outside_fiscal_year",
            field="starts_on",
        )
    if quota_total is not None and quota_total <= 0:
        raise InvalidInput(
            N_("Kuota total harus lebih dari nol (atau dikosongkan)."), code="amount_not_positive"
        )
    quotas = quotas or {}
    for category, per_village in quotas.items():
        if category not in {c.value for c in Category}:
            raise InvalidInput(
                N_("Kategori kuota '%(category)s' tidak dikenal."),
                params={"category": str(category)},
                code="category_unknown",
                field="quotas",
            )
        _positive(per_village, "quotas", N_("Kuota per desa untuk %(category)s"), {"category": category})
    regions = _target_regions(actor, target_region_codes)
    program = Program.objects.create(
        code=code,
        name=name.strip(),
        source=source,
        payer=payer,
        fiscal_year=fiscal_year,
        starts_on=starts_on,
        coverage_months=coverage_months,
        ends_on=rules.period_end(starts_on, coverage_months),
        package=package,
        declared_income=declared_income,
        budget_ceiling=budget_ceiling,
        quota_total=quota_total,
        region_code=codes.common_ancestor([r.code for r in regions]) or "",
    )
    program.target_regions.set(regions)
    ProgramQuota.objects.bulk_create(
        [ProgramQuota(program=program, category=c, per_village=n) for c, n in quotas.items()]
    )
    CoveragePeriod.objects.create(program=program, starts_on=program.starts_on, ends_on=program.ends_on)
    audit_record(
        actor=actor,
        action="program.create",
        target_type="program",
        target_id=program.pk,
        target_repr=str(program),
        changes={k: [None, v] for k, v in _program_snapshot(program).items()},
        region_code=program.region_code,
    )
    return program


def _target_regions(actor, region_codes: list[str]) -> list[Region]:
    if not region_codes:
        raise InvalidInput(
            N_("Pilih paling sedikit satu wilayah sasaran."), code="required", field="target_regions"
        )
    normalized = sorted({codes.normalize(c) for c in region_codes})
    regions = list(Region.objects.filter(code__in=normalized))
    missing = sorted(set(normalized) - {r.code for r in regions})
    if missing:
        raise InvalidInput(
            N_("Wilayah tidak dikenal: %(regions)s"),
            params={"regions": ", ".join(codes.dotted(c) for c in missing)},
            code="region_unknown",
            field="target_regions",
        )
    jurisdiction = jurisdiction_of(reader_of(actor))
    outside = [r for r in regions if not jurisdiction.contains(r.code)]
    if outside:
        raise PermissionDeniedError(
            N_("Wilayah sasaran di luar wilayah kerja Anda: %(regions)s"),
            params={"regions": ", ".join(r.name for r in outside)},
        )
    return regions


@transaction.atomic
def coverage_period_start(*, actor, program: Program, starts_on: date, months: int) -> CoveragePeriod:
    """Start a new coverage period. A program with agreements needs one in force on
    the start date: after its agreement ended, it must be renewed first."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _require_editor(actor, program.payer)
    _positive(months, "months", N_("Masa perlindungan"))
    last = program.periods.order_by("-ends_on").first()
    if last and starts_on <= last.ends_on:
        raise InvalidInput(
            N_("Periode baru harus mulai setelah periode terakhir berakhir (%(end)s)."),
            params={"end": figures.day(last.ends_on)},
            code="period_overlaps",
            field="starts_on",
        )
    agreement = None
    if program.agreements.exists():
        agreement = program.agreements.filter(starts_on__lte=starts_on, ends_on__gte=starts_on).first()
        if agreement is None:
            ended = program.agreements.order_by("-ends_on").first()
            raise InvalidInput(
                N_(
                    "PKS %(agreement)s berakhir %(end)s; perbarui PKS sebelum memulai "
                    "periode perlindungan baru."
                ),
                params={"agreement": ended.number, "end": figures.day(ended.ends_on)},
                code="agreement_ended",
                field="starts_on",
            )
    period = CoveragePeriod.objects.create(
        program=program, starts_on=starts_on, ends_on=rules.period_end(starts_on, months), agreement=agreement
    )
    before = program.ends_on
    program.ends_on = max(program.ends_on, period.ends_on)
    program.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="program.period_start",
        target_type="program",
        target_id=program.pk,
        target_repr=str(program),
        changes={
            "period": [None, f"{period.starts_on.isoformat()}..{period.ends_on.isoformat()}"],
            "ends_on": [before.isoformat(), program.ends_on.isoformat()],
            **({"agreement": [None, agreement.number]} if agreement else {}),
        },
        region_code=program.region_code,
    )
    return period


# --- enrolment -------------------------------------------------------------------


@dataclass
class EnrolmentRequest:
    participant: Participant
    starts_on: date | None = None
    row: int | None = None  # the file row, for reporting


@dataclass
class EnrolmentOutcome:
    created: int = 0
    unchanged: int = 0  # already enrolled in this program
    refused: list[tuple[EnrolmentRequest, InvalidInput]] = field(default_factory=list)
    enrolment_ids: list[int] = field(default_factory=list)


def _refuse(request: EnrolmentRequest, refusal: InvalidInput, result: EnrolmentOutcome) -> None:
    result.refused.append((request, refusal))


@transaction.atomic
def enrolments_create(
    *, actor, program: Program, requests: list[EnrolmentRequest], reason: str = ""
) -> EnrolmentOutcome:
    """Enrol people into ``program``; each refused person is reported with the
    reason and the others are enrolled. Checks: the person is alive and not exited,
    lives in the program's regions, inside the actor's jurisdiction, is not funded
    by another program for an overlapping period, and the program's quotas (per
    village and category, and total) and budget hold."""
    result = EnrolmentOutcome()
    if not requests:
        return result
    if not acts_as_platform(actor) and not can_edit_data(actor):
        raise PermissionDeniedError(
            N_("Hanya operator dan admin yang dapat mendaftarkan peserta ke program.")
        )
    program = Program.objects.select_for_update().get(pk=program.pk)  # serializes quota and budget checks
    intake = _intake(actor, program, requests)
    new_rows: list[dict] = []
    for request in requests:
        person = request.participant
        if person.pk in intake.already or person.pk in intake.seen:
            result.unchanged += 1
            continue
        starts_on = request.starts_on or intake.default_start
        cost = rules.enrolment_cost(
            months=program.coverage_months, monthly_rupiah=intake.rates[person.occupation]
        )
        refusal = _refusal(intake, person, starts_on, cost)
        if refusal:
            _refuse(request, refusal, result)
            continue
        new_rows.append(_admit(intake, actor, person, starts_on, cost))
    if not new_rows:
        return result
    _write_enrolments(intake, new_rows, result)
    _audit_enrolments(actor, program, new_rows, reason)
    return result


@dataclass
class _Intake:
    """What enrolling into one locked program checks each request against, and what the
    people admitted so far have taken of its quotas and budget."""

    program: Program
    jurisdiction: Jurisdiction
    targets: list[str]  # the codes of the program's target regions
    quotas: dict[str, int]  # category -> places per village
    rates: dict[str, int]  # occupation -> monthly contribution
    state: rules.QuotaState
    already: set[int]  # participants already enrolled in the program
    elsewhere: dict[int, list[tuple[date, date | None, str, date]]]  # active enrolments in other programs
    counts: dict[tuple[str, str], VillageEnrolmentCount]  # (village, category) -> counter, locked
    default_start: date
    seen: set[int] = field(default_factory=set)  # admitted in this batch


def _intake(actor, program: Program, requests: list[EnrolmentRequest]) -> _Intake:
    """Read what the checks need, locking the program's village counters of the people."""
    jurisdiction = jurisdiction_of(reader_of(actor))
    targets = [r.code for r in program.target_regions.all()]
    quotas = {q.category: q.per_village for q in program.quotas.all()}
    people = [r.participant for r in requests]
    rates = selectors.monthly_rates(program, {p.occupation for p in people})
    state = rules.QuotaState(
        total_limit=program.quota_total,
        total_used=program.enrolled_active,
        budget_ceiling=program.budget_ceiling,
        budget_committed=program.committed_rupiah,
    )
    ids = [p.pk for p in people]
    already = set(
        Enrolment.objects.filter(
            Among("participant_id", ids), program=program, status=EnrolmentStatus.ACTIVE
        ).values_list("participant_id", flat=True)
    )
    elsewhere: dict[int, list[tuple[date, date | None, str, date]]] = defaultdict(list)
    others = (
        Enrolment.objects.filter(Among("participant_id", ids), status=EnrolmentStatus.ACTIVE)
        .exclude(program=program)
        .values_list("participant_id", "starts_on", "ends_on", "program__code", "program__ends_on")
    )
    for pid, start, end, code, program_end in others:
        elsewhere[pid].append((start, end, code, program_end))
    villages = {p.village_id for p in people}
    counts = {
        (c.village_id, c.category): c
        for c in VillageEnrolmentCount.objects.select_for_update().filter(
            program=program, village_id__in=villages
        )
    }
    today = timezone.localdate()
    # Without a date: from today while the program runs, else from its start.
    default_start = today if program.starts_on <= today <= program.ends_on else program.starts_on
    return _Intake(
        program=program,
        jurisdiction=jurisdiction,
        targets=targets,
        quotas=quotas,
        rates=rates,
        state=state,
        already=already,
        elsewhere=elsewhere,
        counts=counts,
        default_start=default_start,
    )


def _refusal(intake: _Intake, person: Participant, starts_on: date, cost: int) -> InvalidInput | None:
    """Why ``person`` may not be enrolled from ``starts_on`` at ``cost`` (None: he may)."""
    program = intake.program
    if person.status in (Status.DECEASED, Status.EXITED):
        return InvalidInput(
            N_("%(name)s berstatus %(status)s; tidak dapat didaftarkan."),
            params={
                "name": person.full_name,
                "status": figures.text(STATUS_LABELS[Status(person.status)]),
            },
            code="participant_not_eligible",
            field="NIK",
        )
    if not intake.jurisdiction.contains(person.village_id):
        return InvalidInput(
            N_("Peserta ini di luar wilayah kerja Anda."), code="outside_jurisdiction", field="NIK"
        )
    if not any(person.village_id.startswith(t) for t in intake.targets):
        return InvalidInput(
            N_("Desa %(village)s tidak termasuk wilayah sasaran program %(program)s."),
            params={"village": codes.dotted(person.village_id), "program": program.code},
            code="outside_program_regions",
            field="NIK",
        )
    if not program.starts_on <= starts_on <= program.ends_on:
        return InvalidInput(
            N_("Tanggal mulai %(start)s di luar masa program (%(first)s s.d. %(last)s)."),
            params={
                "start": figures.day(starts_on),
                "first": figures.day(program.starts_on),
                "last": figures.day(program.ends_on),
            },
            code="date_outside_program",
            field="NIK",
        )
    clash = next(
        (
            code
            for start, end, code, program_end in intake.elsewhere.get(person.pk, [])
            if rules.overlaps(starts_on, program.ends_on, start, end or program_end)
        ),
        None,
    )
    if clash:
        return InvalidInput(
            N_(
                "%(name)s sudah dibiayai program %(program)s pada periode yang sama. "
                "Pindahkan kepesertaannya bila pembiayaan beralih."
            ),
            params={"name": person.full_name, "program": clash},
            code="double_funding",
            field="NIK",
        )
    return _quota_refusal(intake, person) or intake.state.refusal(cost=cost)


def _quota_refusal(intake: _Intake, person: Participant) -> InvalidInput | None:
    """The refusal when the program's places for the person's category in his village are taken."""
    if not intake.quotas:
        return None
    limit = intake.quotas.get(person.category)
    if limit is None:
        return InvalidInput(
            N_("Program %(program)s tidak punya kuota untuk kategori %(category)s."),
            params={
                "program": intake.program.code,
                "category": figures.text(CATEGORY_LABELS[Category(person.category)]),
            },
            code="quota_category",
            field="NIK",
        )
    counter = intake.counts.get((person.village_id, person.category))
    used = counter.active if counter else 0
    if used + 1 > limit:
        return InvalidInput(
            N_("Kuota %(category)s desa %(village)s sudah penuh (%(used)s dari %(limit)s)."),
            params={
                "category": figures.text(CATEGORY_LABELS[Category(person.category)]),
                "village": codes.dotted(person.village_id),
                "used": used,
                "limit": limit,
            },
            code="quota_village",
            field="NIK",
        )
    return None


def _admit(intake: _Intake, actor, person: Participant, starts_on: date, cost: int) -> dict:
    """Take the person's place and budget, and give his enrolment row."""
    intake.state.take(cost=cost)
    intake.seen.add(person.pk)
    key = (person.village_id, person.category)
    if key not in intake.counts:
        intake.counts[key] = VillageEnrolmentCount(
            program=intake.program, village_id=person.village_id, category=person.category
        )
    intake.counts[key].active += 1
    return {
        "program_id": intake.program.pk,
        "participant_id": person.pk,
        "village_id": person.village_id,
        "category": person.category,
        "starts_on": starts_on,
        "ends_on": None,
        "status": EnrolmentStatus.ACTIVE.value,
        "end_reason": "",
        "committed_rupiah": cost,
        "transferred_to_id": None,
        "enrolled_by_id": author_id(actor),
        "created_at": timezone.now(),
    }


def _write_enrolments(intake: _Intake, new_rows: list[dict], result: EnrolmentOutcome) -> None:
    """Insert the rows, save the village counters and the program's totals."""
    program = intake.program
    bulk_insert(Enrolment, new_rows)
    _save_counts(intake.counts.values())
    Program.objects.filter(pk=program.pk).update(
        enrolled_active=intake.state.total_used, committed_rupiah=intake.state.budget_committed
    )
    created = dict(
        Enrolment.objects.filter(
            Among("participant_id", [r["participant_id"] for r in new_rows]),
            program=program,
            status=EnrolmentStatus.ACTIVE,
        ).values_list("participant_id", "id")
    )
    result.created = len(new_rows)
    result.enrolment_ids = [created[r["participant_id"]] for r in new_rows]


def _audit_enrolments(actor, program: Program, new_rows: list[dict], reason: str) -> None:
    bulk_insert(
        AuditEvent,
        [
            audit_values(
                actor=actor,
                action="enrolment.create",
                target_type="participant",
                target_id=row["participant_id"],
                target_repr=f"{program.code}",
                changes={
                    "program": [None, program.code],
                    "starts_on": [None, row["starts_on"].isoformat()],
                    **({"reason": [None, reason]} if reason else {}),
                },
                region_code=row["village_id"],
            )
            for row in new_rows
        ],
    )


def _save_counts(counters) -> None:
    fresh = [c for c in counters if c.pk is None]
    known = [c for c in counters if c.pk is not None]
    VillageEnrolmentCount.objects.bulk_create(fresh, batch_size=1000)
    bulk_set(VillageEnrolmentCount, known, ["active"])


@transaction.atomic
def enrolment_create(
    *, actor, program: Program, participant: Participant, starts_on: date | None = None
) -> Enrolment:
    """Enrol one person; a refusal raises its reason."""
    result = enrolments_create(
        actor=actor,
        program=program,
        requests=[EnrolmentRequest(participant=participant, starts_on=starts_on)],
    )
    if result.refused:
        raise result.refused[0][1]
    if result.unchanged:
        raise Conflict(
            N_("%(name)s sudah terdaftar di program %(program)s."),
            params={"name": participant.full_name, "program": program.code},
            code="already_enrolled",
        )
    return Enrolment.objects.get(pk=result.enrolment_ids[0])


def _release(enrolment: Enrolment, program: Program) -> None:
    """Give back the enrolment's place in the quotas and the budget it committed."""
    VillageEnrolmentCount.objects.filter(
        program=program, village_id=enrolment.village_id, category=enrolment.category
    ).update(active=F("active") - 1)
    Program.objects.filter(pk=program.pk).update(
        enrolled_active=F("enrolled_active") - 1,
        committed_rupiah=F("committed_rupiah") - enrolment.committed_rupiah,
    )


@transaction.atomic
def enrolment_end(*, actor, enrolment: Enrolment, ends_on: date, reason: str) -> Enrolment:
    """End an enrolment (its row and history stay)."""
    program = Program.objects.select_for_update().get(pk=enrolment.program_id)
    enrolment = Enrolment.objects.select_for_update().select_related("participant").get(pk=enrolment.pk)
    _check_may_change_enrolment(actor, enrolment, program)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise InvalidInput(N_("Kepesertaan ini sudah berakhir."), code="enrolment_not_active")
    if not reason.strip():
        raise InvalidInput(N_("Alasan wajib diisi."), code="required", field="reason")
    if ends_on < enrolment.starts_on:
        raise InvalidInput(
            N_("Tanggal berakhir sebelum tanggal mulai (%(start)s)."),
            params={"start": figures.day(enrolment.starts_on)},
            code="date_before_start",
            field="ends_on",
        )
    enrolment.status, enrolment.ends_on, enrolment.end_reason = EnrolmentStatus.ENDED, ends_on, reason.strip()
    enrolment.save(update_fields=["status", "ends_on", "end_reason"])
    _release(enrolment, program)
    audit_record(
        actor=actor,
        action="enrolment.end",
        target_type="participant",
        target_id=enrolment.participant_id,
        target_repr=str(enrolment.participant),
        changes={
            "program": [program.code, None],
            "ends_on": [None, ends_on.isoformat()],
            "reason": [None, reason],
        },
        region_code=enrolment.village_id,
    )
    return enrolment


def _check_may_change_enrolment(actor, enrolment: Enrolment, program: Program) -> None:
    if acts_as_platform(actor):
        return
    if not can_edit_data(actor):
        raise PermissionDeniedError(N_("Hanya operator dan admin yang dapat mengubah kepesertaan."))
    if actor.organization_id != program.payer_id and not jurisdiction_of(actor).contains(
        enrolment.village_id
    ):
        raise PermissionDeniedError(N_("Kepesertaan ini di luar wilayah kerja Anda."))


@transaction.atomic
def enrolment_transfer(
    *, actor, enrolment: Enrolment, to_program: Program, on: date, reason: str
) -> Enrolment:
    """Move a person's funding to another program from ``on``: the old enrolment ends
    as transferred (pointing to the new one) and the new one passes every check."""
    if to_program.pk == enrolment.program_id:
        raise InvalidInput(
            N_("Program tujuan sama dengan program asal."), code="same_program", field="program"
        )
    old = enrolment_end(
        actor=actor, enrolment=enrolment, ends_on=on - timedelta(days=1), reason=reason or "Pindah program"
    )
    result = enrolments_create(
        actor=actor,
        program=to_program,
        requests=[EnrolmentRequest(participant=old.participant, starts_on=on)],
        reason=f"pindah dari {old.program.code}",
    )
    if result.refused:
        raise result.refused[0][1]  # rolls the whole transfer back
    new = Enrolment.objects.get(pk=result.enrolment_ids[0])
    Enrolment.objects.filter(pk=old.pk).update(status=EnrolmentStatus.TRANSFERRED, transferred_to=new)
    old.refresh_from_db()
    return new


# --- agreements -------------------------------------------------------------------


def _check_pdf(document) -> None:
    if document is None:
        return
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise InvalidInput(N_("Dokumen PKS harus berkas PDF."), code="document_not_pdf", field="document")
    if document.size > 20 * 1024 * 1024:
        raise InvalidInput(N_("Dokumen PKS paling besar 20 MB."), code="document_too_large", field="document")


@transaction.atomic
def agreement_create(
    *,
    actor,
    number: str,
    payer: Organization,
    bpjs_office: Organization,
    starts_on: date,
    ends_on: date,
    title: str = "",
    programs: list[Program] | None = None,
    renews: Agreement | None = None,
    document=None,
) -> Agreement:
    """Record an agreement (PKS/MoU); ``renews`` links a renewal to the agreement it
    replaces (which keeps its own dates and history)."""
    _require_editor(actor, payer)
    number = " ".join(number.split())
    if not number:
        raise InvalidInput(N_("Nomor PKS wajib diisi."), code="required", field="number")
    if Agreement.objects.filter(number=number).exists():
        raise Conflict(
            N_("PKS nomor %(number)s sudah tercatat."),
            params={"number": number},
            code="agreement_number_taken",
            field="number",
        )
    if bpjs_office.kind not in BPJS_KINDS:
        raise InvalidInput(
            N_("%(office)s bukan kantor BPJS Ketenagakerjaan."),
            params={"office": bpjs_office.name},
            code="not_bpjs_office",
            field="bpjs_office",
        )
    if ends_on <= starts_on:
        raise InvalidInput(
            N_("Tanggal berakhir harus setelah tanggal mulai."), code="dates_reversed", field="ends_on"
        )
    programs = programs or []
    foreign = [p.code for p in programs if p.payer_id != payer.pk]
    if foreign:
        raise InvalidInput(
            N_("Program berikut bukan milik pemberi dana ini: %(programs)s"),
            params={"programs": ", ".join(foreign)},
            code="program_foreign",
            field="programs",
        )
    if renews is not None:
        if renews.payer_id != payer.pk:
            raise InvalidInput(
                N_("PKS yang diperbarui milik pemberi dana lain."), code="renewal_foreign", field="renews"
            )
        if hasattr(renews, "renewed_by"):
            raise Conflict(
                N_("PKS %(agreement)s sudah diperbarui oleh %(renewal)s."),
                params={"agreement": renews.number, "renewal": renews.renewed_by.number},
                code="agreement_already_renewed",
                field="renews",
            )
        if starts_on <= renews.starts_on:
            raise InvalidInput(
                N_("Pembaruan harus mulai setelah PKS lama mulai."), code="renewal_dates", field="starts_on"
            )
    _check_pdf(document)
    agreement = Agreement(
        number=number,
        title=title.strip(),
        payer=payer,
        bpjs_office=bpjs_office,
        starts_on=starts_on,
        ends_on=ends_on,
        renews=renews,
        region_code=payer.scope_code,
    )
    if document is not None:
        agreement.document.save(getattr(document, "name", "pks.pdf") or "pks.pdf", document, save=False)
    agreement.save()
    linked = programs or (list(renews.programs.all()) if renews is not None else [])
    agreement.programs.set(linked)
    audit_record(
        actor=actor,
        action="agreement.create",
        target_type="agreement",
        target_id=agreement.pk,
        target_repr=agreement.number,
        changes={
            "number": [None, number],
            "payer": [None, payer.code],
            "bpjs_office": [None, bpjs_office.code],
            "starts_on": [None, starts_on.isoformat()],
            "ends_on": [None, ends_on.isoformat()],
            "programs": [None, sorted(p.code for p in linked)],
            **({"renews": [None, renews.number]} if renews else {}),
            **({"document": [None, agreement.document.name]} if document is not None else {}),
        },
        region_code=agreement.region_code,
    )
    return agreement
