from datetime import date

import pytest

from jaring.audit.models import AuditEvent
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.programs.models import Enrolment, Program, VillageEnrolmentCount
from jaring.programs.services import (
    EnrolmentRequest,
    agreement_create,
    coverage_period_start,
    enrolment_create,
    enrolment_end,
    enrolment_transfer,
    enrolments_create,
    program_create,
)
from jaring.registry.services import participant_set_status, participants_upsert

from .factories import participant_record

SENGKATI = "1504012003"
NEXT_VILLAGE = "1504012002"


def people(*serials, village=SENGKATI, **overrides):
    records = [participant_record(s, village=village, **overrides) for s in serials]
    return participants_upsert(actor=None, records=records).participants


def bkbk(demo, **overrides) -> Program:
    """Jambi's BKBK 2025: 50 extreme poor + 25 vulnerable workers in every village."""
    arguments = {
        "actor": demo.user("jambi.operator"),
        "code": "BKBK-JAMBI-2025",
        "name": "BKBK Provinsi Jambi 2025",
        "source": "BKBK",
        "payer": demo.org("pemprov-jambi"),
        "fiscal_year": 2025,
        "starts_on": date(2025, 1, 1),
        "coverage_months": 12,
        "budget_ceiling": 23_965_200_000,
        "target_region_codes": ["15"],
        "quotas": {"miskin_ekstrem": 50, "pekerja_rentan": 25},
    }
    return program_create(**{**arguments, **overrides})


def test_program_create_records_period_quotas_and_audit(demo):
    program = bkbk(demo)
    assert program.ends_on == date(2025, 12, 31)
    assert program.region_code == "15"
    assert {q.category: q.per_village for q in program.quotas.all()} == {
        "miskin_ekstrem": 50,
        "pekerja_rentan": 25,
    }
    assert [(p.starts_on, p.ends_on) for p in program.periods.all()] == [
        (date(2025, 1, 1), date(2025, 12, 31))
    ]
    event = AuditEvent.objects.get(action="program.create")
    assert event.changes["budget_ceiling"] == [None, 23_965_200_000]
    assert event.actor_username == "jambi.operator"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"budget_ceiling": 0}, "amount_not_positive"),
        ({"budget_ceiling": -5}, "amount_not_positive"),
        ({"starts_on": date(2024, 12, 1)}, "date_outside_fiscal_year"),
        ({"source": "APBN"}, "source_unknown"),
        ({"target_region_codes": ["99"]}, "region_unknown"),
    ],
)
def test_program_create_refuses_bad_input_and_writes_nothing(demo, overrides, code):
    with pytest.raises(InvalidInput) as excinfo:
        bkbk(demo, **overrides)
    assert excinfo.value.code == code
    assert not Program.objects.exists()
    assert not AuditEvent.objects.filter(action="program.create").exists()


def test_program_create_refuses_another_payers_program_and_regions_outside(demo):
    with pytest.raises(PermissionDeniedError):
        bkbk(demo, actor=demo.user("batanghari.operator"))
    with pytest.raises(PermissionDeniedError):
        bkbk(demo, payer=demo.org("pemkab-batanghari"), actor=demo.user("batanghari.operator"))
    bkbk(demo)
    with pytest.raises(Conflict):
        bkbk(demo, name="again")


def test_enrol_counts_quota_and_budget(demo):
    program = bkbk(demo)
    (person,) = people(1, category="miskin_ekstrem")
    enrolment = enrolment_create(actor=demo.user("desa.operator"), program=program, participant=person)
    program.refresh_from_db()
    assert enrolment.village_id == SENGKATI
    assert program.enrolled_active == 1
    assert program.committed_rupiah == 12 * 16_800
    count = VillageEnrolmentCount.objects.get(program=program, village_id=SENGKATI, category="miskin_ekstrem")
    assert count.active == 1
    assert AuditEvent.objects.filter(action="enrolment.create", target_id=str(person.pk)).exists()


def test_enrol_refuses_participant_over_village_quota(demo):
    program = bkbk(demo, quotas={"miskin_ekstrem": 2})
    first, second, third, elsewhere = people(1, 2, 3, 4, category="miskin_ekstrem")[:3] + people(
        5, village=NEXT_VILLAGE, category="miskin_ekstrem"
    )
    result = enrolments_create(
        actor=None,
        program=program,
        requests=[EnrolmentRequest(p) for p in (first, second, third, elsewhere)],
    )
    assert result.created == 3
    assert [(r.participant.pk, e.code) for r, e in result.refused] == [(third.pk, "quota_village")]
    assert "sudah penuh (2 dari 2)" in result.refused[0][1].message
    assert not Enrolment.objects.filter(participant=third).exists()


def test_enrol_refuses_category_without_quota_total_quota_and_budget(demo):
    program = bkbk(demo)
    (rt,) = people(1, category="rt_rw")
    with pytest.raises(InvalidInput) as excinfo:
        enrolment_create(actor=None, program=program, participant=rt)
    assert excinfo.value.code == "quota_category"

    capped = bkbk(demo, code="CAP", quotas={}, quota_total=1)
    a, b = people(2, 3)
    enrolment_create(actor=None, program=capped, participant=a)
    with pytest.raises(InvalidInput) as excinfo:
        enrolment_create(actor=None, program=capped, participant=b)
    assert excinfo.value.code == "quota_total"

    poor = bkbk(demo, code="POOR", quotas={}, budget_ceiling=12 * 16_800 + 1)
    enrolment_create(actor=None, program=poor, participant=people(4)[0])
    with pytest.raises(InvalidInput) as excinfo:
        enrolment_create(actor=None, program=poor, participant=people(5)[0])
    assert excinfo.value.code == "budget_exceeded"
    assert "sisa Rp1" in excinfo.value.message
    poor.refresh_from_db()
    assert (poor.enrolled_active, poor.committed_rupiah) == (1, 201_600)


def test_enrol_refuses_deceased_outside_regions_and_double_funding(demo):
    program = bkbk(demo, quotas={})
    dead, bengkulu, funded = people(1, 2, 3)[0], people(4, village="1701012001")[0], people(5)[0]
    participant_set_status(actor=None, participant=dead, status="deceased")
    dead.refresh_from_db()
    other = bkbk(
        demo,
        code="KAB-2025",
        source="APBD_KAB",
        payer=demo.org("pemkab-batanghari"),
        actor=demo.user("batanghari.operator"),
        target_region_codes=["1504"],
        quotas={},
    )
    enrolment_create(actor=None, program=other, participant=funded)
    result = enrolments_create(
        actor=None, program=program, requests=[EnrolmentRequest(p) for p in (dead, bengkulu, funded)]
    )
    assert [e.code for _r, e in result.refused] == [
        "participant_not_eligible",
        "outside_program_regions",
        "double_funding",
    ]
    assert "KAB-2025" in result.refused[2][1].message
    assert result.created == 0
    program.refresh_from_db()
    assert program.enrolled_active == 0


def test_enrolling_again_is_not_a_second_enrolment(demo):
    program = bkbk(demo, quotas={})
    (person,) = people(1)
    enrolment_create(actor=None, program=program, participant=person)
    result = enrolments_create(actor=None, program=program, requests=[EnrolmentRequest(person)])
    assert (result.created, result.unchanged) == (0, 1)
    with pytest.raises(Conflict):
        enrolment_create(actor=None, program=program, participant=person)


def test_end_keeps_history_and_frees_the_quota(demo):
    program = bkbk(demo, quotas={"lainnya": 1})
    a, b = people(1, 2)
    enrolment = enrolment_create(actor=None, program=program, participant=a)
    with pytest.raises(InvalidInput):
        enrolment_end(actor=None, enrolment=enrolment, ends_on=date(2025, 6, 30), reason=" ")
    enrolment_end(actor=None, enrolment=enrolment, ends_on=date(2025, 6, 30), reason="Pindah domisili")
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.ends_on) == ("ended", date(2025, 6, 30))
    enrolment_create(actor=None, program=program, participant=b)
    program.refresh_from_db()
    assert program.enrolled_active == 1
    assert program.committed_rupiah == 201_600


def test_transfer_between_programs_keeps_history(demo):
    province = bkbk(demo, quotas={})
    regency = bkbk(
        demo,
        code="KAB-2025",
        source="APBD_KAB",
        payer=demo.org("pemkab-batanghari"),
        actor=demo.user("batanghari.operator"),
        target_region_codes=["1504"],
        quotas={},
    )
    (person,) = people(1)
    old = enrolment_create(actor=None, program=regency, participant=person)
    new = enrolment_transfer(
        actor=None, enrolment=old, to_program=province, on=date(2025, 7, 1), reason="Dialihkan ke BKBK"
    )
    old.refresh_from_db()
    assert (old.status, old.ends_on, old.transferred_to_id) == ("transferred", date(2025, 6, 30), new.pk)
    assert (new.program_id, new.starts_on, new.status) == (province.pk, date(2025, 7, 1), "active")


def test_a_refused_transfer_changes_nothing(demo):
    regency = bkbk(
        demo,
        code="KAB-2025",
        source="APBD_KAB",
        payer=demo.org("pemkab-batanghari"),
        actor=demo.user("batanghari.operator"),
        target_region_codes=["1504"],
        quotas={},
    )
    full = bkbk(demo, quotas={}, quota_total=1)
    a, b = people(1, 2)
    enrolment_create(actor=None, program=full, participant=a)
    old = enrolment_create(actor=None, program=regency, participant=b)
    with pytest.raises(InvalidInput):
        enrolment_transfer(actor=None, enrolment=old, to_program=full, on=date(2025, 7, 1), reason="x")
    old.refresh_from_db()
    assert old.status == "active"
    regency.refresh_from_db()
    assert regency.enrolled_active == 1


def test_an_ended_agreement_blocks_a_new_period_until_renewed(demo):
    kota = demo.org("pemkot-jambi")
    program = bkbk(
        demo,
        code="KOTA-RT-2025",
        source="APBD_KAB",
        payer=kota,
        actor=demo.user("kotajambi.operator"),
        target_region_codes=["1571"],
        quotas={},
        starts_on=date(2025, 1, 1),
        coverage_months=4,
    )
    bpjs = demo.org("bpjstk-kanwil-sumbagsel")
    old = agreement_create(
        actor=None,
        number="MOU/001/2023",
        payer=kota,
        bpjs_office=bpjs,
        starts_on=date(2023, 5, 1),
        ends_on=date(2025, 5, 1),
        programs=[program],
    )
    with pytest.raises(InvalidInput) as excinfo:
        coverage_period_start(actor=None, program=program, starts_on=date(2025, 6, 1), months=7)
    assert excinfo.value.code == "agreement_ended"
    renewal = agreement_create(
        actor=None,
        number="MOU/002/2025",
        payer=kota,
        bpjs_office=bpjs,
        starts_on=date(2025, 5, 2),
        ends_on=date(2027, 5, 1),
        renews=old,
    )
    assert list(renewal.programs.all()) == [program]
    period = coverage_period_start(actor=None, program=program, starts_on=date(2025, 6, 1), months=7)
    assert period.agreement == renewal
    program.refresh_from_db()
    assert program.ends_on == date(2025, 12, 31)
    with pytest.raises(Conflict):
        agreement_create(
            actor=None,
            number="MOU/003/2025",
            payer=kota,
            bpjs_office=bpjs,
            starts_on=date(2025, 6, 1),
            ends_on=date(2027, 5, 1),
            renews=old,
        )


def test_agreement_refuses_bad_input(demo):
    kota, bpjs = demo.org("pemkot-jambi"), demo.org("bpjstk-kanwil-sumbagsel")
    base = {
        "actor": None,
        "number": "PKS/1",
        "payer": kota,
        "bpjs_office": bpjs,
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2026, 1, 1),
    }
    with pytest.raises(InvalidInput) as excinfo:
        agreement_create(**{**base, "ends_on": date(2024, 1, 1)})
    assert excinfo.value.code == "dates_reversed"
    with pytest.raises(InvalidInput) as excinfo:
        agreement_create(**{**base, "bpjs_office": kota})
    assert excinfo.value.code == "not_bpjs_office"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(InvalidInput) as excinfo:
        agreement_create(**base, document=SimpleUploadedFile("pks.pdf", b"not a pdf"))
    assert excinfo.value.code == "document_not_pdf"
    agreement_create(**base, document=SimpleUploadedFile("pks.pdf", b"%PDF-1.4 test"))
    with pytest.raises(Conflict):
        agreement_create(**base)
