"""Two officers at the same moment, on PostgreSQL with two real connections, for every
service that locks rows or keeps a counter: the check both make is serialized, only one
of them wins where only one may, and the kept counters still match the records
(``check_integrity`` finds no difference)."""

from __future__ import annotations

import queue
from datetime import date

import pytest
from django.db import connection

from jaring.billing.models import Bill
from jaring.billing.services import bill_issue
from jaring.errors import DomainError
from jaring.funds.models import Transfer
from jaring.funds.services import allocation_set, allocations_from_quotas, transfer_post, transfer_reverse
from jaring.integrity import integrity_check
from jaring.programs.models import Enrolment, Program, VillageEnrolmentCount
from jaring.programs.services import enrolment_create, enrolment_end, program_create
from jaring.registry.models import Participant
from jaring.registry.services import participant_register

from . import claims_world as w
from .concurrency import at_once, empty_committed_tables, in_own_connection, slowed
from .factories import participant_record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment"),
]

BATANGHARI, SENGKATI = "1504", "1504012003"
EACH_VILLAGE = 75 * 12 * 16_800


@pytest.fixture
def committed(db, settings, tmp_path):
    from jaring.demo.seed import seed_demo

    settings.MEDIA_ROOT = tmp_path
    try:
        in_own_connection(lambda: seed_demo(people=False))
        yield
    finally:
        empty_committed_tables()


def _program(**overrides) -> Program:
    from jaring.accounts.models import Organization

    arguments = {
        "actor": None,
        "code": "BKBK-BALAPAN",
        "name": "BKBK uji balapan",
        "source": "BKBK",
        "payer": Organization.objects.get(code="pemprov-jambi"),
        "fiscal_year": 2025,
        "starts_on": date(2025, 1, 1),
        "coverage_months": 12,
        "budget_ceiling": 23_965_200_000,
        "target_region_codes": ["15"],
        "quotas": {"miskin_ekstrem": 50, "pekerja_rentan": 25},
    }
    return program_create(**{**arguments, **overrides})


def _no_difference() -> None:
    found = in_own_connection(integrity_check)
    assert {r.name: r.differences for r in found if r.differences} == {}


def _codes(results) -> list[str]:
    return sorted(r.code for r in results if isinstance(r, DomainError))


def _post(program, kind, region, amount, reference, on=date(2025, 3, 1)):
    return transfer_post(
        actor=None,
        program=program,
        kind=kind,
        region_code=region,
        transferred_on=on,
        amount=amount,
        reference=reference,
    )


def test_two_payments_to_bpjs_at_once_cannot_spend_more_than_the_village_received(committed, monkeypatch):
    def setup():
        program = _program()
        allocations_from_quotas(actor=None, program=program)
        _post(program, "to_regency", BATANGHARI, 2 * EACH_VILLAGE, "SP2D/1")
        _post(program, "to_village", SENGKATI, EACH_VILLAGE, "TRF/1", on=date(2025, 4, 1))
        return program

    program = in_own_connection(setup)
    references = queue.Queue()
    for reference in ("IURAN/A", "IURAN/B"):
        references.put(reference)
    slowed(monkeypatch, "jaring.funds.services.audit_record")
    results = at_once(
        lambda: _post(
            program, "to_bpjs", SENGKATI, EACH_VILLAGE * 6 // 10, references.get(), on=date(2025, 5, 1)
        )
    )
    assert _codes(results) == ["transfer_over_received"]
    paid = in_own_connection(
        lambda: list(Transfer.objects.filter(kind="to_bpjs").values_list("amount", flat=True))
    )
    assert paid == [EACH_VILLAGE * 6 // 10]
    _no_difference()


def test_one_transfer_reversed_twice_at_once_is_reversed_once(committed, monkeypatch):
    def setup():
        program = _program()
        allocations_from_quotas(actor=None, program=program)
        return _post(program, "to_regency", BATANGHARI, EACH_VILLAGE, "SP2D/1")

    transfer = in_own_connection(setup)
    slowed(monkeypatch, "jaring.funds.services.audit_record")
    results = at_once(lambda: transfer_reverse(actor=None, transfer=transfer, reason="Salah rekening"))
    assert len([r for r in results if isinstance(r, Transfer)]) == 1
    assert len(_codes(results)) == 1
    assert in_own_connection(lambda: Transfer.objects.filter(reverses=transfer).count()) == 1
    _no_difference()


def test_two_allocations_at_once_stay_within_the_ceiling(committed, monkeypatch):
    program = in_own_connection(lambda: _program(budget_ceiling=10_000_000))
    regencies = queue.Queue()
    for code in ("1504", "1505"):
        regencies.put(code)
    slowed(monkeypatch, "jaring.funds.services.audit_record")
    results = at_once(
        lambda: allocation_set(actor=None, program=program, region_code=regencies.get(), amount=6_000_000)
    )
    assert len(_codes(results)) == 1
    from jaring.funds.models import Allocation

    assert in_own_connection(lambda: sum(Allocation.objects.values_list("amount", flat=True))) == 6_000_000


def test_two_officers_enrolling_for_the_last_village_place_take_it_once(committed, monkeypatch):
    def setup():
        program = _program(quotas={"pekerja_rentan": 1})
        people = [w.person(serial, category="pekerja_rentan") for serial in (1, 2)]
        return program, people

    program, people = in_own_connection(setup)
    waiting = queue.Queue()
    for person in people:
        waiting.put(person)
    slowed(monkeypatch, "jaring.programs.services.bulk_insert")
    results = at_once(lambda: enrolment_create(actor=None, program=program, participant=waiting.get()))
    assert len([r for r in results if isinstance(r, Enrolment)]) == 1
    assert _codes(results) == ["quota_village"]

    def counters():
        program.refresh_from_db()
        return program.enrolled_active, list(VillageEnrolmentCount.objects.values_list("active", flat=True))

    assert in_own_connection(counters) == (1, [1])
    _no_difference()


def test_one_enrolment_ended_twice_at_once_gives_its_place_back_once(committed, monkeypatch):
    def setup():
        program = _program()
        person = w.person(1, category="miskin_ekstrem")
        return enrolment_create(actor=None, program=program, participant=person)

    enrolment = in_own_connection(setup)
    slowed(monkeypatch, "jaring.programs.services.audit_record")
    results = at_once(
        lambda: enrolment_end(
            actor=None, enrolment=enrolment, ends_on=date(2025, 6, 30), reason="Pindah domisili"
        )
    )
    assert _codes(results) == ["enrolment_not_active"]

    def counters():
        program = Program.objects.get(pk=enrolment.program_id)
        return program.enrolled_active, program.committed_rupiah, VillageEnrolmentCount.objects.get().active

    assert in_own_connection(counters) == (0, 0, 0)
    _no_difference()


def test_the_same_bill_issued_twice_at_once_is_issued_once(committed, monkeypatch):
    def setup():
        program = _program()
        w.enrol(program, [w.person(serial, category="miskin_ekstrem") for serial in (1, 2)])
        return program

    program = in_own_connection(setup)
    slowed(monkeypatch, "jaring.billing.services.bills.audit_record")
    results = at_once(lambda: bill_issue(actor=None, program=program, first_month=date(2025, 1, 1), months=3))
    assert len([r for r in results if isinstance(r, Bill)]) == 1
    assert len(_codes(results)) == 1
    assert in_own_connection(lambda: list(Bill.objects.values_list("total_rupiah", flat=True))) == [
        2 * 3 * 16_800
    ]
    _no_difference()


def test_one_person_registered_twice_at_once_is_one_person(committed, monkeypatch):
    record = participant_record(7)
    slowed(monkeypatch, "jaring.registry.services.bulk_insert")
    results = at_once(lambda: participant_register(actor=None, record=record)[1])
    assert sorted(results) == ["created", "unchanged"]
    assert in_own_connection(lambda: Participant.objects.filter(nik=record.nik).count()) == 1


def test_one_batch_merged_by_two_imports_at_once_registers_each_person_once(committed, monkeypatch):
    """The set-based import of the same new people from two sessions: both find nobody,
    one inserts, the other waits on the NIK index, loses, reads again (savepoint
    retry) and counts them unchanged. One person, one status, one audit record each."""
    from django.db import transaction

    from jaring.audit.models import AuditEvent
    from jaring.registry.columnar import frame_of_records
    from jaring.registry.merge import merge_participants
    from jaring.registry.models import StatusChange

    frame = frame_of_records([(n + 2, participant_record(n + 1)) for n in range(40)])
    slowed(monkeypatch, "jaring.registry.merge._stage")  # both have looked before either writes

    def import_batch():
        with transaction.atomic():
            result = merge_participants(actor=None, frame=frame, source="impor")
        return result.created, result.updated, result.unchanged, len(result.refused)

    results = at_once(import_batch)
    assert sorted(results) == [(0, 0, 40, 0), (40, 0, 0, 0)]

    def stored():
        return (
            Participant.objects.count(),
            StatusChange.objects.count(),
            AuditEvent.objects.filter(action="participant.create").count(),
        )

    assert in_own_connection(stored) == (40, 40, 40)
