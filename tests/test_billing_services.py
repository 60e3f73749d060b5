"""Bills, payments, protection and deaths through the billing services."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.audit.models import AuditEvent
from jaring.billing import rules, selectors
from jaring.billing.models import Bill, BillLine, BillStatus, PaidMonths, Payment, Refund
from jaring.billing.protection import ProtectionStatus, month_index
from jaring.billing.services import (
    PaymentRequest,
    bill_correct,
    death_record,
    payment_record,
    payment_reverse,
    payments_post,
    refund_settle,
)
from jaring.contributions.models import RateRule
from jaring.contributions.services import rate_rule_close, rate_rule_create
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.programs.models import Enrolment
from jaring.programs.services import coverage_period_start, enrolment_end
from jaring.registry.models import Participant

from .billing_world import MONTHLY, enrol, issue, m, make_people, make_program, pay_bill, pay_person

S = ProtectionStatus


@pytest.fixture
def program(demo):
    return make_program(demo.org("pemprov-jambi"))


@pytest.fixture
def people(program):
    people = make_people(4)
    enrol(program, people)
    return people


def test_a_bill_lists_every_person_covered_at_the_rate_of_the_rule_table(program, people):
    bill = issue(program, "2025-01", 12)
    assert bill.number == "TAG/BKBK-UJI-2025/2025-01/12M"
    assert (bill.people, bill.person_months, bill.total_rupiah) == (4, 48, 4 * 12 * MONTHLY)
    assert (bill.period_start, bill.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    lines = list(bill.lines.order_by("participant_id"))
    assert [line.participant_id for line in lines] == [p.pk for p in people]
    assert {(line.months, line.monthly_rupiah, line.amount) for line in lines} == {
        (12, MONTHLY, 12 * MONTHLY)
    }
    assert AuditEvent.objects.filter(action="bill.issue", target_id=str(bill.pk)).exists()


@pytest.mark.parametrize(
    ("first", "months"), [("2025-01", 12), ("2025-03", 1), ("2025-12", 3), ("2024-12", 3)]
)
def test_a_period_already_billed_is_refused_and_nothing_is_written(program, people, first, months):
    issue(program, "2025-01", 12)
    bills = Bill.objects.count()
    with pytest.raises(Conflict) as refused:
        issue(program, first, months)
    assert refused.value.code == "bill_period_taken"
    assert "TAG/BKBK-UJI-2025/2025-01/12M" in refused.value.message
    assert Bill.objects.count() == bills


@pytest.mark.parametrize("months", [0, 2, 5, 24])
def test_bill_months_are_1_3_6_or_12(program, people, months):
    with pytest.raises(InvalidInput) as refused:
        issue(program, "2025-01", months)
    assert refused.value.code == "bill_months_invalid"


def test_a_period_outside_the_program_or_without_people_is_refused(program, demo):
    with pytest.raises(InvalidInput) as outside:
        issue(program, "2026-01", 1)
    assert outside.value.code == "period_outside_program"
    with pytest.raises(InvalidInput) as empty:
        issue(program, "2025-01", 1)  # nobody enrolled yet
    assert empty.value.code == "bill_empty"
    assert not Bill.objects.exists()


def test_months_are_clipped_to_each_enrolment(program):
    late, leaving, moved = make_people(3)
    enrol(program, [late], starts_on=date(2025, 4, 15))  # holds him on 30 April: billed from April
    enrol(program, [leaving])
    (ending,) = Enrolment.objects.filter(participant=leaving)
    enrolment_end(actor=None, enrolment=ending, ends_on=date(2025, 6, 29), reason="pindah")  # May is his last
    enrol(program, [moved])
    bill = issue(program, "2025-01", 12)
    months = {
        line.participant_id: (line.first_month, line.last_month, line.months) for line in bill.lines.all()
    }
    assert months[late.pk] == (m("2025-04"), m("2025-12"), 9)
    assert months[leaving.pk] == (m("2025-01"), m("2025-05"), 5)
    assert months[moved.pk] == (m("2025-01"), m("2025-12"), 12)
    assert bill.total_rupiah == (9 + 5 + 12) * MONTHLY


def test_a_month_outside_the_coverage_periods_is_not_billed(demo):
    program = make_program(
        demo.org("pemkot-jambi"), code="KOTA-UJI", source="APBD_KAB", regions=("1571",), months=5
    )
    coverage_period_start(actor=None, program=program, starts_on=date(2025, 7, 1), months=6)  # June is a gap
    (person,) = make_people(1, village="1571011001")
    enrol(program, [person])
    bill = issue(program, "2025-01", 12)
    runs = sorted((line.first_month, line.last_month, line.months) for line in bill.lines.all())
    assert runs == [(m("2025-01"), m("2025-05"), 5), (m("2025-07"), m("2025-12"), 6)]  # June is not billed
    assert (bill.people, bill.person_months) == (1, 11)


def test_the_lines_written_in_the_database_follow_the_pure_month_rule(program):
    """bill_lines builds its SQL from the rule of rules.covered_mask: both must agree for
    enrolments starting and ending on any day around month ends."""
    days = [date(2025, 1, 1), date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 31)]
    ends = [
        None,
        date(2025, 3, 30),
        date(2025, 3, 31),
        date(2025, 4, 29),
        date(2025, 4, 30),
        date(2025, 6, 1),
    ]
    cases = [(s, e) for s in days for e in ends if e is None or e >= s]
    people = make_people(len(cases))
    for person, (starts_on, ends_on) in zip(people, cases, strict=True):
        (enrolment,) = enrol(program, [person], starts_on=starts_on)
        if ends_on:
            enrolment_end(actor=None, enrolment=enrolment, ends_on=ends_on, reason="uji")
    bill = issue(program, "2025-02", 6)
    masks = {line.participant_id: line.billed_mask for line in bill.lines.all()}
    periods = [(program.starts_on, program.ends_on)]
    for person, (starts_on, ends_on) in zip(people, cases, strict=True):
        expected = rules.covered_mask(
            first_month=m("2025-02"), months=6, starts_on=starts_on, ends_on=ends_on, periods=periods
        )
        assert masks.get(person.pk, 0) == expected, (starts_on, ends_on)


def test_a_rate_change_inside_the_period_splits_the_line(demo):
    # PP 50/2025: other BPU paid by a village budget get 50% off JKK + JKM from April 2026.
    program = make_program(demo.org("desa-sengkati-gedang"), code="APBDES-UJI", source="APBDES", year=2026)
    (person,) = make_people(1)
    enrol(program, [person])
    bill = issue(program, "2026-01", 6)
    lines = sorted((line.first_month, line.months, line.monthly_rupiah) for line in bill.lines.all())
    assert lines == [(m("2026-01"), 3, 16_800), (m("2026-04"), 3, 8_400)]
    assert bill.people == 1 and bill.total_rupiah == 3 * 16_800 + 3 * 8_400


def test_a_person_of_no_known_occupation_is_billed_like_every_bpu_in_2026(demo):
    # A stored occupation outside today's vocabulary is billed at the rate for an unknown
    # occupation, which from April to December 2026 has the PP 50/2025 discount too.
    program = make_program(demo.org("desa-sengkati-gedang"), code="APBDES-UJI", source="APBDES", year=2026)
    (person,) = make_people(1)
    Participant.objects.filter(pk=person.pk).update(occupation="")
    enrol(program, [person])
    bill = issue(program, "2026-01", 6)
    lines = sorted((line.first_month, line.months, line.monthly_rupiah) for line in bill.lines.all())
    assert lines == [(m("2026-01"), 3, 16_800), (m("2026-04"), 3, 8_400)]


def test_a_rate_table_change_never_alters_a_saved_bill_but_prices_its_correction(program, people):
    bill = issue(program, "2025-01", 12)
    jkm = RateRule.objects.get(component="JKM")
    rate_rule_close(actor=None, rule=jkm, effective_to=date(2024, 12, 31))
    rate_rule_create(
        actor=None,
        component="JKM",
        packages=["JKK_JKM", "JKK_JKM_JHT"],
        amount_rupiah=7_000,
        effective_from=date(2025, 1, 1),
    )
    assert set(BillLine.objects.filter(bill=bill).values_list("monthly_rupiah", flat=True)) == {MONTHLY}
    correction = bill_correct(actor=None, bill=bill, reason="tarif JKM baru")
    assert set(correction.lines.values_list("monthly_rupiah", flat=True)) == {17_000}
    bill.refresh_from_db()
    assert (bill.status, bill.total_rupiah) == (BillStatus.CORRECTED, 4 * 12 * MONTHLY)


def test_a_correction_is_a_new_document_that_keeps_paid_months_and_drops_the_dead(program, people):
    bill = issue(program, "2025-01", 12)
    pay_bill(bill, 4 * 3 * MONTHLY, paid_on=date(2025, 1, 10))  # January to March for everybody
    death_record(actor=None, participant=people[0], died_on=date(2025, 2, 14), reason="akta 123")
    correction = bill_correct(actor=None, bill=bill, reason="peserta meninggal")
    assert correction.number == "TAG/BKBK-UJI-2025/2025-01/12M/K1"
    assert correction.corrects_id == bill.pk
    assert correction.people == 3
    assert correction.paid_rupiah == 3 * 3 * MONTHLY
    assert correction.credit_rupiah == 3 * MONTHLY  # the dead man's three months, kept as credit
    assert all(line.paid_mask == 0b111 for line in correction.lines.all())
    with pytest.raises(Conflict) as again:
        bill_correct(actor=None, bill=bill, reason="lagi")
    assert again.value.code == "bill_already_corrected" and correction.number in again.value.message
    second = bill_correct(actor=None, bill=correction, reason="koreksi kedua")
    assert second.number.endswith("/K2")


def test_paying_a_whole_bill_pays_every_person_month(program, people):
    bill = issue(program, "2025-01", 12)
    result = pay_bill(bill, reference="BPJS/2025/001")
    report = result.bills[bill.number]
    assert (report.received, report.allocated, report.over, report.outstanding) == (
        bill.total_rupiah,
        bill.total_rupiah,
        0,
        0,
    )
    bill.refresh_from_db()
    assert (bill.paid_rupiah, bill.outstanding_rupiah, bill.payment_state) == (bill.total_rupiah, 0, "paid")
    assert all(line.paid_mask == line.billed_mask for line in bill.lines.all())
    assert PaidMonths.objects.filter(payment__reference="BPJS/2025/001").count() == 4
    status = selectors.protection_on(people[0], date(2025, 7, 1))
    assert (status.status, status.covered_until) == (S.ACTIVE, date(2025, 12, 31))


def test_an_under_payment_pays_whole_person_months_oldest_first(program, people):
    bill = issue(program, "2025-01", 3)
    result = pay_bill(bill, 5 * MONTHLY + 100)  # four people's January, one person's February
    report = result.bills[bill.number]
    assert (report.allocated, report.over, report.outstanding) == (5 * MONTHLY, 100, 7 * MONTHLY)
    masks = [line.paid_mask for line in bill.lines.order_by("village_id", "id")]
    assert masks == [0b011, 0b001, 0b001, 0b001]
    bill.refresh_from_db()
    assert (bill.payment_state, bill.credit_rupiah) == ("partial", 100)


def test_an_over_payment_is_reported_and_kept_as_credit(program, people):
    bill = issue(program, "2025-01", 1)
    report = pay_bill(bill, bill.total_rupiah + 50_000).bills[bill.number]
    assert (report.over, report.outstanding) == (50_000, 0)
    assert Payment.objects.get(reference="BPJS-1").unallocated_rupiah == 50_000


def test_a_person_payment_pays_the_months_it_names(program, people):
    bill = issue(program, "2025-01", 12)
    result = pay_person(people[1], "2025-01", "2025-06", 6 * MONTHLY, reference="DESA/01")
    assert result.bills[bill.number].allocated == 6 * MONTHLY
    line = BillLine.objects.get(bill=bill, participant=people[1])
    assert (line.paid_mask, line.paid_rupiah) == (0b111111, 6 * MONTHLY)
    assert selectors.protection_on(people[1], date(2025, 6, 30)).status == S.ACTIVE
    assert selectors.protection_on(people[1], date(2025, 7, 1)).status == S.ARREARS
    assert selectors.protection_on(people[0], date(2025, 6, 30)).status == S.NOT_COVERED


def test_a_person_payment_may_span_two_bills(program, people):
    first, second = issue(program, "2025-01", 6), issue(program, "2025-07", 6)
    result = pay_person(people[0], "2025-05", "2025-08", 4 * MONTHLY, reference="LINTAS")
    assert result.bills[first.number].allocated == 2 * MONTHLY
    assert result.bills[second.number].allocated == 2 * MONTHLY
    assert Payment.objects.get(reference="LINTAS").bill_id == second.pk


def _refusal(requests) -> tuple[str, str]:
    result = payments_post(actor=None, requests=requests)
    assert not result.created
    (_request, error), *_rest = result.errors
    return error.code, error.field


def test_bad_payments_are_refused_with_the_field_to_fix_and_nothing_is_written(program, people):
    # The service names the payment's field as the form and the API do; the file import
    # turns it into its column (test_billing_imports).
    bill = issue(program, "2025-01", 3)
    pay_person(people[0], "2025-01", "2025-01", MONTHLY, reference="SUDAH")
    person = people[1]

    def one(*, first="2025-01", last="2025-01", **values):
        fields = {"reference": "R1", "paid_on": date(2025, 2, 1), "amount": MONTHLY, "participant": person}
        return [PaymentRequest(**{**fields, **values}, first_month=m(first), last_month=m(last))]

    assert _refusal(one(amount=0)) == ("amount_not_positive", "amount")
    assert _refusal(one(amount=-5)) == ("amount_not_positive", "amount")
    assert _refusal(one(paid_on=date(2099, 1, 1))) == ("date_in_future", "paid_on")
    assert _refusal(one(first="2025-03", last="2025-04")) == ("months_outside_bill", "first_month")
    assert _refusal(one(first="2025-02", last="2025-01")) == ("months_reversed", "first_month")
    assert _refusal(one(participant=people[0])) == ("months_already_paid", "first_month")
    assert _refusal(one() + one(participant=people[2])) == ("reference_duplicate", "reference")
    assert _refusal(one(reference="SUDAH", amount=2 * MONTHLY)) == ("reference_taken", "reference")
    # one bad row among good ones: nothing at all is written
    assert _refusal(one(reference="BAIK", participant=people[3]) + one(amount=0))[0] == "amount_not_positive"
    assert set(Payment.objects.values_list("reference", flat=True)) == {"SUDAH"}
    bill.refresh_from_db()
    assert bill.paid_rupiah == MONTHLY


def test_the_same_payment_posted_again_is_recorded_once(program, people):
    bill = issue(program, "2025-01", 1)
    pay_bill(bill, reference="SEKALI")
    again = pay_bill(bill, reference="SEKALI")
    assert (again.unchanged, again.created) == (1, [])
    assert Payment.objects.filter(reference="SEKALI").count() == 1
    bill.refresh_from_db()
    assert bill.paid_rupiah == bill.total_rupiah and bill.credit_rupiah == 0


def test_a_corrected_bill_cannot_be_paid(program, people):
    bill = issue(program, "2025-01", 1)
    correction = bill_correct(actor=None, bill=bill, reason="uji")
    code, field = _refusal([PaymentRequest("X", date(2025, 1, 5), 1000, bill=bill)])
    assert (code, field) == ("bill_corrected", "bill")
    with pytest.raises(InvalidInput, match=correction.number):
        payment_record(actor=None, reference="X", paid_on=date(2025, 1, 5), amount=1000, bill=bill)


def test_a_reversal_voids_the_months_and_keeps_the_original(program, people):
    bill = issue(program, "2025-01", 3)
    payment, _report = payment_record(
        actor=None, reference="SALAH", paid_on=date(2025, 1, 10), amount=bill.total_rupiah + 10, bill=bill
    )
    reversal = payment_reverse(actor=None, payment=payment, reason="salah transfer", on=date(2025, 1, 20))
    assert (reversal.amount, reversal.reverses_id, reversal.reference) == (
        -payment.amount,
        payment.pk,
        "SALAH/BATAL",
    )
    bill.refresh_from_db()
    assert (bill.paid_rupiah, bill.credit_rupiah) == (0, 0)
    assert not BillLine.objects.filter(bill=bill, paid_mask__gt=0).exists()
    assert not PaidMonths.objects.filter(payment=payment, void=False).exists()
    assert selectors.protection_on(people[0], date(2025, 2, 1)).status == S.NOT_COVERED
    with pytest.raises(Conflict):
        payment_reverse(actor=None, payment=payment, reason="lagi")
    with pytest.raises(InvalidInput):
        payment_reverse(actor=None, payment=reversal, reason="lagi")
    # the months are payable again
    pay_bill(bill, reference="BENAR", paid_on=date(2025, 1, 21))
    assert selectors.protection_on(people[0], date(2025, 2, 1)).status == S.ACTIVE


def test_a_reversal_after_a_correction_unpays_the_carried_months(program, people):
    bill = issue(program, "2025-01", 3)
    payment = pay_person(people[0], "2025-01", "2025-03", 3 * MONTHLY, reference="P0").created[0]
    correction = bill_correct(actor=None, bill=bill, reason="uji")
    assert correction.lines.get(participant=people[0]).paid_mask == 0b111
    payment_reverse(actor=None, payment=payment, reason="salah orang", on=date(2025, 1, 11))
    assert correction.lines.get(participant=people[0]).paid_mask == 0
    correction.refresh_from_db()
    assert correction.paid_rupiah == 0


def test_death_ends_enrolments_stops_billing_and_owes_the_months_paid_ahead(program, people, demo):
    bill = issue(program, "2025-01", 12)
    pay_bill(bill, paid_on=date(2025, 1, 10))
    operator = demo.user("batanghari.operator")
    person = people[0]
    refund = death_record(
        actor=operator, participant=person, died_on=date(2025, 4, 20), reason="Akta kematian 17/2025"
    )
    person.refresh_from_db()
    assert (person.status, person.died_on) == ("deceased", date(2025, 4, 20))
    enrolment = Enrolment.objects.get(participant=person)
    assert (enrolment.status, enrolment.ends_on) == ("ended", date(2025, 4, 20))
    assert (refund.months, refund.rupiah, refund.status) == (8, 8 * MONTHLY, "due")  # May to December
    assert refund.payer == demo.org("pemprov-jambi")
    assert refund.details[0]["months"][0] == "2025-05"
    assert person.status_changes.last().to_status == "deceased"
    assert AuditEvent.objects.filter(action="participant.death", target_id=str(person.pk)).exists()
    status = selectors.protection_on(person, date(2025, 6, 1))
    assert (status.status, status.paid_status) == (S.DECEASED, S.ACTIVE)
    correction = bill_correct(actor=None, bill=bill, reason="meninggal")
    assert not correction.lines.filter(participant=person).exists()
    settled = refund_settle(
        actor=None, refund=refund, settled_on=date(2025, 6, 1), reference="SP2D/KEMBALI/1"
    )
    assert settled.status == "settled"
    with pytest.raises(Conflict):
        refund_settle(actor=None, refund=refund, settled_on=date(2025, 6, 2), reference="lagi")


def test_a_death_with_nothing_paid_ahead_owes_nothing(program, people):
    refund = death_record(actor=None, participant=people[0], died_on=date(2025, 3, 1), reason="akta")
    assert (refund.months, refund.rupiah, refund.status) == (0, 0, "none")
    assert refund.payer.code == "pemprov-jambi"


def test_death_is_refused_in_the_future_twice_or_outside_the_jurisdiction(program, people, demo):
    with pytest.raises(InvalidInput) as future:
        death_record(actor=None, participant=people[0], died_on=date(2099, 1, 1), reason="x")
    assert future.value.code == "date_in_future"
    with pytest.raises(PermissionDeniedError):
        death_record(
            actor=demo.user("kotajambi.operator"), participant=people[0], died_on=date(2025, 3, 1), reason="x"
        )
    with pytest.raises(PermissionDeniedError):
        death_record(
            actor=demo.user("jambi.viewer"), participant=people[0], died_on=date(2025, 3, 1), reason="x"
        )
    assert Participant.objects.get(pk=people[0].pk).status != "deceased"
    assert not Refund.objects.exists()
    death_record(actor=None, participant=people[0], died_on=date(2025, 3, 1), reason="akta")
    with pytest.raises(Conflict) as twice:
        death_record(actor=None, participant=people[0], died_on=date(2025, 3, 1), reason="akta")
    assert twice.value.code == "already_deceased"


def test_a_whole_bill_payment_after_a_death_leaves_the_months_after_it_unpaid(program, people):
    bill = issue(program, "2025-01", 12)
    death_record(actor=None, participant=people[0], died_on=date(2025, 3, 5), reason="akta")
    report = pay_bill(bill, paid_on=date(2025, 4, 1)).bills[bill.number]
    assert report.over == 9 * MONTHLY  # April to December of the dead man: not owed
    line = bill.lines.get(participant=people[0])
    assert line.paid_mask == 0b111
    with pytest.raises(InvalidInput) as refused:
        payment_record(
            actor=None,
            reference="X",
            paid_on=date(2025, 4, 2),
            amount=MONTHLY,
            participant=people[0],
            first_month=m("2025-04"),
            last_month=m("2025-04"),
        )
    assert refused.value.code in ("months_after_death", "months_already_paid")


def test_insured_income_is_the_declared_income_of_the_covering_program(demo):
    program = make_program(demo.org("pemprov-jambi"), code="PENGHASILAN", declared_income=2_000_000)
    (person,) = make_people(1)
    assert selectors.insured_income_on(person, date(2025, 5, 1)) is None
    enrol(program, [person], starts_on=date(2025, 3, 1))
    assert selectors.insured_income_on(person, date(2025, 2, 28)) is None
    assert selectors.insured_income_on(person, date(2025, 5, 1)) == 2_000_000
    assert selectors.insured_income_on(person, date(2026, 1, 2)) is None  # the program ended


def test_permissions_of_bills_and_payments(program, people, demo):
    with pytest.raises(PermissionDeniedError):
        issue(program, "2025-01", 1, actor=demo.user("batanghari.operator"))  # neither payer nor BPJS
    with pytest.raises(PermissionDeniedError):
        issue(program, "2025-01", 1, actor=demo.user("jambi.viewer"))
    bill = issue(program, "2025-01", 1, actor=demo.user("bpjs.tanjabbar"))
    assert bill.issued_by == demo.user("bpjs.tanjabbar")
    result = payments_post(
        actor=demo.user("batanghari.operator"),
        requests=[PaymentRequest("R", date(2025, 1, 2), 100, bill=bill)],
    )
    assert result.errors[0][1].code == "permission_denied"
    outside = payments_post(
        actor=demo.user("kotajambi.operator"),
        requests=[
            PaymentRequest(
                "R",
                date(2025, 1, 2),
                MONTHLY,
                participant=people[0],
                first_month=m("2025-01"),
                last_month=m("2025-01"),
            )
        ],
    )
    assert outside.errors[0][1].code == "permission_denied"
    inside = payments_post(
        actor=demo.user("desa.operator"),
        requests=[
            PaymentRequest(
                "R",
                date(2025, 1, 2),
                MONTHLY,
                participant=people[0],
                first_month=m("2025-01"),
                last_month=m("2025-01"),
            )
        ],
    )
    assert inside.created and not inside.errors


def test_set_based_counts_agree_with_the_per_person_rule(program, demo):
    people = make_people(8)
    enrol(program, people)
    bill = issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-12", 12 * MONTHLY, reference="A")  # active all year
    pay_person(people[1], "2025-01", "2025-05", 5 * MONTHLY, reference="B")  # arrears from June
    pay_person(people[2], "2025-01", "2025-02", 2 * MONTHLY, reference="C")  # lapsed from June
    pay_person(people[3], "2025-05", "2025-07", 3 * MONTHLY, reference="D", paid_on=date(2025, 7, 1))  # late
    pay_person(people[4], "2025-01", "2025-12", 12 * MONTHLY, reference="E")
    death_record(actor=None, participant=people[4], died_on=date(2025, 3, 3), reason="akta")
    pay_person(people[5], "2025-06", "2025-06", MONTHLY, reference="F", paid_on=date(2025, 6, 20))
    admin = demo.user("admin")
    for on in [date(2025, 1, 5), date(2025, 6, 10), date(2025, 6, 25), date(2025, 7, 1), date(2025, 11, 30)]:
        expected = {s.value: 0 for s in S}
        for person in Participant.objects.all():
            expected[selectors.protection_on(person, on).status] += 1
        assert selectors.protection_counts(admin, on) == expected, on
        assert selectors.protection_counts(None, on) == expected, on
    assert bill.pk


def test_counts_are_scoped_to_the_jurisdiction(program, demo):
    inside = make_people(2)
    outside = make_people(1, village="1571011001", start=50)
    enrol(program, inside + outside)
    bill = issue(program, "2025-01", 1)
    pay_bill(bill)
    village = selectors.protection_counts(demo.user("desa.operator"), date(2025, 1, 20))
    assert village[S.ACTIVE] == 2 and sum(village.values()) == 2
    city = selectors.protection_counts(demo.user("kotajambi.operator"), date(2025, 1, 20))
    assert city[S.ACTIVE] == 1
    assert selectors.protection_counts(demo.user("admin"), date(2025, 1, 20), region="15.71")[S.ACTIVE] == 1


def test_alert_lists_find_periods_ending_and_lapsed_people(program, demo):
    people = make_people(4)
    enrol(program, people)
    issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-06", 6 * MONTHLY, reference="A")  # ends 30 June
    pay_person(people[1], "2025-01", "2025-09", 9 * MONTHLY, reference="B")
    pay_person(people[2], "2025-01", "2025-01", MONTHLY, reference="C")  # lapsed from May
    admin = demo.user("admin")
    ending, _next = selectors.protection_rows(admin, date(2025, 6, 10), "ending")
    assert [(r.participant.pk, r.covered_until) for r in ending] == [(people[0].pk, date(2025, 6, 30))]
    assert ending[0].programs == ("BKBK-UJI-2025",)
    assert selectors.protection_rows(admin, date(2025, 8, 15), "ending")[0] == []  # 30 Sept: 46 days
    month_end_, _next = selectors.protection_rows(admin, date(2025, 8, 31), "ending")
    assert [(r.participant.pk, r.covered_until) for r in month_end_] == [(people[1].pk, date(2025, 9, 30))]
    lapsed, _next = selectors.protection_rows(admin, date(2025, 6, 10), "lapsed")
    assert [(r.participant.pk, r.paid_through) for r in lapsed] == [(people[2].pk, date(2025, 1, 31))]
    outside, _next = selectors.protection_rows(demo.user("kotajambi.operator"), date(2025, 6, 10), "lapsed")
    assert outside == []


def test_alert_pages_go_by_participant_id(program, demo):
    people = make_people(5)
    enrol(program, people)
    issue(program, "2025-01", 12)
    for i, person in enumerate(people):
        pay_person(person, "2025-01", "2025-01", MONTHLY, reference=f"L{i}")
    admin = demo.user("admin")
    first, after = selectors.protection_rows(admin, date(2025, 9, 1), "lapsed", limit=2)
    second, after2 = selectors.protection_rows(admin, date(2025, 9, 1), "lapsed", after=after, limit=2)
    third, end = selectors.protection_rows(admin, date(2025, 9, 1), "lapsed", after=after2, limit=2)
    assert [r.participant.pk for r in first + second + third] == [p.pk for p in people]
    assert end is None
    assert len(list(selectors.protection_rows_all(admin, date(2025, 9, 1), "lapsed", chunk=2))) == 5


def test_timeline_shows_billed_paid_and_status_month_by_month(program, people):
    issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-03", 3 * MONTHLY, reference="T1", paid_on=date(2025, 1, 5))
    pay_person(people[0], "2025-04", "2025-12", 9 * MONTHLY, reference="T2", paid_on=date(2025, 8, 5))
    months = selectors.protection_timeline(Participant.objects.get(pk=people[0].pk), date(2025, 10, 15))
    by_label = {t.label: t for t in months}
    assert months[0].label == "2025-01" and months[-1].label == "2025-12"
    bill = Bill.objects.get()
    assert by_label["2025-02"].billed == ((bill.pk, "TAG/BKBK-UJI-2025/2025-01/12M", MONTHLY),)
    assert by_label["2025-02"].protection.status == S.ACTIVE
    assert by_label["2025-05"].protection.status == S.ARREARS  # T2 was not paid yet at the end of May
    assert by_label["2025-07"].protection.status == S.LAPSED
    assert by_label["2025-04"].paid == (("T2", date(2025, 8, 5), False),)  # paid more than 3 months late
    assert by_label["2025-05"].paid[0][2] is True
    assert by_label["2025-10"].protection.status == S.ACTIVE
    assert month_index(by_label["2025-10"].starts_on) == m("2025-10")
