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


NUMERIC = (RUPIAH, INT, PERCENT, PERCENT2)
MAP_AFTER = "Cakupan"  # the map follows the coverage ranking it colours
KEY_GROUPS = 2  # the map's key side by side (3 past KEY_ROWS regencies)
KEY_ROWS = 12
# The template's type sizes (pt) and a cell's horizontal padding (2 x 1.2 mm), for
# measuring columns; DejaVu Sans bold is about a tenth wider than regular.
TEXT_PT, NUMBER_PT, HEADER_PT, BOLD, PADDING_PT = 8.0, 7.5, 7.5, 1.1, 7.0
CONTENT_PT = 510  # the A4 page between its 15 mm side margins
NARROW, WIDE = set(" .,:;'!|()[]-/ijlfrtI"), set("MWmw%@")


def _ems(text: str) -> float:
    """The width of a text in DejaVu Sans, in ems, near enough to size columns by."""
    total = 0.0
    for char in text:
        if char in NARROW:
            total += 0.36
        elif char in WIDE:
            total += 0.92
        elif char.isupper():
            total += 0.72
        elif char.isdigit():
            total += 0.64
        else:
            total += 0.62
    return total * 1.08  # a margin: a word a little narrower than its column still fits


def _rows_text(table) -> list[list[tuple[str, bool]]]:
    numeric = [c.kind in NUMERIC for c in table.columns]
    return [
        [(cell_text(v, c.kind), n) for v, c, n in zip(row, table.columns, numeric, strict=True)]
        for row in table.rows
    ]


def column_widths(columns, rows: list[list[tuple[str, bool]]]) -> list[str]:
    """Each column's share of the page width, as CSS. A number or date column is as wide
    as its longest value (numbers never wrap; they are set a size smaller); the text
    columns share the rest in proportion to their longest texts, each at least as wide
    as its longest word (names and titles wrap between words, never inside one). No
    column is narrower than the longest word of its header."""
    fixed: dict[int, float] = {}
    natural: dict[int, float] = {}
    least: dict[int, float] = {}
    for index, column in enumerate(columns):
        texts = [row[index][0] for row in rows]
        header = max((_ems(word) for word in column.label.split()), default=1.0) * HEADER_PT * BOLD
        if column.kind in NUMERIC or column.kind == DATE:
            size = NUMBER_PT if column.kind in NUMERIC else TEXT_PT
            fixed[index] = max(header, max((_ems(t) for t in texts), default=0.0) * size) + PADDING_PT
        else:
            word = max((_ems(w) for t in texts for w in t.split()), default=0.0) * TEXT_PT
            least[index] = max(header, word) + PADDING_PT
            natural[index] = max(
                least[index], max((_ems(t) for t in texts), default=0.0) * TEXT_PT + PADDING_PT
            )
    room = CONTENT_PT - sum(fixed.values())
    spare = room - sum(least.values())
    stretch = sum(natural[i] - least[i] for i in natural)
    if sum(natural.values()) <= room or spare <= 0 or not stretch:
        widths = {**fixed, **natural} if sum(natural.values()) <= room else {**fixed, **least}
    else:
        widths = {**fixed, **{i: least[i] + spare * (natural[i] - least[i]) / stretch for i in natural}}
    total = sum(widths.values())
    return [f"{100 * widths[i] / total:.2f}%" for i in range(len(columns))]


def _key_rows(report: MonevReport) -> list[list[tuple[str, str, str]]]:
    """The map's key as table rows: numbers run down each group of columns."""
    keys = [(str(k.number), k.name, cell_text(k.coverage, PERCENT2)) for k in report.map_key]
    groups = KEY_GROUPS if len(keys) <= KEY_GROUPS * KEY_ROWS else KEY_GROUPS + 1
    height = -(-len(keys) // groups)
    return [
        [keys[g * height + r] if g * height + r < len(keys) else ("", "", "") for g in range(groups)]
        for r in range(height)
    ]


def monev_html(report: MonevReport) -> str:
    """The report as the HTML WeasyPrint lays out: cover with the headline figures,
    summary, the coverage ranking, the numbered map with its key and legend, then each
    table (the trend with its chart)."""

    def figure(f) -> tuple[str, str, str]:
        return (f.label, cell_text(f.value, f.kind), f.note)

    tables = []
    for t in report.tables:
        rows = _rows_text(t)
        tables.append((t, rows, column_widths(t.columns, rows)))
    return render_to_string(
        "reports/monev_pdf.html",
        {
            "report": report,
            "headline": [figure(f) for f in report.figures if f.headline],
            "figures": [figure(f) for f in report.figures],
            "tables": tables,
            "map_after": MAP_AFTER,
            "key_rows": _key_rows(report),
            "as_of": date_text(report.as_of),
            "generated": timezone.localtime(),
        },
    )


def monev_document(report: MonevReport):
    """The laid-out WeasyPrint document (its pages and boxes, for tests that measure them)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    return HTML(string=monev_html(report)).render()


def monev_pdf(report: MonevReport) -> bytes:
    """The A4 PDF for the meeting: cover, summary, map, then each table."""
    return monev_document(report).write_pdf()


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
