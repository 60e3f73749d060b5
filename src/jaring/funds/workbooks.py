"""The transfer ledger as an XLSX workbook, for officers' own reports."""

from __future__ import annotations

import io

import xlsxwriter

from jaring.sheets.writers import safe_cell

HEADERS = [
    "Tanggal",
    "Program",
    "Jenis",
    "Kode wilayah",
    "Wilayah",
    "Tahap",
    "Jumlah (Rp)",
    "Referensi",
    "Koreksi atas",
    "Alasan",
]


def transfers_xlsx(transfers) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Transfer dana")
    bold = workbook.add_format({"bold": True, "bg_color": "#D9EAD3"})
    money = workbook.add_format({"num_format": "#,##0"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS, bold)
    row = 0
    for row, t in enumerate(transfers.iterator(chunk_size=2000), start=1):
        sheet.write_datetime(row, 0, t.transferred_on, day)
        sheet.write(row, 1, safe_cell(t.program.code))
        sheet.write(row, 2, t.get_kind_display())
        sheet.write_string(row, 3, t.region.code_dotted)
        sheet.write(row, 4, safe_cell(t.region.name))
        sheet.write_number(row, 5, t.stage)
        sheet.write_number(row, 6, t.amount, money)
        sheet.write(row, 7, safe_cell(t.reference))
        sheet.write(row, 8, safe_cell(t.reverses.reference if t.reverses_id else ""))
        sheet.write(row, 9, safe_cell(t.reason))
    sheet.set_column(0, 0, 12, day)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 36)
    sheet.set_column(4, 4, 28)
    sheet.set_column(6, 6, 18)
    sheet.set_column(7, 9, 24)
    sheet.autofilter(0, 0, max(row, 1), len(HEADERS) - 1)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
