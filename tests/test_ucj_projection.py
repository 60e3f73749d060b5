"""The road to the coverage target (monitoring/projection.py): what the programs count
toward UCJ now and by 31 December, the gap after them and its price, on the dashboard,
in the monev report and from `jaring ucj_projection`; true as of its date; only inside
the reader's jurisdiction. Every figure below is worked by hand in the comments."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime, time
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jaring import dated_rules
from jaring.billing.models import Payment
from jaring.billing.services import bill_correct, payment_reverse
from jaring.errors import PermissionDeniedError
from jaring.monitoring.models import CountingRule
from jaring.monitoring.projection import ucj_projection
from jaring.programs.services import EnrolmentRequest, enrolment_create, enrolments_create
from jaring.regions.models import Region
from jaring.regions.selectors import region_in_jurisdiction

from . import access
from . import billing_world as w
from .coverage_files import load

pytestmark = pytest.mark.django_db

MONTHLY = w.MONTHLY  # Rp16,800: JKK + JKM on Rp1,000,000 for an APBD payer
# Jambi (DOMAIN.md s.8): 518,632 active of 1,312,370 potential; 53% is 695,556 people.
JAMBI_2025 = [["15", "2025-03-01", 518_632, 1_312_370, 53]]


@contextmanager
def on_day(day: date):
    """Records stamped "now" (a bill's issue time) are stamped at 09:00 on ``day``."""
    moment = timezone.make_aware(datetime.combine(day, time(9)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def issue_on(day: date, program, first: str, months: int):
    with on_day(day):
        return w.issue(program, first, months)


def _jambi(demo, people: int = 6, *, code: str = "JARING-JAMBI-2025"):
    program = w.make_program(demo.org("pemprov-jambi"), code=code, source="APBD_PROV")
    folks = w.make_people(people)
    w.enrol(program, folks)
    return program, folks


def _project(user, code: str, on: date):
    return ucj_projection(user, Region.objects.get(code=code), on)


def test_paid_months_count_pro_rata_and_issued_bills_count_by_year_end(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    program, _people = _jambi(demo)
    first = issue_on(date(2025, 1, 5), program, "2025-01", 3)
    w.pay_bill(first, paid_on=date(2025, 1, 10))
    issue_on(date(2025, 3, 25), program, "2025-04", 3)  # issued, not paid yet
    projection = _project(demo.user("jambi.viewer"), "15", date(2025, 3, 31))
    # Now: 6 people x 3 paid months = 18 / 6 = 3 people. Year end: 6 x 6 / 6 = 6.
    assert projection.as_dict() == {
        "region": "15",
        "date": "2025-03-31",
        "participants": 518_632,
        "potential": 1_312_370,
        "target_pct": "53.00",
        "target_participants": 695_556,
        "program_people": 6,
        "program_counted_now": 3,
        "program_counted_year_end": 6,
        # 695,556 - 518,632 - (6 - 3): the 3 counted now are inside BPJS's 518,632.
        "gap_after_programs": 176_921,
        "months_left": 9,  # April to December
        "people_needed": 176_921,  # 9 months >= 6: each counts fully
        "rupiah_needed": 176_921 * 9 * MONTHLY,  # Rp26,750,455,200
    }
    assert projection.rupiah_needed == 26_750_455_200
    assert projection.monthly_rupiah == (MONTHLY,) * 9 and projection.source == "APBD_PROV"


def test_a_thousand_workers_with_three_paid_months_count_five_hundred(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    program = w.make_program(demo.org("pemprov-jambi"), code="JARING-SERIBU", source="APBD_PROV")
    people = w.make_people(1_000)
    outcome = enrolments_create(
        actor=None, program=program, requests=[EnrolmentRequest(participant=p) for p in people]
    )
    assert outcome.created == 1_000
    w.pay_bill(issue_on(date(2025, 1, 5), program, "2025-01", 3), paid_on=date(2025, 1, 10))
    projection = _project(demo.user("jambi.viewer"), "15", date(2025, 3, 31))
    assert (projection.program_people, projection.program_counted_now) == (1_000, 500)
    # In February only January and February count: 1,000 x 2 / 6 = 333.33 -> 333.
    assert _project(demo.user("jambi.viewer"), "15", date(2025, 2, 28)).program_counted_now == 333


def test_a_short_funding_period_counts_months_over_six_rounded_down(demo, tmp_path):
    # Bengkulu 2025: a province budget that buys less than two months. Here 7 workers
    # with 2 paid months (October and November): 7 x 2 / 6 = 2.33 -> 2 people counted.
    load(tmp_path, [["17", "2025-11-01", 261_814, 625_750, 45]])
    program = w.make_program(
        demo.org("pemprov-bengkulu"), code="BENGKULU-RENTAN-2025", source="APBD_PROV", regions=("17",)
    )
    people = w.make_people(7, village="1701012001")
    w.enrol(program, people)
    w.pay_bill(
        issue_on(date(2025, 9, 25), program, "2025-10", 1), paid_on=date(2025, 10, 5), reference="B-10"
    )
    w.pay_bill(
        issue_on(date(2025, 10, 25), program, "2025-11", 1), paid_on=date(2025, 11, 5), reference="B-11"
    )
    projection = _project(demo.user("bengkulu.admin"), "17", date(2025, 11, 30))
    assert (projection.program_people, projection.program_counted_now) == (7, 2)
    assert projection.program_counted_year_end == 2
    # 625,750 x 45% = 281,587; gap 281,587 - 261,814 - 0 = 19,773. One month left
    # (December): each person funded counts 1/6, so 19,773 x 6 = 118,638 people.
    assert (projection.target_participants, projection.gap_after_programs) == (281_587, 19_773)
    assert (projection.months_left, projection.people_needed) == (1, 118_638)
    assert projection.rupiah_needed == 118_638 * MONTHLY == 1_993_118_400


def test_in_december_the_gap_cannot_be_closed_this_year(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    projection = _project(demo.user("jambi.viewer"), "15", date(2025, 12, 15))
    assert (projection.months_left, projection.gap_after_programs) == (0, 176_924)
    assert projection.people_needed is None and projection.rupiah_needed is None
    assert projection.unreachable_this_year


def test_a_month_paid_twice_counts_once_and_a_month_paid_too_late_not_at_all(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    program, (ahmad, *_rest) = _jambi(demo, people=1)
    issue_on(date(2025, 1, 5), program, "2025-01", 12)
    w.pay_person(ahmad, "2025-01", "2025-03", 3 * MONTHLY, reference="P-1", paid_on=date(2025, 1, 10))
    w.pay_person(ahmad, "2025-04", "2025-06", 3 * MONTHLY, reference="P-2", paid_on=date(2025, 4, 10))
    viewer = demo.user("jambi.viewer")
    # On 31 May: January to May paid (June is ahead of the date) = 5 of 6 months.
    five = _project(viewer, "15", date(2025, 5, 31))
    assert five.program_counted_now == 0  # 5 / 6 of one person, rounded down
    assert five.program_counted_year_end == 1  # the rest of the yearly bill is payable
    # In December, January to August can no longer be paid (3 months back at most):
    # the year's bill still brings September to December, on top of the 6 paid.
    december = _project(viewer, "15", date(2025, 12, 1))
    assert (december.program_counted_now, december.program_counted_year_end) == (1, 1)


def test_the_dead_and_people_outside_the_region_do_not_count(demo, tmp_path):
    from jaring.billing.services import death_record

    load(tmp_path, JAMBI_2025)
    program, people = _jambi(demo, people=6)
    w.pay_bill(issue_on(date(2025, 1, 5), program, "2025-01", 6), paid_on=date(2025, 1, 10))
    death_record(actor=None, participant=people[0], died_on=date(2025, 5, 2), reason="meninggal")
    viewer = demo.user("jambi.viewer")
    assert _project(viewer, "15", date(2025, 4, 30)).program_counted_now == 4  # 6 x 4 / 6
    assert _project(viewer, "15", date(2025, 6, 30)).program_counted_now == 5  # 5 alive x 6 / 6
    load(tmp_path, [["15.71", "2025-03-01", 468_829, 1_214_164, ""]], name="kota.csv")
    assert _project(viewer, "1571", date(2025, 6, 30)).program_people == 0  # all live in Batanghari


def test_a_figure_is_true_as_of_its_date_whatever_is_recorded_later(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    program, _people = _jambi(demo, people=6)
    first = issue_on(date(2025, 1, 5), program, "2025-01", 3)
    w.pay_bill(first, paid_on=date(2025, 1, 10), reference="IURAN-Q1")
    second = issue_on(date(2025, 3, 25), program, "2025-04", 3)
    viewer = demo.user("jambi.viewer")
    day = date(2025, 3, 31)
    before = _project(viewer, "15", day).as_dict()

    # Later: the second bill paid, corrected, a third bill, the first payment reversed,
    # a new coverage figure and more people enrolled.
    w.pay_bill(second, paid_on=date(2025, 4, 10), reference="IURAN-Q2")
    with on_day(date(2025, 5, 2)):
        bill_correct(actor=None, bill=second, reason="koreksi")
    issue_on(date(2025, 6, 25), program, "2025-07", 6)
    payment_reverse(
        actor=None, payment=Payment.objects.get(reference="IURAN-Q1"), reason="salah", on=date(2025, 7, 1)
    )
    w.enrol(program, w.make_people(3, start=50))
    load(tmp_path, [["15", "2025-06-30", 560_000, 1_312_370, 53]], name="juni.csv")

    assert _project(viewer, "15", day).as_dict() == before
    later = _project(viewer, "15", date(2025, 7, 31))
    assert later.participants == 560_000
    # On 31 July the first quarter no longer counts (reversed); April to June paid.
    assert later.program_counted_now == 3  # 6 x 3 / 6


def test_enrolling_and_billing_moves_the_year_end_projection(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    officer = demo.user("jambi.operator")
    program = w.make_program(demo.org("pemprov-jambi"), code="JARING-BARU", source="APBD_PROV")
    day = date(2025, 6, 30)
    before = _project(officer, "15", day)
    for person in w.make_people(12):
        enrolment_create(actor=officer, program=program, participant=person, starts_on=date(2025, 7, 1))
    with on_day(day):
        w.issue(program, "2025-07", 6, actor=officer)
    after = _project(officer, "15", day)
    assert (before.program_counted_year_end, after.program_counted_year_end) == (0, 12)
    assert after.gap_after_programs == before.gap_after_programs - 12
    assert after.people_needed == before.people_needed - 12  # 6 months left: each counts fully


def test_the_rule_in_force_on_the_date_sets_the_threshold(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    program, _people = _jambi(demo, people=6)
    w.pay_bill(issue_on(date(2025, 1, 5), program, "2025-01", 3), paid_on=date(2025, 1, 10))
    (six,) = CountingRule.objects.all()
    assert (six.full_after_months, six.effective_from) == (6, date(2020, 1, 1))  # the migration's seed
    dated_rules.close(
        dated_rules.lock_to_close(six, date(2025, 3, 15), code_prefix="counting_rule"), date(2025, 3, 15)
    )
    CountingRule.objects.create(full_after_months=3, effective_from=date(2025, 3, 16), basis="uji")
    viewer = demo.user("jambi.viewer")
    assert _project(viewer, "15", date(2025, 3, 15)).program_counted_now == 3  # 6 x 3 / 6
    projection = _project(viewer, "15", date(2025, 3, 31))
    assert projection.program_counted_now == 6  # 3 months count fully from 16 March
    assert (projection.full_after_months, projection.months_left) == (3, 9)


@pytest.mark.parametrize(("kind", "role"), access.CASES)
def test_nobody_projects_a_region_outside_his_jurisdiction(demo, kind, role):
    user = access.matrix_user(kind, role)
    _org, inside, outside = access.ORGS[kind]
    assert region_in_jurisdiction(user, inside).code == inside
    with pytest.raises(PermissionDeniedError) as refused:
        region_in_jurisdiction(user, outside)
    name = Region.objects.get(code=outside).name
    assert refused.value.code == "outside_jurisdiction"
    assert name in refused.value.indonesian
    with pytest.raises(PermissionDeniedError):
        ucj_projection(user, Region.objects.get(code=outside), date(2025, 3, 31))


def test_the_command_prints_the_json_and_the_sentence(demo, tmp_path):
    load(tmp_path, JAMBI_2025)
    program, _people = _jambi(demo)
    w.pay_bill(issue_on(date(2025, 1, 5), program, "2025-01", 3), paid_on=date(2025, 1, 10))
    out = StringIO()
    call_command("ucj_projection", "--region", "15", "--date", "2025-03-31", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["program_counted_now"] == 3 and data["gap_after_programs"] == 176_924  # nothing more billed
    assert data["rupiah_needed"] == 176_924 * 9 * MONTHLY
    out = StringIO()
    call_command(
        "ucj_projection", "--region", "15", "--date", "2025-03-31", "--as", "jambi.viewer", stdout=out
    )
    text = out.getvalue()
    assert (
        "Untuk mencapai 53,00% pada 31/12/2025, danai 176.924 orang lagi selama 9 bulan: "
        "Rp26.750.908.800 (APBD_PROV)" in text
    )
    with pytest.raises(CommandError, match=r"outside_jurisdiction: Bengkulu \(17\) di luar wilayah kerja"):
        call_command("ucj_projection", "--region", "17", "--as", "jambi.viewer", stdout=StringIO())
    with pytest.raises(CommandError, match="invalid_region"):
        call_command("ucj_projection", "--region", "15.x", stdout=StringIO())
    with pytest.raises(CommandError, match="date_invalid"):
        call_command("ucj_projection", "--region", "15", "--date", "31-03-2025", stdout=StringIO())


def test_the_dashboard_shows_the_road_to_the_target(demo, tmp_path, django_assert_max_num_queries):
    from jaring.monitoring.summaries import summaries_refresh

    load(tmp_path, JAMBI_2025)
    program, _people = _jambi(demo)
    w.pay_bill(issue_on(date(2025, 1, 5), program, "2025-01", 3), paid_on=date(2025, 1, 10))
    issue_on(date(2025, 3, 25), program, "2025-04", 3)
    client = demo.client("jambi.viewer")
    summaries_refresh()
    page = client.get("/monev/?wilayah=15&tanggal=2025-03-31")
    html = page.content.decode()
    panel = html[html.index('data-testid="ucj-projection"') :]
    assert "176.921" in panel and "Rp26.750.455.200" in panel and "9 bulan" in panel
    assert 'data-testid="ucj-counted-now">3<' in panel
    assert 'data-testid="ucj-counted-year-end">6<' in panel
    # The panel's reads do not grow with people, bills or payments.
    w.enrol(program, w.make_people(20, start=100))
    issue_on(date(2025, 3, 26), program, "2025-07", 1)
    with django_assert_max_num_queries(16 + 11 + 3):  # the panel: rule, rates, one grouped read
        again = client.get("/monev/?wilayah=15&tanggal=2025-03-31")
    # The page keeps the programs' counts as long as the protection summary (30 minutes):
    # 6 still; read afresh, 36 months of the six + July for the 20 new = 56 / 6 = 9.
    assert 'data-testid="ucj-counted-year-end">6<' in again.content.decode()
    assert _project(demo.user("jambi.viewer"), "15", date(2025, 3, 31)).program_counted_year_end == 9


def test_the_monev_report_has_the_projection_section(demo, tmp_path):
    from jaring.reports.monev import monev_report

    load(tmp_path, JAMBI_2025)
    program, _people = _jambi(demo)
    w.pay_bill(issue_on(date(2025, 1, 5), program, "2025-01", 3), paid_on=date(2025, 1, 10))
    report = monev_report(demo.user("jambi.viewer"), region_code="15", period=date(2025, 3, 1))
    figures = {f.label: f.value for f in report.figures}
    assert figures["Dihitung UCJ dari program, akhir tahun"] == 3
    (table,) = [t for t in report.tables if t.key == "Proyeksi UCJ"]
    rows = {row[0]: row[1:3] for row in table.rows}
    assert rows["Dihitung UCJ dari program, sekarang"] == [3, None]  # 6 x 3 / 6 on 31 March
    assert rows["Kekurangan setelah program"] == [176_924, None]  # nothing more billed
    assert rows["Orang yang perlu didanai"] == [176_924, None]
    assert rows["Anggaran yang dibutuhkan"] == [None, 176_924 * 9 * MONTHLY]
    assert "danai 176.924 orang lagi selama 9 bulan: Rp26.750.908.800." in table.note
