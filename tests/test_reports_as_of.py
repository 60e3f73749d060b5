"""A monev report is true as of its date: built again after later data arrives
(transfers, payments, a claim, an alert sweep, a summary rebuild, a rate change, new
coverage figures), a report of a past period is the same cell for cell (XLSX), line for
line (PDF text) and point for point (its coverage trend chart)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jaring.alerts.services import alerts_refresh
from jaring.billing.models import Bill, PaidMonths
from jaring.billing.protection import month_index
from jaring.billing.selectors import protection_on
from jaring.billing.services import payment_record
from jaring.claims.services import claim_report
from jaring.contributions.services import rate_rule_create
from jaring.funds.models import Transfer
from jaring.funds.services import transfer_post
from jaring.monitoring.models import CoverageFigure
from jaring.monitoring.summaries import summaries_refresh
from jaring.programs.models import Program
from jaring.reports.monev import monev_report
from jaring.reports.render import monev_pdf, monev_xlsx

from .system import debian_binary, run

pytestmark = pytest.mark.django_db

PERIODS = [date(2024, 8, 1), date(2025, 3, 1), date(2025, 7, 1), date(2025, 10, 1)]
REGIONS = ["15", "15.04"]
LATER = date(2025, 11, 20)  # after every period above


def _cells(report) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(monev_xlsx(report)))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _pdf_lines(report, tmp_path: Path) -> list[str]:
    path = tmp_path / "monev.pdf"
    path.write_bytes(monev_pdf(report))
    text = run(
        [str(debian_binary(Path("/usr/bin/pdftotext"), "poppler-utils")), "-layout", str(path), "-"],
        timeout=60,
    )
    # The one line that names when the file was written, not what it reports.
    return [line for line in text.splitlines() if "Disusun oleh Jaring pada" not in line]


def _trend_chart(report) -> str:
    (trend,) = [t for t in report.tables if t.key == "Tren cakupan"]
    return trend.chart_svg


def _later_data(demo) -> None:
    """What arrives after the periods reported: money, a payment, a death, the
    background sweeps and a new rate."""
    program = Program.objects.get(code="BKBK-JAMBI-2025")
    village = (
        Transfer.objects.filter(program=program, kind="to_village")
        .values_list("region_id", flat=True)
        .first()
    )
    transfer_post(
        actor=None,
        program=program,
        kind="to_bpjs",
        region_code=village,
        transferred_on=LATER,
        amount=16_800,
        reference="IURAN/SESUDAH/1",
    )
    bill = Bill.objects.filter(program=program, status="issued").first()
    payment_record(
        actor=None,
        reference="BAYAR/SESUDAH/1",
        paid_on=LATER,
        amount=bill.total_rupiah - bill.paid_rupiah,
        bill=bill,
    )
    month = month_index(LATER)
    paid = PaidMonths.objects.filter(
        first_month__lte=month, last_month__gte=month, void=False, participant__village__code__startswith="15"
    ).exclude(participant__status__in=["deceased", "exited"])
    person = next(
        span.participant
        for span in paid.select_related("participant").order_by("participant_id")
        if protection_on(span.participant, LATER).status == "active"
    )
    claim_report(
        actor=None,
        participant=person,
        kind="jkm",
        event_date=LATER,
        event_place="Rumah",
        description="Meninggal dunia karena sakit",
    )
    rate_rule_create(
        actor=None,
        component="DISCOUNT",
        packages=["JKK_JKM", "JKK_JKM_JHT"],
        sources=["BKBK"],
        rate_bp=5000,
        effective_from=date(2027, 1, 1),
        basis="uji: aturan baru sesudah periode laporan",
    )
    for code, level, participants, potential in [
        ("15", "province", 700_000, 1_327_480),
        ("1504", "regency", 70_000, 99_337),
    ]:
        CoverageFigure.objects.update_or_create(
            region_id=code,
            on=LATER,
            defaults={"level": level, "participants": participants, "potential": potential},
        )
    alerts_refresh()
    summaries_refresh()


def test_past_reports_are_the_same_after_later_data(demo, tmp_path):
    from jaring.demo.seed import seed_demo

    seed_demo()
    viewer = demo.user("jambi.viewer")
    reports = {(r, p): monev_report(viewer, region_code=r, period=p) for r in REGIONS for p in PERIODS}
    before = {key: _cells(report) for key, report in reports.items()}
    trends = {key: _trend_chart(report) for key, report in reports.items()}
    assert all(trends.values())
    pdf_before = {
        key: _pdf_lines(reports[key], tmp_path) for key in [("15", PERIODS[1]), ("15.04", PERIODS[3])]
    }

    _later_data(demo)

    for region, period in before:
        again = monev_report(viewer, region_code=region, period=period)
        assert _cells(again) == before[(region, period)], f"{region} {period:%Y-%m} changed"
        assert _trend_chart(again) == trends[(region, period)], f"{region} {period:%Y-%m} trend changed"
    for key, lines in pdf_before.items():
        assert _pdf_lines(monev_report(viewer, region_code=key[0], period=key[1]), tmp_path) == lines


def test_a_past_report_names_its_period_end_and_its_own_alerts(demo):
    """The protection status is that of the period's end, and the alerts are those
    that held then: in August 2024 nothing of the 2025 program can be idle."""
    from jaring.demo.seed import seed_demo

    seed_demo()
    report = monev_report(demo.user("jambi.viewer"), region_code="15", period=date(2024, 8, 1))
    tables = {t.key: t for t in report.tables}
    assert tables["Perlindungan"].note == "Status per 31 Agustus 2024."
    assert tables["Peringatan"].title == "Peringatan per 31 Agustus 2024"
    titles = [row[2] for row in tables["Peringatan"].rows]
    assert not [t for t in titles if "2025" in t]
    shown = {f.label: f.value for f in report.figures}
    idle = [row for row in tables["Peringatan"].rows if row[1] == "Dana mengendap di desa"]
    assert shown["Desa dengan dana mengendap"] == len(tables["Dana mengendap"].rows) == len(idle)


@pytest.mark.parametrize("region", ["1504", "17", "1571"])
def test_each_alert_source_read_for_a_region_finds_what_the_country_has_there(demo, region):
    """A monev report asks the alert sources for its region only (a province's report
    no longer computes the country's villages): each source, read for the region, yields
    inside it exactly the drafts of the country's reading there (the caller keeps those
    inside, as ``conditions_on`` does), on a past day, a day of the live year and today."""
    from jaring.alerts.sources import SOURCES
    from jaring.demo.seed import seed_demo

    seed_demo()
    today = timezone.localdate()  # the kept summary's day: protection_lapsed reads it
    days = [date(2025, 4, 15), today - timedelta(days=20), today]
    found_any = False
    for day in days:
        for kind, source in sorted(SOURCES.items()):
            everywhere = [d for d in source.collect(day, "") if d.region_code.startswith(region)]
            inside = [d for d in source.collect(day, region) if d.region_code.startswith(region)]
            assert sorted(inside, key=lambda d: d.key) == sorted(everywhere, key=lambda d: d.key), (kind, day)
            found_any = found_any or bool(inside)
    assert found_any  # the demo has alerts in each of these regions
