"""Rendering a monev report: an A4 PDF (WeasyPrint) and an XLSX workbook
(XlsxWriter) with one sheet per table."""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone

from jaring.contributions.planning import format_rupiah
from jaring.reports.tables import (
    DATE,
    INT,
    PERCENT,
    PERCENT2,
    RUPIAH,
    MonevReport,
    date_text,
    percent_fraction,
    percent_text,
    thousands,
)

DECIMALS = {PERCENT: 1, PERCENT2: 2}  # as the PDF writes them, and the workbook's formats show


def cell_text(value, kind: str) -> str:
    if value is None:
        return "\u2013"
    if kind == RUPIAH:
        return format_rupiah(value)
    if kind == INT:
        return thousands(value)
    if kind in DECIMALS:
        return percent_text(value, DECIMALS[kind])
    if kind == DATE:
        return date_text(value)
    return str(value)


def _rows_text(table) -> list[list[tuple[str, bool]]]:
    numeric = [c.kind in (RUPIAH, INT, PERCENT, PERCENT2) for c in table.columns]
    return [
        [(cell_text(v, c.kind), n) for v, c, n in zip(row, table.columns, numeric, strict=True)]
        for row in table.rows
    ]


def monev_pdf(report: MonevReport) -> bytes:
    """The A4 PDF for the meeting: cover, summary, map, then each table."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    html = render_to_string(
        "reports/monev_pdf.html",
        {
            "report": report,
            "figures": [(f.label, cell_text(f.value, f.kind), f.note) for f in report.figures],
            "tables": [(t, _rows_text(t)) for t in report.tables],
            "as_of": date_text(report.as_of),
            "generated": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def monev_xlsx(report: MonevReport) -> bytes:
    """The same data as a workbook: a summary sheet, then one sheet per table with
    typed cells (rupiah and counts as numbers, percentages as exact fractions under a
    percent format, dates)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#E8F3EC", "border": 1, "text_wrap": True})
    formats = {
        RUPIAH: book.add_format({"num_format": '"Rp"#,##0'}),
        INT: book.add_format({"num_format": "#,##0"}),
        PERCENT: book.add_format({"num_format": "0.0%"}),  # DECIMALS
        PERCENT2: book.add_format({"num_format": "0.00%"}),
        DATE: book.add_format({"num_format": "dd/mm/yyyy"}),
    }

    def write(sheet, row: int, col: int, value, kind: str) -> None:
        if value is None:
            sheet.write_blank(row, col, None)
        elif kind in (PERCENT, PERCENT2):
            sheet.write_number(row, col, percent_fraction(value, DECIMALS[kind]), formats[kind])
        elif kind == DATE and isinstance(value, date):
            sheet.write_datetime(row, col, value, formats[DATE])
        elif kind in (RUPIAH, INT):
            sheet.write_number(row, col, value, formats[kind])
        else:
            sheet.write_string(row, col, str(value))

    summary = book.add_worksheet("Ringkasan")
    summary.write(0, 0, f"Laporan monev {report.region_name} ({report.region_code})", title)
    summary.write(1, 0, f"Periode {report.period_label}, keadaan per {date_text(report.as_of)}")
    summary.write_row(3, 0, ["Ukuran", "Nilai", "Keterangan"], header)
    for i, figure in enumerate(report.figures, start=4):
        summary.write_string(i, 0, figure.label, bold)
        write(summary, i, 1, figure.value, figure.kind)
        summary.write_string(i, 2, figure.note)
    summary.set_column(0, 0, 34)
    summary.set_column(1, 1, 20)
    summary.set_column(2, 2, 30)
    for table in report.tables:
        sheet = book.add_worksheet(table.key[:31])
        sheet.write(0, 0, table.title, title)
        if table.note:
            sheet.write(1, 0, table.note)
        sheet.write_row(2, 0, [c.label for c in table.columns], header)
        for r, row in enumerate(table.rows, start=3):
            for c, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                write(sheet, r, c, value, column.kind)
        if not table.rows:
            sheet.write(3, 0, table.empty)
        for c, column in enumerate(table.columns):
            sheet.set_column(c, c, 18 if column.kind != "text" else 28)
        sheet.freeze_panes(3, 0)
    book.close()
    return buffer.getvalue()
