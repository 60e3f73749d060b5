"""The monev report: its figures and tables for a region and month, the A4 PDF and
the XLSX, the command line and the download page, inside the jurisdiction only."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from jaring.errors import InvalidInput, PermissionDeniedError
from jaring.reports.monev import monev_report
from jaring.reports.render import monev_pdf, monev_xlsx
from jaring.reports.tables import parse_period, percent_fraction

from .access import CASES, ORGS, client_for, matrix_user
from .system import debian_binary, run
from .test_funds_services import post
from .test_programs_services import bkbk

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "monev"
SENGKATI = "1504012003"


@pytest.fixture
def money(demo):
    """BKBK Jambi with money moved to Batanghari and two of its villages, one of
    which paid BPJS; a later transfer falls after the reported month."""
    program = bkbk(demo)
    post(program, "to_regency", "1504", 3_000_000, "SP2D/1", on=date(2025, 2, 3))
    post(program, "to_village", SENGKATI, 1_000_000, "TRF/1", on=date(2025, 3, 1))
    post(program, "to_village", "1504012002", 1_000_000, "TRF/2", on=date(2025, 3, 1))
    post(program, "to_bpjs", "1504012002", 1_000_000, "IURAN/2", on=date(2025, 3, 20))
    post(program, "to_village", "1504012004", 500_000, "TRF/3", on=date(2025, 6, 2))  # after May
    return program


def figures(report) -> dict:
    return {f.label: f.value for f in report.figures}


def table(report, key):
    (found,) = [t for t in report.tables if t.key == key]
    return found


def test_the_report_of_a_regency_for_a_month(demo, money):
    report = monev_report(demo.user("jambi.viewer"), region_code="15.04", period=date(2025, 5, 1))
    assert (report.region_name, report.as_of, report.period_label) == (
        "Kabupaten Batanghari",
        date(2025, 5, 31),
        "Mei 2025",
    )
    shown = figures(report)
    assert shown["Program berjalan"] == 1
    assert shown["Desa dengan dana mengendap"] == 1  # Sengkati: received March, paid nothing
    (row,) = table(report, "Alur dana per program").rows
    assert row[:6] == ["BKBK-JAMBI-2025", "BKBK", row[2], 3_000_000, 2_000_000, 1_000_000]  # June's not yet
    (idle,) = table(report, "Dana mengendap").rows
    assert idle[:5] == ["Sengkati Gedang", "15.04.01.2003", "BKBK-JAMBI-2025", 1_000_000, 0]
    later = monev_report(demo.user("jambi.viewer"), region_code="15.04", period=date(2025, 7, 1))
    assert table(later, "Alur dana per program").rows[0][4] == 2_500_000


def test_refused_outside_the_jurisdiction_for_a_future_month_or_an_unknown_region(demo, money):
    with pytest.raises(PermissionDeniedError):
        monev_report(demo.user("batanghari.operator"), region_code="15", period=date(2025, 5, 1))
    with pytest.raises(InvalidInput):
        monev_report(demo.user("admin"), region_code="15", period=date(2999, 1, 1))
    with pytest.raises(InvalidInput):
        monev_report(demo.user("admin"), region_code="99.99", period=date(2025, 1, 1))
    with pytest.raises(ValueError, match=r"mis\. 2025-08"):
        parse_period("Mei 2025")


def test_the_workbook_has_a_summary_and_one_typed_sheet_per_table(demo, money):
    report = monev_report(demo.user("admin"), region_code="15", period=date(2025, 5, 1))
    book = CalamineWorkbook.from_filelike(io.BytesIO(monev_xlsx(report)))
    assert book.sheet_names == ["Ringkasan", *[t.key for t in report.tables]]
    summary = book.get_sheet_by_name("Ringkasan").to_python()
    assert summary[0][0] == "Laporan monev Jambi (15)"
    assert ["Pagu/alokasi program", 23_965_200_000.0, ""] in summary
    funds = book.get_sheet_by_name("Alur dana per program").to_python()
    assert funds[2][:3] == ["Program", "Sumber", "Pagu/alokasi"]
    assert funds[3][3:5] == [3_000_000.0, 2_000_000.0]
    assert funds[3][7] == pytest.approx(0.0)  # % to BPJS, a fraction


def test_the_pdf_is_a4_in_indonesian_and_its_first_page_renders(demo, money, tmp_path):
    report = monev_report(demo.user("admin"), region_code="15", period=date(2025, 5, 1), generated_by="Uji")
    pdf = monev_pdf(report)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "monev.pdf"
    path.write_bytes(pdf)
    pdftotext = debian_binary(Path("/usr/bin/pdftotext"), "poppler-utils")
    text = run([str(pdftotext), "-layout", str(path), "-"], timeout=60)
    for expected in (
        "Laporan Monitoring dan Evaluasi",
        "Jambi",
        "Mei 2025",
        "Alur dana per program",
        "Rp23.965.200.000",
    ):
        assert expected in text, expected
    info = run([str(debian_binary(Path("/usr/bin/pdfinfo"), "poppler-utils")), str(path)], timeout=60)
    assert "595.276 x 841.89 pts (A4)" in info
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdftoppm = debian_binary(Path("/usr/bin/pdftoppm"), "poppler-utils")
    run(
        [str(pdftoppm), "-png", "-r", "80", "-f", "1", "-l", "2", str(path), str(ARTIFACTS / "monev-jambi")],
        timeout=120,
    )
    first = ARTIFACTS / "monev-jambi-1.png"
    assert first.read_bytes().startswith(b"\x89PNG")


def test_report_monev_command_writes_the_file(demo, money, tmp_path, capsys):
    output = tmp_path / "monev.xlsx"
    call_command("report_monev", "--region", "15.04", "--period", "2025-05", "--output", str(output))
    assert "ditulis ke" in capsys.readouterr().out
    assert CalamineWorkbook.from_filelike(io.BytesIO(output.read_bytes())).sheet_names[0] == "Ringkasan"
    with pytest.raises(CommandError, match="invalid_output"):
        call_command(
            "report_monev", "--region", "15", "--period", "2025-05", "--output", str(tmp_path / "a.doc")
        )
    with pytest.raises(CommandError, match="outside_jurisdiction"):
        call_command(
            "report_monev",
            "--region",
            "15",
            "--period",
            "2025-05",
            "--output",
            str(output),
            "--as",
            "desa.operator",
        )


def test_download_page(demo, money):
    client = demo.client("jambi.viewer")
    page = client.get("/monev/laporan/").content.decode()
    assert 'data-testid="monev-form"' in page and 'value="15"' in page
    response = client.get("/monev/laporan/", {"region": "15.04", "period": "2025-05", "fmt": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="monev-1504-2025-05.pdf"'
    refused = client.get("/monev/laporan/", {"region": "17", "period": "2025-05", "fmt": "xlsx"})
    assert refused.status_code == 200 and "di luar wilayah kerja Anda" in refused.content.decode()
    bad = client.get("/monev/laporan/", {"region": "15", "period": "Mei", "fmt": "xlsx"}).content.decode()
    assert "tulis tahun-bulan" in bad


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_every_role_gets_the_report_of_its_own_regions_only(demo, kind, role):
    client = client_for(matrix_user(kind, role))
    _org, inside, outside = ORGS[kind]
    response = client.get("/monev/laporan/", {"region": inside, "period": "2025-05", "fmt": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats"), (kind, role)
    response = client.get("/monev/laporan/", {"region": outside, "period": "2025-05", "fmt": "xlsx"})
    assert "di luar wilayah kerja Anda" in response.content.decode()


def test_coverage_ranking_and_map_of_jambi_in_august_2024(demo, tmp_path):
    from jaring.demo.monitoring import seed_coverage

    seed_coverage()
    report = monev_report(demo.user("jambi.viewer"), region_code="15", period=date(2024, 8, 1))
    shown = figures(report)
    assert (shown["Cakupan (UCJ)"], shown["Target cakupan"]) == (39.52, 53.0)
    assert shown["Kekurangan menuju target"] == 695_556 - 518_632
    ranking = table(report, "Cakupan").rows
    batanghari = next(row for row in ranking if row[1] == "Kabupaten Batanghari")
    assert batanghari[2:5] == [49_803, 98_206, 50.71]
    assert [row[0] for row in ranking] == list(range(1, len(ranking) + 1))
    assert [row[4] for row in ranking] == sorted((row[4] for row in ranking), reverse=True)
    assert report.map_svg.count("<path") == 11 and report.map_legend
    path = tmp_path / "monev.pdf"
    path.write_bytes(monev_pdf(report))
    text = run([str(debian_binary(Path("/usr/bin/pdftotext"), "poppler-utils")), str(path), "-"], timeout=60)
    assert "39,52%" in text and "50,71%" in text and "Peta cakupan per kabupaten/kota" in text


@pytest.mark.parametrize(
    ("percent", "decimals", "fraction"),
    [(39.52, 2, 0.3952), (50.71, 2, 0.5071), (53.0, 2, 0.53), (33.3, 1, 0.333), (0.0, 1, 0.0), (100, 1, 1.0)],
)
def test_a_percentage_becomes_the_fraction_of_the_digits_shown(percent, decimals, fraction):
    assert percent_fraction(percent, decimals) == fraction


def _number_format(data: bytes, sheet: str, ref: str) -> str:
    """The number format of one cell of a written workbook (its style, read from the XML)."""
    ns = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        cells = ElementTree.fromstring(archive.read(sheet))
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    (cell,) = cells.findall(f".//x:c[@r='{ref}']", ns)
    xf = styles.findall("x:cellXfs/x:xf", ns)[int(cell.get("s", "0"))]
    formats = {f.get("numFmtId"): f.get("formatCode") for f in styles.findall("x:numFmts/x:numFmt", ns)}
    return formats.get(xf.get("numFmtId"), {"10": "0.00%", "9": "0%"}.get(xf.get("numFmtId"), ""))


def test_the_workbook_stores_exact_percentages_with_a_percent_format(demo):
    from jaring.demo.monitoring import seed_coverage

    seed_coverage()
    report = monev_report(demo.user("jambi.viewer"), region_code="15", period=date(2024, 8, 1))
    data = monev_xlsx(report)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name("Ringkasan").to_python()
    summary = {row[0]: row[1] for row in rows}
    assert summary["Cakupan (UCJ)"] == 0.3952  # 39.52%, not 0.3952000000000001
    assert summary["Target cakupan"] == 0.53
    ranking = book.get_sheet_by_name("Cakupan").to_python()
    batanghari = next(row for row in ranking if row[1] == "Kabupaten Batanghari")
    assert batanghari[4] == 0.5071
    coverage_row = next(i for i, row in enumerate(rows, start=1) if row[0] == "Cakupan (UCJ)")
    assert _number_format(data, "xl/worksheets/sheet1.xml", f"B{coverage_row}") == "0.00%"


def test_the_demo_report_shows_protection_and_benefits_paid(demo):
    from jaring.demo.seed import seed_demo

    seed_demo()  # programs, bills and payments, claims, coverage, the summary and alerts
    report = monev_report(demo.user("jambi.viewer"), region_code="15.04", period=date(2025, 10, 1))
    shown = figures(report)
    assert shown["Manfaat dibayar bulan ini"] == 42_000_000  # the JKM death paid on 10 Oct 2025
    assert shown["Manfaat dibayar 2025"] == 42_000_000 + 73_500_000
    benefits = {row[0]: row[1:] for row in table(report, "Klaim dan manfaat").rows}
    assert benefits["Kematian (JKM)"][:2] == [1, 42_000_000]
    assert benefits["Meninggal karena kecelakaan kerja (JKK)"][2] == 2  # children with a scholarship
    protection = table(report, "Perlindungan")
    assert protection.rows and protection.note == "Status per 31 Oktober 2025."  # the period's end
    column = {
        name: [row[i] for row in protection.rows] for i, name in enumerate(["", "a", "m", "b", "d", "n", "e"])
    }
    assert shown["Dilindungi program (iuran terbayar)"] == sum(column["a"]) > 0  # districts add up
    assert shown["Menunggak / berhenti"] == f"{sum(column['m'])} / {sum(column['b'])}"
    assert shown["Peserta aktif program"] == sum(column["e"]) > 0  # one page, one count
