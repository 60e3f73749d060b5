"""The scenario comparison as a workbook for the budget submission."""

from __future__ import annotations

import io

import xlsxwriter

from jaring.contributions.models import ScenarioKind
from jaring.contributions.selectors import Comparison
from jaring.contributions.vocab import FundingSource, Package
from jaring.sheets.writers import safe_cell


def _basis_text(scenario) -> str:
    if scenario.kind == ScenarioKind.PERCENT_OF_VULNERABLE:
        return f"{scenario.percent}% pekerja rentan tahun {scenario.year}"
    return f"{scenario.per_village} orang per desa/kelurahan"


def comparison_xlsx(comparison: Comparison) -> bytes:
    """Sheet "Perbandingan": one row per regency, people and rupiah per scenario, totals;
    sheet "Asumsi": each scenario's parameters and frozen monthly rate."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    head = book.add_format({"bold": True, "bg_color": "#D9EAD3", "border": 1, "text_wrap": True})
    number = book.add_format({"num_format": "#,##0"})
    money = book.add_format({"num_format": '"Rp"#,##0'})
    total_label = book.add_format({"bold": True, "top": 1})
    total_number = book.add_format({"bold": True, "top": 1, "num_format": "#,##0"})
    total_money = book.add_format({"bold": True, "top": 1, "num_format": '"Rp"#,##0'})

    sheet = book.add_worksheet("Perbandingan")
    sheet.write_string(0, 0, "KODE_WILAYAH", head)
    sheet.write_string(0, 1, "KABUPATEN/KOTA", head)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 32)
    for index, scenario in enumerate(comparison.scenarios):
        col = 2 + 2 * index
        name = str(safe_cell(scenario.name))
        sheet.write_string(0, col, f"{name}: orang", head)
        sheet.write_string(0, col + 1, f"{name}: anggaran (Rp)", head)
        sheet.set_column(col, col, 14)
        sheet.set_column(col + 1, col + 1, 22)
    for row, line in enumerate(comparison.rows, start=1):
        sheet.write_string(row, 0, line.region.code_dotted)
        sheet.write_string(row, 1, str(safe_cell(line.region.name)))
        for index, cell in enumerate(line.cells):
            if cell is not None:
                sheet.write_number(row, 2 + 2 * index, cell.people, number)
                sheet.write_number(row, 3 + 2 * index, cell.rupiah, money)
    last = len(comparison.rows) + 1
    sheet.write_string(last, 0, "", total_label)
    sheet.write_string(last, 1, "JUMLAH", total_label)
    for index, scenario in enumerate(comparison.scenarios):
        sheet.write_number(last, 2 + 2 * index, scenario.total_people, total_number)
        sheet.write_number(last, 3 + 2 * index, scenario.total_rupiah, total_money)
    sheet.freeze_panes(1, 2)

    notes = book.add_worksheet("Asumsi")
    headers = [
        "SKENARIO",
        "WILAYAH",
        "TAHUN",
        "DASAR",
        "PAKET",
        "SUMBER DANA",
        "BULAN",
        "TANGGAL TARIF",
        "IURAN PER ORANG PER BULAN (Rp)",
        "JUMLAH ORANG",
        "JUMLAH ANGGARAN (Rp)",
    ]
    for col, text in enumerate(headers):
        notes.write_string(0, col, text, head)
    notes.set_column(0, 1, 32)
    notes.set_column(2, len(headers) - 1, 18)
    for row, s in enumerate(comparison.scenarios, start=1):
        notes.write_string(row, 0, str(safe_cell(s.name)))
        notes.write_string(row, 1, f"{s.region.code_dotted} {s.region.name}")
        notes.write_number(row, 2, s.year)
        notes.write_string(row, 3, _basis_text(s))
        notes.write_string(row, 4, str(Package(s.package).label))
        notes.write_string(row, 5, str(FundingSource(s.source).label))
        notes.write_number(row, 6, s.months)
        notes.write_string(row, 7, s.rate_date.strftime("%d/%m/%Y"))
        notes.write_number(row, 8, s.monthly_per_person, money)
        notes.write_number(row, 9, s.total_people, number)
        notes.write_number(row, 10, s.total_rupiah, money)
    notes.write_string(
        len(comparison.scenarios) + 2,
        0,
        "Angka dibekukan saat skenario disimpan: perubahan tarif sesudahnya tidak mengubahnya.",
    )
    book.close()
    return buffer.getvalue()
